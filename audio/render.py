"""Rendering speech into Alexa-ready clips: pauses, trimmed edges, loudness, MP3 export, checks.

Each step takes an AudioSegment and returns a new one; `audio.narration` composes them.
SciPy (through `audio.loudness` and `audio.dynamics`) loads with the first step that needs it,
not with trimming, which needs only numpy.
The format rules come from Alexa's SSML audio requirements (see ALEXA.md): MPEG-2 layer III,
48 kbps constant bit rate, 24000 Hz, mono, no Xing/Info header, -14 LUFS, true peak <= -2 dBTP.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from pydub import AudioSegment

from audio import ffmpeg, mpeg
from audio.errors import AudioError
from audio.settings import RenderSettings

ALEXA_MPEG_VERSION = 2.0
ALEXA_LAYER = 3
LAME_QUALITY = 7

__all__ = [
    "ClipInfo",
    "RenderSettings",
    "clip_problems",
    "export_mp3",
    "from_samples",
    "inspect_clip",
    "join_with_pauses",
    "normalize_loudness",
    "render_clip",
    "tag_mp3",
    "to_samples",
    "trim_silence",
]


def to_samples(segment: AudioSegment) -> np.ndarray:
    """Mono float32 samples in [-1, 1]."""
    mono = segment.set_channels(1).set_sample_width(2)
    return np.frombuffer(mono.raw_data, dtype="<i2").astype(np.float32) / 32768.0


def from_samples(samples: np.ndarray, sample_rate: int) -> AudioSegment:
    """A 16-bit mono segment from float samples (already within [-1, 1])."""
    pcm = np.clip(np.round(samples * 32768.0), -32768, 32767).astype("<i2")
    return AudioSegment(data=pcm.tobytes(), sample_width=2, frame_rate=sample_rate, channels=1)


def trim_silence(segment: AudioSegment, settings: RenderSettings) -> AudioSegment:
    """Cut silence at both ends, keeping a few milliseconds so consonants are not clipped."""
    samples = np.abs(to_samples(segment))
    peak = float(samples.max(initial=0.0))
    if peak == 0.0:
        return segment[:0]
    floor = peak * 10.0 ** (-settings.silence_below_peak_db / 20.0)
    loud = np.flatnonzero(samples > floor)
    margin = int(segment.frame_rate * settings.edge_margin_ms / 1000)
    start = max(int(loud[0]) - margin, 0)
    end = min(int(loud[-1]) + 1 + margin, len(samples))
    return segment.set_channels(1).set_sample_width(2).get_sample_slice(start, end)


def join_with_pauses(segments: Sequence[AudioSegment], pauses_ms: Sequence[int]) -> AudioSegment:
    """Segments in order with the given silences between them (one fewer pause than segments).

    Concatenates raw samples once rather than adding segments pairwise, which copies each time.
    """
    if len(pauses_ms) != max(len(segments) - 1, 0):
        raise ValueError(f"{len(segments)} segments need {len(segments) - 1} pauses")
    if not segments:
        return AudioSegment.empty()
    rate = segments[0].frame_rate
    pieces = [segments[0].set_channels(1).set_sample_width(2).set_frame_rate(rate).raw_data]
    for pause, segment in zip(pauses_ms, segments[1:], strict=True):
        pieces.append(bytes(2 * round(rate * pause / 1000)))
        pieces.append(segment.set_channels(1).set_sample_width(2).set_frame_rate(rate).raw_data)
    return AudioSegment(data=b"".join(pieces), sample_width=2, frame_rate=rate, channels=1)


def normalize_loudness(segment: AudioSegment, settings: RenderSettings) -> AudioSegment:
    """Integrated loudness at the target and true peak under the ceiling, less encoder headroom."""
    from audio import dynamics  # SciPy: loaded by the first clip rendered, not by trimming

    samples = dynamics.normalize(
        to_samples(segment),
        segment.frame_rate,
        target_lufs=settings.target_lufs + settings.encoder_loudness_loss_lu,
        ceiling_db=settings.true_peak_dbtp - settings.encoder_headroom_db,
    )
    return from_samples(samples, segment.frame_rate)


def export_mp3(segment: AudioSegment, settings: RenderSettings, title: str, album: str) -> bytes:
    """Encode with LAME as Amazon's recipe does (constant bit rate, no Xing header) and tag
    title and album.

    In process: resampled to the clip rate, then encoded by lameenc, LAME's own encoder, with
    no ffmpeg process to start for each clip.
    """
    import lameenc

    pcm = _pcm_at(segment, settings.sample_rate, settings.channels)
    try:
        encoder = lameenc.Encoder()
        encoder.set_bit_rate(settings.bitrate_kbps)
        encoder.set_in_sample_rate(settings.sample_rate)
        encoder.set_channels(settings.channels)
        # LAME's fast mode (-q 7) skips noise shaping: its peaks stay within 1 dB of the
        # input's, where the default quality overshoots by up to 3 dB after limiting.
        encoder.set_quality(LAME_QUALITY)
        mp3 = bytes(encoder.encode(pcm) + encoder.flush())
    except RuntimeError as error:
        raise AudioError(f"LAME could not encode the audio: {error}") from None
    return tag_mp3(mp3, title=title, album=album)


def _pcm_at(segment: AudioSegment, sample_rate: int, channels: int) -> bytes:
    """Signed 16-bit interleaved PCM at `sample_rate`, resampled with a polyphase filter."""
    shaped = segment.set_channels(channels).set_sample_width(2)
    if shaped.frame_rate == sample_rate:
        return shaped.raw_data
    from scipy.signal import resample_poly

    step = math.gcd(sample_rate, shaped.frame_rate)
    samples = np.frombuffer(shaped.raw_data, dtype="<i2").astype(np.float32) / 32768.0
    # One channel stays one-dimensional: SciPy filters it three times faster than a column.
    frames = samples if channels == 1 else samples.reshape(-1, channels)
    moved = resample_poly(frames, sample_rate // step, shaped.frame_rate // step, axis=0)
    return np.clip(np.round(moved * 32768.0), -32768, 32767).astype("<i2").tobytes()


def render_clip(segment: AudioSegment, settings: RenderSettings, title: str, album: str) -> bytes:
    """The finished clip: loudness set with the encoder's measured allowances, then encoded.

    No second decode: the allowances in RenderSettings were measured on decoded clips, and
    `clip_problems` (run by `nocontact check` and the tests) measures every clip as decoded.
    """
    return export_mp3(normalize_loudness(segment, settings), settings, title=title, album=album)


def _decoded(mp3: bytes, sample_rate: int) -> AudioSegment:
    pcm = ffmpeg.decode_pcm(mp3, sample_rate)
    return AudioSegment(data=pcm, sample_width=2, frame_rate=sample_rate, channels=1)


def tag_mp3(mp3: bytes, title: str, album: str) -> bytes:
    """The same MP3 with an ID3v2.3 tag holding title and album."""
    from mutagen.id3 import ID3, TALB, TIT2

    tags = ID3()
    tags.add(TIT2(encoding=3, text=[title]))
    tags.add(TALB(encoding=3, text=[album]))
    buffer = io.BytesIO(mp3)
    tags.save(buffer, v2_version=3, padding=lambda info: 0)
    return buffer.getvalue()


@dataclass(frozen=True)
class ClipInfo:
    """What a clip's bytes say about it: MPEG format, length, loudness and tags."""

    mpeg_version: float
    layer: int
    bitrate_kbps: int
    constant_bitrate: bool
    uniform_format: bool
    sample_rate: int
    channels: int
    frames: int
    duration: float
    has_xing_header: bool
    damage: str | None
    lufs: float
    true_peak_dbtp: float
    title: str | None
    album: str | None


