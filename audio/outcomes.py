"""What the build did with each entry of the manifest: a section, or a guided reflection's clip.

Both the sections (`audio.build`) and the reflection clips (`audio.reflections`) report one
outcome per entry as it is done, so a build's log lists every clip it holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from audio.manifest import SectionEntry


class Source(Enum):
    """Where an entry's clips came from in this build."""

    STORE = "already in the store"
    CACHE = "from the cache"  # rendered by an earlier build on this machine
    VOICE = "narrated"  # synthesized by this build


@dataclass(frozen=True)
class SectionOutcome:
    """One entry done: its manifest entry, where its audio came from, what was uploaded."""

    entry: SectionEntry
    source: Source
    uploaded: int
    captioned: int = 0  # clips captioned by this build (they had none)

    @property
    def skipped(self) -> int:
        """Clips already in the store."""
        return len(self.entry.parts) - self.uploaded
