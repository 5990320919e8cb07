"""Reading MP3 files frame by frame: the format facts Alexa checks, taken from the bytes."""

from __future__ import annotations

from dataclasses import dataclass

# Bit rates in kbps by (MPEG-1?, layer); index 0 is "free format" and 15 is invalid.
_BITRATES = {
    (True, 1): (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (True, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (True, 3): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (False, 1): (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (False, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (False, 3): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_VERSIONS = {0: 2.5, 2: 2.0, 3: 1.0}
_SAMPLE_RATES = {1.0: (44100, 48000, 32000), 2.0: (22050, 24000, 16000), 2.5: (11025, 12000, 8000)}
_LAYERS = {1: 3, 2: 2, 3: 1}


@dataclass(frozen=True)
class Frame:
    """One MPEG audio frame header and where the frame sits in the file."""

    offset: int
    version: float
    layer: int
    bitrate_kbps: int
    sample_rate: int
    channels: int
    length: int

    @property
    def samples(self) -> int:
        """Samples per channel this frame decodes to."""
        if self.layer == 1:
            return 384
        return 576 if self.layer == 3 and self.version != 1.0 else 1152

    @property
    def side_info_size(self) -> int:
        """Bytes of layer III side information after the header (where a Xing tag would start)."""
        if self.version == 1.0:
            return 17 if self.channels == 1 else 32
        return 9 if self.channels == 1 else 17


@dataclass(frozen=True)
class MpegScan:
    """Every audio frame of a file, whether the first was a Xing/Info/VBRI header, and damage."""

    frames: tuple[Frame, ...]
    has_xing_header: bool
    damage: str | None

    @property
    def duration(self) -> float:
        """Playing time in seconds, counted from the frames."""
        return sum(frame.samples / frame.sample_rate for frame in self.frames)


def id3v2_size(data: bytes) -> int:
    """Length of the ID3v2 tags (header, body, optional footer) before the audio; 0 for none."""
    offset = 0
    while data[offset : offset + 3] == b"ID3" and len(data) >= offset + 10:
        size = data[offset + 6 : offset + 10]
        body = (size[0] << 21) | (size[1] << 14) | (size[2] << 7) | size[3]
        footer = 10 if data[offset + 5] & 0x10 else 0
        offset += 10 + body + footer
    return offset


def parse_frame(data: bytes, offset: int) -> Frame | None:
    """The frame header at `offset`, or None when the bytes there are not a valid header."""
    if offset + 4 > len(data):
        return None
    b1, b2, b3 = data[offset + 1], data[offset + 2], data[offset + 3]
    if data[offset] != 0xFF or (b1 & 0xE0) != 0xE0:
        return None
    version = _VERSIONS.get((b1 >> 3) & 0x03)
    layer = _LAYERS.get((b1 >> 1) & 0x03)
    bitrate_index, rate_index = b2 >> 4, (b2 >> 2) & 0x03
    if version is None or layer is None or bitrate_index in (0, 15) or rate_index == 3:
        return None
    bitrate = _BITRATES[(version == 1.0, layer)][bitrate_index]
    sample_rate = _SAMPLE_RATES[version][rate_index]
    padding = (b2 >> 1) & 0x01
    if layer == 1:
        length = (12 * bitrate * 1000 // sample_rate + padding) * 4
    else:
        scale = 72 if layer == 3 and version != 1.0 else 144
        length = scale * bitrate * 1000 // sample_rate + padding
    channels = 1 if (b3 >> 6) == 0x03 else 2
    return Frame(offset, version, layer, bitrate, sample_rate, channels, length)


def scan(data: bytes) -> MpegScan:
    """Walk the frames after any ID3v2 tag up to an ID3v1 tag or the end of the file."""
    offset = id3v2_size(data)
    end = len(data) - 128 if data[-128:-125] == b"TAG" else len(data)
    frames: list[Frame] = []
    damage = None
    while offset < end:
        frame = parse_frame(data, offset)
        if frame is None or offset + frame.length > end:
            damage = f"{end - offset} bytes at byte {offset} are not a whole MPEG audio frame"
            break
        frames.append(frame)
        offset += frame.length
    has_xing = bool(frames) and _is_info_frame(data, frames[0])
    return MpegScan(tuple(frames[1:] if has_xing else frames), has_xing, damage)


def _is_info_frame(data: bytes, frame: Frame) -> bool:
    """Xing/Info tags follow the side information; a VBRI tag sits 32 bytes after the header."""
    xing_at = frame.offset + 4 + frame.side_info_size
    return data[xing_at : xing_at + 4] in (b"Xing", b"Info") or (
        data[frame.offset + 36 : frame.offset + 40] == b"VBRI"
    )
