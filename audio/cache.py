"""A local cache of rendered sections, keyed by section fingerprint.

Narration is the slow step of a build; with the cache, building into a new or emptied store costs
no synthesis. One file per section (a stored zip of its MP3 parts plus their metadata), written to
a temporary name and renamed into place, so a crash never leaves half an entry. The cache is only
an accelerator: an unreadable entry is a miss and a failed write is logged, never fatal.
"""

from __future__ import annotations

import io
import json
import logging
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from audio.files import write_atomically
from audio.narration import RenderedPart

logger = logging.getLogger(__name__)

_FORMAT = "v1"  # bump when the entry layout changes; old entries are then ignored
_INDEX = "parts.json"


def default_cache_dir(environ: Mapping[str, str]) -> Path:
    """$NOCONTACT_CACHE, else $XDG_CACHE_HOME/no-contact-companion, else ~/.cache/…"""
    home = environ.get("HOME") or str(Path.home())  # Path.home() only when HOME is unset
    if environ.get("NOCONTACT_CACHE"):
        return _expand_home(environ["NOCONTACT_CACHE"], home)
    base = environ.get("XDG_CACHE_HOME") or f"{home}/.cache"
    return _expand_home(base, home) / "no-contact-companion"


def _expand_home(path: str, home: str) -> Path:
    """A leading "~" means `home`, as a shell would read it."""
    return Path(home, path[2:]) if path == "~" or path.startswith("~/") else Path(path)


class ClipCache:
    """Rendered parts of sections, by the fingerprint of their narration input."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def __repr__(self) -> str:
        return f"ClipCache({str(self.directory)!r})"

    def _path(self, fingerprint: str) -> Path:
        return self.directory / _FORMAT / fingerprint[:2] / f"{fingerprint}.zip"

    def load(self, fingerprint: str) -> tuple[RenderedPart, ...] | None:
        """The cached parts, or None when absent or damaged."""
        path = self._path(fingerprint)
        try:
            with zipfile.ZipFile(path) as archive:
                index = json.loads(archive.read(_INDEX))
                parts = tuple(
                    RenderedPart(
                        number=entry["number"],
                        mp3=archive.read(f"{entry['number']}.mp3"),
                        duration=entry["duration"],
                    )
                    for entry in index
                )
                expected = [entry["sha256"] for entry in index]
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile) as error:
            logger.warning("ignoring damaged cache entry %s: %s", path, error)
            return None
        if not parts or [part.sha256 for part in parts] != expected:
            logger.warning("ignoring cache entry %s: its clips do not match their hashes", path)
            return None
        return parts

    def save(self, fingerprint: str, parts: Sequence[RenderedPart]) -> None:
        """Store a section's parts, replacing any earlier entry for the same fingerprint."""
        path = self._path(fingerprint)
        index = [
            {"number": part.number, "sha256": part.sha256, "duration": part.duration}
            for part in parts
        ]
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
            archive.writestr(_INDEX, json.dumps(index))
            for part in parts:
                archive.writestr(f"{part.number}.mp3", part.mp3)
        try:
            write_atomically(path, buffer.getvalue())
        except OSError as error:
            logger.warning("could not cache rendered clips in %s: %s", self.directory, error)
