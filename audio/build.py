"""The build pipeline in one place: plan → narrate or reuse → upload → publish the manifest.

`build_store` raises (AudioError) only before the new manifest is published, so an exception
always means the store still serves the previous manifest and every clip it references: a key
names its clip's bytes, so a build only adds objects and never replaces one a manifest lists.
Running the build again finishes the job, reusing whatever was already rendered or uploaded.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass

from pydantic import ValidationError

from audio.cache import ClipCache
from audio.errors import AudioError, StoreError
from audio.inventory import UNREADABLE_PREVIOUS, StoreState, doomed_clips, read_state
from audio.listening.captioning import caption_clips
from audio.listening.captions import MIME_TYPE as CAPTIONS_CONTENT_TYPE
from audio.listening.check import failure_summary, guide_recognizer, listen_to_manifest
from audio.listening.recognizer import Recognizer
from audio.listening.words import narrated_sentences
from audio.manifest import (
    MANIFEST_KEY,
    Action,
    Captions,
    Manifest,
    Part,
    SectionEntry,
    SectionPlan,
    Target,
    captions_key,
    clip_key,
    manifest_changed,
    plan_build,
)
from audio.narration import RenderedPart, narrate_section, section_fingerprint
from audio.outcomes import SectionOutcome, Source
from audio.reflections import build_reflections, clip_sentences, reflection_clips
from audio.settings import RenderSettings
from audio.stores import Store
from audio.voices import Voice
from content import Guide, Section
from content.lexicon import Lexicon

logger = logging.getLogger(__name__)

CLIP_CONTENT_TYPE = "audio/mpeg"
# A key names its clip's bytes: the object under it never changes, so caches may keep it forever.
CLIP_CACHE_CONTROL = "public, max-age=31536000, immutable"
MANIFEST_CONTENT_TYPE = "application/json"
MANIFEST_CACHE_CONTROL = "no-cache"


@dataclass(frozen=True)
class BuildOptions:
    """How to build: sections in parallel, every section narrated again, unused clips deleted."""

    jobs: int = 1
    force: bool = False  # narrate anew, ignoring the cache; new clips get new keys
    prune: bool = False
    captions: bool = False  # align every clip lacking captions and publish its WebVTT
    listen: bool = False  # hear every clip before publishing; refuse to publish on a failure


@dataclass(frozen=True)
class BuildReport:
    """What a build did (or, in a dry run, would do). Clip counts are per object."""

    store: str
    sections: int
    clips: int  # every clip: the sections' parts and the reflection clips
    synthesized: int  # sections narrated by the voice
    cached: int  # sections taken from the local cache
    uploaded: int
    pruned: int
    published: bool
    duration: float  # seconds of audio in the manifest
    seconds: float  # wall-clock time of the build
    dry_run: bool = False
    captioned: int = 0  # clips given captions by this build
    listened: float | None = None  # the listening check's real-time factor, when it ran
    actions: tuple[str, ...] = ()  # a dry run's "Would …" lines
    prune_error: str | None = None  # the manifest is published even when pruning fails
    reflections: int = 0  # the guided reflection's clips, one part each
    reflections_synthesized: int = 0
    reflections_cached: int = 0

    @property
    def skipped(self) -> int:
        """Clips already in the store."""
        return self.clips - self.uploaded


def plan_sections(
    guide: Guide, voice: Voice, settings: RenderSettings, state: StoreState, force: bool
) -> tuple[SectionPlan, ...]:
    """What each section needs, from fingerprints alone: no synthesis, no audio stack."""
    targets = [
        Target(
            section.id,
            section.title,
            section_fingerprint(section, voice.id, settings, guide.lexicon),
        )
        for section in guide.sections
    ]
    return plan_build(targets, state.previous, state.stored, force=force)


def section_entry(target: Target, rendered: Sequence[RenderedPart]) -> SectionEntry:
    """The manifest entry for a section's rendered parts."""
    try:
        parts = tuple(
            Part(
                key=clip_key(target.id, part.sha256, part.number),
                sha256=part.sha256,
                bytes=len(part.mp3),
                duration=round(part.duration, 3),
            )
            for part in rendered
        )
        return SectionEntry(
            id=target.id, title=target.title, fingerprint=target.fingerprint, parts=parts
        )
    except ValidationError as error:  # e.g. a part over 240 s: a rendering fault, not the user's
        reason = error.errors()[0]["msg"]
        raise AudioError(
            f"section {target.id!r} rendered clips no manifest may hold: {reason}"
        ) from None