def inspect_clip(mp3: bytes) -> ClipInfo:
    """Read the frame headers and tags, and decode the audio to measure loudness and peak."""
    from audio import loudness

    scan = mpeg.scan(mp3)
    if not scan.frames:
        raise AudioError(f"not an MP3 clip: {scan.damage or 'no MPEG audio frames'}")
    first = scan.frames[0]
    shape = (first.version, first.layer, first.sample_rate, first.channels)
    samples = to_samples(_decoded(mp3, first.sample_rate))
    title, album = _read_tags(mp3)
    return ClipInfo(
        mpeg_version=first.version,
        layer=first.layer,
        bitrate_kbps=first.bitrate_kbps,
        constant_bitrate=all(f.bitrate_kbps == first.bitrate_kbps for f in scan.frames),
        uniform_format=all(
            (f.version, f.layer, f.sample_rate, f.channels) == shape for f in scan.frames
        ),
        sample_rate=first.sample_rate,
        channels=first.channels,
        frames=len(scan.frames),
        duration=scan.duration,
        has_xing_header=scan.has_xing_header,
        damage=scan.damage,
        lufs=loudness.integrated_loudness(samples, first.sample_rate),
        true_peak_dbtp=loudness.true_peak(samples),
        title=title,
        album=album,
    )


