"""What a store holds: its manifest, the size of every clip, and the clips pruning may delete.

One manifest read and one listing, however many clips; the build, its dry run and the check
all read a store this way.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from audio.manifest import (
    CLIPS_PREFIX,
    MANIFEST_KEY,
    Manifest,
    ManifestError,
    Part,
    parse_manifest,
    unreferenced,
)
from audio.stores import Store

logger = logging.getLogger(__name__)

# Why pruning stops when the store's manifest.json could not be read.
UNREADABLE_PREVIOUS = (
    f"the previous {MANIFEST_KEY} is not valid, and running skills may still play "
    "the clips it lists"
)


@dataclass(frozen=True)
class StoreState:
    """What a store holds before a build: its manifest and the size of every clip."""

    previous: Manifest | None
    stored: Mapping[str, int]
    unreadable: bool = False  # a manifest.json was there but not valid

    @property
    def previous_keys(self) -> frozenset[str]:
        """Every clip key the previous manifest references."""
        return self.previous.keys if self.previous is not None else frozenset()

    def needs_upload(self, part: Part) -> bool:
        """True unless the store holds the part's key at its size.

        The key names the bytes, so a key stored whole already holds them; one stored at
        another size is a damaged copy of the same bytes, and writing it again repairs it.
        """
        return self.stored.get(part.key) != part.bytes


def fetch_manifest(store: Store) -> Manifest | None:
    """The store's manifest.json; None when it has none, ManifestError when it is not valid."""
    data = store.get(MANIFEST_KEY)
    return None if data is None else parse_manifest(data)


def stored_sizes(store: Store) -> dict[str, int]:
    """Key → size of every clip in the store, from one listing."""
    return {item.key: item.size for item in store.list(CLIPS_PREFIX)}


def read_state(store: Store) -> StoreState:
    """The store's manifest and clip sizes; a manifest that is not valid counts as none."""
    try:
        previous = fetch_manifest(store)
    except ManifestError as error:
        where = store.uri(MANIFEST_KEY)
        logger.warning("%s is not a valid manifest; the build replaces it: %s", where, error)
        return StoreState(None, stored_sizes(store), unreadable=True)
    return StoreState(previous, stored_sizes(store))


def doomed_clips(manifest: Manifest, state: StoreState) -> tuple[str, ...]:
    """Clips neither the new nor the previous manifest references.

    Running skills re-read the manifest only every few minutes and devices hold queued URLs,
    so a clip is deleted one build after it stops being used, not as soon as it does. When
    the previous manifest cannot be read, what it references is unknown: nothing is doomed.
    """
    if state.unreadable:
        return ()
    return unreferenced(state.stored, manifest.keys | state.previous_keys)