@dataclass(frozen=True)
class _Context:
    """Everything a section's work needs, shared read-only by the worker threads."""

    store: Store
    voice: Voice
    settings: RenderSettings
    cache: ClipCache
    album: str
    force: bool
    state: StoreState
    recognizer: Recognizer | None = None  # set when the build captions its clips
    lexicon: Lexicon = Lexicon()


def build_store(
    guide: Guide,
    store: Store,
    voice: Voice,
    settings: RenderSettings,
    cache: ClipCache,
    options: BuildOptions = BuildOptions(),
    on_section: Callable[[SectionOutcome], None] | None = None,
) -> BuildReport:
    """Bring the store up to date with the guide, publishing manifest.json last.

    `on_section` hears of each section, then each reflection clip, as it is done.
    """
    started = time.perf_counter()
    state = read_state(store)
    plans = plan_sections(guide, voice, settings, state, options.force)
    recognizer = guide_recognizer(guide) if options.captions or options.listen else None
    context = _Context(
        store, voice, settings, cache, guide.skill.name, options.force, state,
        recognizer if options.captions else None, guide.lexicon,
    )
    outcomes = _run_sections(plans, guide, context, options.jobs, on_section)
    reflections = build_reflections(
        guide, voice, settings, cache, state, force=options.force,
        upload=lambda key, mp3: upload_clip(store, key, mp3), on_clip=on_section,
    )
    reflection_entries, reflections_captioned = _captioned_reflections(
        reflections.entries, guide, context
    )
    manifest = Manifest(
        voice=voice.id,
        render=settings.fingerprint(),
        sections=tuple(outcome.entry for outcome in outcomes),
        reflections=reflection_entries,
    )
    listened = None
    if recognizer is not None and options.listen:
        heard = listen_to_manifest(manifest, guide, store.get, recognizer)
        if not heard.ok:
            raise AudioError(failure_summary(heard))
        listened = round(heard.real_time_factor, 3)
    published = publish_manifest(store, manifest, state.previous)
    pruned, prune_error = _prune(store, manifest, state) if options.prune else ((), None)
    return BuildReport(
        store=store.uri(),
        sections=len(manifest.sections),
        clips=len(manifest.parts),
        synthesized=sum(outcome.source is Source.VOICE for outcome in outcomes),
        cached=sum(outcome.source is Source.CACHE for outcome in outcomes),
        uploaded=sum(outcome.uploaded for outcome in outcomes) + reflections.uploaded,
        pruned=len(pruned),
        published=published,
        duration=round(sum(section.duration for section in manifest.sections), 2),
        seconds=round(time.perf_counter() - started, 3),
        captioned=sum(outcome.captioned for outcome in outcomes) + reflections_captioned,
        listened=listened,
        prune_error=prune_error,
        reflections=len(manifest.reflections),
        reflections_synthesized=reflections.synthesized,
        reflections_cached=reflections.cached,
    )


def publish_manifest(store: Store, manifest: Manifest, previous: Manifest | None) -> bool:
    """Write manifest.json unless the store already has the same one; True if written."""
    if not manifest_changed(previous, manifest):
        return False
    store.put(
        MANIFEST_KEY,
        manifest.to_json(),
        content_type=MANIFEST_CONTENT_TYPE,
        cache_control=MANIFEST_CACHE_CONTROL,
    )
    return True


def _run_sections(
    plans: Sequence[SectionPlan],
    guide: Guide,
    context: _Context,
    jobs: int,
    on_section: Callable[[SectionOutcome], None] | None,
) -> tuple[SectionOutcome, ...]:
    """Each section's work on `jobs` threads; results in article order, first error raised."""
    outcomes: dict[str, SectionOutcome] = {}
    with ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="section") as pool:
        futures = [
            pool.submit(_build_section, plan, guide.section(plan.target.id), context)
            for plan in plans
        ]
        try:
            for future in as_completed(futures):
                outcome = future.result()
                outcomes[outcome.entry.id] = outcome
                if on_section is not None:
                    on_section(outcome)
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return tuple(outcomes[plan.target.id] for plan in plans)


def _build_section(plan: SectionPlan, section: Section, context: _Context) -> SectionOutcome:
    """Get the section's clips (cache or voice) and upload the ones the store lacks."""
    if plan.action is Action.KEEP and plan.previous is not None:
        entry, captioned = _captioned(plan.previous, narrated_sentences(section), None, context)
        return SectionOutcome(entry, Source.STORE, uploaded=0, captioned=captioned)
    rendered, source = _rendered_parts(plan, section, context)
    entry = section_entry(plan.target, rendered)
    uploaded = 0
    for part, clip in zip(entry.parts, rendered, strict=True):
        if not context.state.needs_upload(part):
            continue
        upload_clip(context.store, part.key, clip.mp3)
        uploaded += 1
    mp3s = [clip.mp3 for clip in rendered]
    entry, captions = _captioned(entry, narrated_sentences(section), mp3s, context)
    return SectionOutcome(entry, source, uploaded=uploaded, captioned=captions)


