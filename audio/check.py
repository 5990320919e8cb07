"""Verifying a published store: every clip the manifest names is there, intact and Alexa-ready."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from audio.inventory import fetch_manifest, stored_sizes
from audio.manifest import CLIPS_PREFIX, MANIFEST_KEY, ManifestError, Part
from audio.reflections import SPACE_ID
from audio.render import RenderSettings, clip_problems
from audio.stores import Store

_JOBS = 2  # clips fetched and decoded at the same time (ffmpeg runs outside the GIL)


@dataclass(frozen=True)
class Problem:
    """Something wrong with one object of the store."""

    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.key}: {self.message}"


@dataclass(frozen=True)
class CheckReport:
    """What a check found: how much the manifest lists, and every problem."""

    store: str
    sections: int
    clips: int
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        """True when the store serves everything its manifest promises."""
        return not self.problems


def check_store(store: Store, settings: RenderSettings) -> CheckReport:
    """Read the manifest, then fetch and verify each clip it lists."""
    try:
        manifest = fetch_manifest(store)
    except ManifestError as error:
        return CheckReport(store.uri(), 0, 0, (Problem(MANIFEST_KEY, f"not valid: {error}"),))
    if manifest is None:
        missing = Problem(MANIFEST_KEY, "missing; build the audio into this store first")
        return CheckReport(store.uri(), 0, 0, (missing,))
    sizes = stored_sizes(store)
    with ThreadPoolExecutor(max_workers=_JOBS, thread_name_prefix="check") as pool:
        found = pool.map(lambda part: _check_part(store, part, sizes, settings), manifest.parts)
        problems = tuple(problem for part_problems in found for problem in part_problems)
    return CheckReport(store.uri(), len(manifest.sections), len(manifest.parts), problems)


def _check_part(
    store: Store, part: Part, sizes: Mapping[str, int], settings: RenderSettings
) -> list[Problem]:
    size = sizes.get(part.key)
    if size is not None and size != part.bytes:
        return [Problem(part.key, f"{size} bytes in the store, {part.bytes} in the manifest")]
    data = store.get(part.key) if size is not None else None
    if data is None:
        return [Problem(part.key, "missing from the store")]
    if hashlib.sha256(data).hexdigest() != part.sha256:
        return [Problem(part.key, "contents differ from the manifest's sha256")]
    silent_ok = part.key.startswith(f"{CLIPS_PREFIX}{SPACE_ID}/")
    problems = [
        Problem(part.key, problem)
        for problem in clip_problems(data, settings, silent_ok=silent_ok)
    ]
    if part.captions is not None:
        captions = store.get(part.captions.key)
        if captions is None:
            problems.append(Problem(part.captions.key, "missing from the store"))
        elif hashlib.sha256(captions).hexdigest() != part.captions.sha256:
            changed = "contents differ from the manifest's sha256"
            problems.append(Problem(part.captions.key, changed))
    return problems