def _read_tags(mp3: bytes) -> tuple[str | None, str | None]:
    from mutagen.id3 import ID3, ID3NoHeaderError

    try:
        tags = ID3(io.BytesIO(mp3))
    except ID3NoHeaderError:
        return None, None
    title, album = tags.get("TIT2"), tags.get("TALB")
    return (str(title) if title else None, str(album) if album else None)


def clip_problems(
    mp3: bytes, settings: RenderSettings = RenderSettings(), *, silent_ok: bool = False
) -> list[str]:
    """Every way the clip breaks Alexa's audio rules or this project's targets; empty if none.

    `silent_ok` accepts a clip that is silence throughout (a space to think without a chime),
    which has no loudness to measure.
    """
    try:
        info = inspect_clip(mp3)
    except AudioError as error:
        return [str(error)]
    rules = [
        (info.mpeg_version != ALEXA_MPEG_VERSION,
         f"MPEG version {info.mpeg_version:g}; Alexa needs MPEG version 2"),
        (info.layer != ALEXA_LAYER, f"layer {info.layer}; Alexa needs layer III"),
        (not info.uniform_format, "frames disagree on version, layer, sample rate or channels"),
        (not info.constant_bitrate, "the bit rate varies between frames; Alexa needs constant"),
        (info.bitrate_kbps != settings.bitrate_kbps,
         f"{info.bitrate_kbps} kbps; Alexa needs {settings.bitrate_kbps} kbps"),
        (info.sample_rate != settings.sample_rate,
         f"{info.sample_rate} Hz; clips must be {settings.sample_rate} Hz"),
        (info.channels != settings.channels, f"{info.channels} channels; clips must be mono"),
        (info.has_xing_header, "a Xing/Info header, which some Echo devices refuse to play"),
        (info.damage is not None, f"damaged: {info.damage}"),
        (info.duration > settings.max_part_seconds,
         f"{info.duration:.1f} s long; Alexa plays at most {settings.max_part_seconds:g} s"),
        (not (silent_ok and info.lufs == -math.inf)
         and not abs(info.lufs - settings.target_lufs) <= settings.lufs_tolerance,
         f"loudness {info.lufs:.1f} LUFS; the target is {settings.target_lufs:g} "
         f"± {settings.lufs_tolerance:g} LU"),
        (info.true_peak_dbtp > settings.true_peak_dbtp,
         f"true peak {info.true_peak_dbtp:.1f} dBTP; the ceiling is "
         f"{settings.true_peak_dbtp:g} dBTP"),
        (not info.title, "no ID3 title tag"),
    ]
    return [message for broken, message in rules if broken]
