"""A dry run of the build: what it would synthesize, upload, publish and delete. Writes nothing.

It plans exactly as `audio.build` does and reads the local cache, so sections rendered by an
earlier build are described clip by clip. Sections that still need narrating have no clips
yet: their uploads are described by section, and not counted in `clips` or `uploaded`. Their
keys are unknown until then, but fresh narration gets fresh keys, so what pruning would delete
does not depend on them.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from audio.build import BuildOptions, BuildReport, plan_sections, section_entry
from audio.cache import ClipCache
from audio.inventory import UNREADABLE_PREVIOUS, doomed_clips, read_state
from audio.manifest import (
    MANIFEST_KEY,
    Action,
    Manifest,
    SectionEntry,
    SectionPlan,
    manifest_changed,
)
from audio.reflections import plan_reflections
from audio.settings import RenderSettings
from audio.stores import Store
from audio.voices import Voice
from content import Guide


def preview_build(
    guide: Guide,
    store: Store,
    voice: Voice,
    settings: RenderSettings,
    cache: ClipCache,
    options: BuildOptions = BuildOptions(),
) -> BuildReport:
    """The report `build_store` would give, with its "Would …" actions; nothing changes."""
    started = time.perf_counter()
    where = store.uri()
    state = read_state(store)
    plans = plan_sections(guide, voice, settings, state, options.force)
    entries = [_known_entry(plan, cache, options.force) for plan in plans]
    known = [entry for entry in entries if entry is not None]
    actions: list[str] = []
    uploads = 0
    for plan, entry in zip(plans, entries, strict=True):
        if entry is None:
            actions.append(f"Would synthesize {plan.target.id} ({plan.target.title})")
            actions.append(f"Would upload the clips of {plan.target.id} to {where}")
            continue
        keys = [part.key for part in entry.parts if state.needs_upload(part)]
        actions.extend(f"Would upload {key} to {where}" for key in keys)
        uploads += len(keys)
    clips = plan_reflections(guide, voice, settings, state, options.force)
    clip_entries = [_known_entry(plan, cache, options.force) for plan in clips]
    known_clips = [entry for entry in clip_entries if entry is not None]
    for plan, entry in zip(clips, clip_entries, strict=True):
        if entry is None:
            actions.append(f"Would narrate and upload reflection clip {plan.target.id} to {where}")
            continue
        keys = [part.key for part in entry.parts if state.needs_upload(part)]
        actions.extend(f"Would upload {key} to {where}" for key in keys)
        uploads += len(keys)
    manifest = Manifest(
        voice=voice.id, render=settings.fingerprint(), sections=tuple(known),
        reflections=tuple(known_clips),
    )
    unknown = len(known) < len(plans) or len(known_clips) < len(clips)
    publish = unknown or manifest_changed(state.previous, manifest)
    if publish:
        actions.append(f"Would publish {MANIFEST_KEY} to {where}")
    doomed = doomed_clips(manifest, state) if options.prune else ()
    actions.extend(f"Would delete {key} from {where}" for key in doomed)
    if options.prune and state.unreadable:
        actions.append(f"Would delete no clip: {UNREADABLE_PREVIOUS}")
    return BuildReport(
        store=where,
        sections=len(plans),
        clips=len(manifest.parts),
        synthesized=len(plans) - len(known),
        cached=_from_cache(plans, entries),
        uploaded=uploads,
        pruned=len(doomed),
        published=publish,
        duration=round(sum(entry.duration for entry in known), 2),
        seconds=round(time.perf_counter() - started, 3),
        dry_run=True,
        actions=tuple(actions),
        reflections=len(clips),
        reflections_synthesized=len(clips) - len(known_clips),
        reflections_cached=_from_cache(clips, clip_entries),
    )


def _known_entry(plan: SectionPlan, cache: ClipCache, force: bool) -> SectionEntry | None:
    """The entry a build would publish, when it is known without synthesis."""
    if plan.action is Action.KEEP:
        return plan.previous
    cached = None if force else cache.load(plan.target.fingerprint)
    return None if cached is None else section_entry(plan.target, cached)


def _from_cache(plans: Sequence[SectionPlan], entries: Sequence[SectionEntry | None]) -> int:
    return sum(
        entry is not None and plan.action is not Action.KEEP
        for plan, entry in zip(plans, entries, strict=True)
    )
