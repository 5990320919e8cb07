"""MP3 frame headers read from bytes: what Alexa checks, without trusting any decoder."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydub.generators import Sine

from audio import ffmpeg, mpeg

ALEXA = ["-codec:a", "libmp3lame", "-b:a", "48k", "-ar", "24000", "-ac", "1", "-write_xing", "0"]


def encode(arguments: list[str], seconds: float = 1.0, into: Path | None = None) -> bytes:
    """A sine tone encoded by ffmpeg with these output options, through a pipe or a file.

    ffmpeg writes a Xing/Info header only when it can seek back: into a file, not a pipe.
    """
    tone = Sine(440, sample_rate=24000).to_audio_segment(duration=int(seconds * 1000), volume=-12)
    source = ["-f", "s16le", "-ar", "24000", "-ac", "1", "-i", "pipe:0", *arguments, "-f", "mp3"]
    if into is None:
        return ffmpeg.run_ffmpeg([*source, "pipe:1"], tone.raw_data)
    ffmpeg.run_ffmpeg([*source, "-y", str(into)], tone.raw_data)
    return into.read_bytes()


def test_a_header_is_decoded_field_by_field() -> None:
    # 0xFFF3: MPEG-2 layer III, no CRC; 0x64: 48 kbps, 24000 Hz, no padding; 0xC4: mono.
    frame = mpeg.parse_frame(bytes([0xFF, 0xF3, 0x64, 0xC4]), 0)
    assert frame == mpeg.Frame(
        offset=0, version=2.0, layer=3, bitrate_kbps=48, sample_rate=24000, channels=1, length=144
    )
    assert frame.samples == 576


@pytest.mark.parametrize(
    "header",
    [
        bytes([0xFF, 0xF3, 0xF4, 0xC4]),  # bit rate index 15 is invalid
        bytes([0xFF, 0xF3, 0x6C, 0xC4]),  # sample rate index 3 is reserved
        bytes([0xFF, 0xEB, 0x64, 0xC4]),  # version bits 01 are reserved
        bytes([0x49, 0x44, 0x33, 0x04]),  # "ID3", not a frame
    ],
)
def test_invalid_headers_are_refused(header: bytes) -> None:
    assert mpeg.parse_frame(header, 0) is None


def test_an_alexa_clip_has_constant_mpeg2_frames_and_no_xing_header() -> None:
    scan = mpeg.scan(encode(ALEXA, seconds=2.0))
    assert scan.frames and scan.damage is None and not scan.has_xing_header
    shapes = {(f.version, f.layer, f.bitrate_kbps, f.sample_rate, f.channels) for f in scan.frames}
    assert shapes == {(2.0, 3, 48, 24000, 1)}
    assert scan.duration == pytest.approx(2.0, abs=0.1)


def test_a_xing_header_is_noticed_and_not_counted_as_audio(tmp_path: Path) -> None:
    with_xing = mpeg.scan(encode(ALEXA[:-2], seconds=2.0, into=tmp_path / "xing.mp3"))
    without = mpeg.scan(encode(ALEXA, seconds=2.0, into=tmp_path / "plain.mp3"))
    assert with_xing.has_xing_header
    assert len(with_xing.frames) == len(without.frames)


def test_leading_id3_tags_are_skipped() -> None:
    clip = encode([*ALEXA, "-id3v2_version", "0"])
    tag = b"ID3\x03\x00\x00\x00\x00\x00\x0a" + bytes(10)
    assert mpeg.id3v2_size(clip) == 0
    assert mpeg.id3v2_size(tag + tag + clip) == 40
    shifted = [frame.offset - 40 for frame in mpeg.scan(tag + tag + clip).frames]
    assert shifted == [frame.offset for frame in mpeg.scan(clip).frames]


def test_a_truncated_file_is_reported_as_damaged() -> None:
    scan = mpeg.scan(encode(ALEXA)[:-50])
    assert scan.damage is not None and "not a whole MPEG audio frame" in scan.damage