def _captioned(
    entry: SectionEntry,
    sentences: Sequence[str],
    clips: Sequence[bytes] | None,
    context: _Context,
) -> tuple[SectionEntry, int]:
    """The entry of clips saying `sentences` with captions for every part, when the build
    makes them (`clips` read from the store when not given); how many it made.

    A part whose captions are in the store keeps them: its key names its bytes, so they still
    fit. Captions gone from the store are made again, or, in a build without captions,
    dropped from the entry, so the manifest never lists a file the store lacks.
    """
    stored = [
        part.captions is not None
        and context.state.stored.get(part.captions.key) == part.captions.bytes
        for part in entry.parts
    ]
    if all(stored):
        return entry, 0
    if context.recognizer is None:
        kept = tuple(
            part if present else part.model_copy(update={"captions": None})
            for part, present in zip(entry.parts, stored, strict=True)
        )
        return entry.model_copy(update={"parts": kept}), 0
    if clips is None:
        clips = [_stored_clip(context.store, part.key) for part in entry.parts]
    try:
        files = caption_clips(sentences, clips, context.recognizer)
    except AudioError as error:
        raise AudioError(f"section {entry.id!r}: {str(error).rstrip('.')}") from None
    parts: list[Part] = []
    for number, (part, vtt) in enumerate(zip(entry.parts, files, strict=True), start=1):
        digest = hashlib.sha256(vtt).hexdigest()
        captions = Captions(
            key=captions_key(entry.id, digest, number), sha256=digest, bytes=len(vtt)
        )
        if context.state.stored.get(captions.key) != captions.bytes:
            context.store.put(
                captions.key, vtt, content_type=CAPTIONS_CONTENT_TYPE,
                cache_control=CLIP_CACHE_CONTROL,
            )
        parts.append(Part(**{**part.model_dump(exclude={"captions"}), "captions": captions}))
    return entry.model_copy(update={"parts": tuple(parts)}), len(parts)


def _captioned_reflections(
    entries: Sequence[SectionEntry], guide: Guide, context: _Context
) -> tuple[tuple[SectionEntry, ...], int]:
    """The guided reflection's entries, each spoken clip captioned as sections are; how many
    captions were made. The space says nothing and has none."""
    sentences = {clip.id: clip_sentences(clip) for clip in reflection_clips(guide)}
    captioned: list[SectionEntry] = []
    made = 0
    for entry in entries:
        said = sentences.get(entry.id, ())
        if not said:
            captioned.append(entry)
            continue
        with_captions, count = _captioned(entry, said, None, context)
        captioned.append(with_captions)
        made += count
    return tuple(captioned), made


def _stored_clip(store: Store, key: str) -> bytes:
    data = store.get(key)
    if data is None:
        raise AudioError(f"{store.uri(key)} is missing; build again with --force")
    return data


def upload_clip(store: Store, key: str, mp3: bytes) -> None:
    """Write one clip, immutable under its key."""
    store.put(key, mp3, content_type=CLIP_CONTENT_TYPE, cache_control=CLIP_CACHE_CONTROL)


def _rendered_parts(
    plan: SectionPlan, section: Section, context: _Context
) -> tuple[tuple[RenderedPart, ...], Source]:
    fingerprint = plan.target.fingerprint
    cached = None if context.force else context.cache.load(fingerprint)
    if cached is not None:
        return cached, Source.CACHE
    logger.debug("narrating %s", section.id)
    rendered = narrate_section(
        section, context.voice, context.settings, album=context.album, lexicon=context.lexicon
    )
    context.cache.save(fingerprint, rendered)
    return rendered, Source.VOICE


def _prune(
    store: Store, manifest: Manifest, state: StoreState
) -> tuple[tuple[str, ...], str | None]:
    """Delete clips no manifest still in use references; a failure is reported, not raised.

    The manifest is already published, so an interruption here only leaves pruning unfinished.
    """
    if state.unreadable:
        return (), f"no clip was deleted: {UNREADABLE_PREVIOUS}"
    keys = doomed_clips(manifest, state)
    try:
        store.delete(keys)
    except StoreError as error:
        return (), str(error)
    except KeyboardInterrupt:
        return (), "pruning was interrupted"
    return keys, None
