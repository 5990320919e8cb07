"""Render settings: everything besides the words and the voice that shapes a clip.

Kept apart from `audio.render` so planning a build (content hashes) imports no audio stack.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from audio.manifest import MAX_PART_SECONDS

if TYPE_CHECKING:
    from audio.text import ParagraphKind

# Bump when the rendering code changes what it produces, so cached clips are rebuilt.
RENDER_VERSION = 1


@dataclass(frozen=True)
class RenderSettings:
    """Everything that shapes a clip besides the words and the voice."""

    sample_rate: int = 24000
    bitrate_kbps: int = 48
    channels: int = 1
    target_lufs: float = -14.0
    lufs_tolerance: float = 1.0
    true_peak_dbtp: float = -2.0
    # Measured on the offline voice: 48 kbps MP3 encoding lifts true peaks by up to 1 dB and
    # lowers loudness by about 0.4 LU, so rendering aims under the ceiling and over the target.
    encoder_headroom_db: float = 1.5
    encoder_loudness_loss_lu: float = 0.4
    sentence_pause_ms: int = 400
    item_pause_ms: int = 600
    paragraph_pause_ms: int = 850
    heading_pause_ms: int = 1100
    # Quieter than this below a sentence's peak counts as silence at its edges.
    silence_below_peak_db: float = 40.0
    edge_margin_ms: int = 30
    max_part_seconds: float = MAX_PART_SECONDS

    def __post_init__(self) -> None:
        if not 0 < self.max_part_seconds <= MAX_PART_SECONDS:
            raise ValueError(
                f"max_part_seconds must be over 0 and at most {MAX_PART_SECONDS:g} "
                "(Alexa's limit, which every manifest enforces)"
            )

    def fingerprint(self) -> str:
        """SHA-256 of the settings and the renderer version: clips rendered alike share it."""
        payload = json.dumps({"version": RENDER_VERSION, **asdict(self)}, sort_keys=True)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def pause_ms(self, before: ParagraphKind, after: ParagraphKind) -> int:
        """Silence between two paragraphs: longest around headings, shortest within a list."""
        if "heading" in (before, after):
            return self.heading_pause_ms
        if before == after == "item":
            return self.item_pause_ms
        return self.paragraph_pause_ms
