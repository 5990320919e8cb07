"""The guided reflection's clips: narrated like sections, stored and listed beside them.

One clip for the opening, one per reflection prompt of every section, one for the close, all
in the guide's voice, and one space to think (quiet, then a soft chime) that every prompt
shares. Each is planned by a fingerprint of its input, taken from the cache or narrated,
uploaded under a key naming its bytes, and listed in the manifest's `reflections`, exactly
as sections are; `audio.build` publishes them with the sections, manifest last.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from audio import chime, mpeg
from audio.errors import AudioError, SynthesisError
from audio.inventory import StoreState
from audio.manifest import (
    Action,
    Part,
    SectionEntry,
    SectionPlan,
    Target,
    clip_key,
    plan_build,
)
from audio.narration import RenderedPart, applied_entries, plan_parts, render_part, speak
from audio.outcomes import SectionOutcome, Source
from audio.settings import RenderSettings
from audio.text import Paragraph, speech_paragraphs, speech_script
from content.lexicon import Lexicon
from content.models import Block

if TYPE_CHECKING:
    from audio.cache import ClipCache
    from audio.voices import Voice
    from content import Guide
    from content.models import GuidedReflection

logger = logging.getLogger(__name__)

# Ids of the clips every guided reflection shares; a prompt's is reflect-<section>-<n>.
PREFIX = "reflect-"
OPENING_ID = f"{PREFIX}opening"
CLOSE_ID = f"{PREFIX}close"
SPACE_ID = f"{PREFIX}space"

Kind = Literal["opening", "prompt", "close", "space"]


def prompt_id(section_id: str, number: int) -> str:
    """The clip id of a section's reflection prompt `number` (from 1)."""
    return f"{PREFIX}{section_id}-{number}"


@dataclass(frozen=True)
class ReflectionClip:
    """One clip of the guided reflection: what it says (nothing, for the space)."""

    id: str
    title: str
    kind: Kind
    text: str = ""


def reflection_clips(guide: Guide) -> tuple[ReflectionClip, ...]:
    """Every clip the guided reflection needs, opening first, the shared space last."""
    guided = guide.skill.guided_reflection
    prompts = tuple(
        ReflectionClip(prompt_id(section.id, number), f"{guided.title}: {section.title}",
                       "prompt", text)
        for section in guide.sections
        for number, text in enumerate(section.reflections, start=1)
    )
    return (
        ReflectionClip(OPENING_ID, guided.title, "opening", guided.opening),
        *prompts,
        ReflectionClip(CLOSE_ID, guided.title, "close", guided.close),
        ReflectionClip(SPACE_ID, guided.space_title, "space"),
    )


def clip_sentences(clip: ReflectionClip) -> tuple[str, ...]:
    """The sentences a clip says, as the voice is given them; none for the space."""
    if not clip.text:
        return ()
    paragraphs = _paragraphs(clip.text)
    return tuple(sentence for paragraph in paragraphs for sentence in paragraph.sentences)


def clip_fingerprint(
    clip: ReflectionClip,
    guided: GuidedReflection,
    voice_id: str,
    settings: RenderSettings,
    lexicon: Lexicon = Lexicon(),
) -> str:
    """Identity of a clip's input: its words, voice and the lexicon entries they use, or the
    space's length and chime."""
    if clip.kind == "space":
        payload: dict[str, object] = {
            "space": guided.space_seconds,
            "chime": chime.CHIME_VERSION if guided.chime else None,
        }
    else:
        paragraphs = _paragraphs(clip.text)
        payload = {"speech": speech_script(paragraphs), "voice": voice_id}
        applied = applied_entries(paragraphs, lexicon)
        if applied:
            payload["lexicon"] = applied
    payload |= {"title": clip.title, "render": settings.fingerprint()}
    encoded = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()


def _paragraphs(text: str) -> tuple[Paragraph, ...]:
    return speech_paragraphs((Block(kind="paragraph", text=text),))


def narrate_clip(
    clip: ReflectionClip,
    voice: Voice,
    settings: RenderSettings,
    album: str,
    lexicon: Lexicon = Lexicon(),
) -> RenderedPart:
    """Synthesize a prompt, the opening or the close, respelled by the lexicon, into one MP3."""
    spoken = [speak(p, voice, settings, lexicon) for p in _paragraphs(clip.text)]
    spoken = [paragraph for paragraph in spoken if paragraph.sentences]
    if not spoken:
        raise SynthesisError(f"voice {voice.id} produced no audio for {clip.id!r}")
    parts = plan_parts(spoken, settings, settings.max_part_seconds)
    if len(parts) != 1:
        raise AudioError(f"{clip.id!r} is too long for one clip; shorten its text")
    return render_part(parts[0], 1, clip.title, album, settings)


def render_space(
    guided: GuidedReflection, settings: RenderSettings, title: str, album: str
) -> RenderedPart:
    """The space to think: quiet for its length, the chime at its end when there is one.

    The chime's loudness is set on the chime alone (gating would leave the silence out of the
    measure anyway), then it is placed at the end of digital silence: the same loudness and
    peak, without shaping the quiet seconds that come before it.
    """
    from audio.render import export_mp3, from_samples, normalize_loudness, to_samples

    rate = settings.sample_rate
    tone = None
    if guided.chime:
        tone = to_samples(normalize_loudness(from_samples(chime.chime(rate), rate), settings))
    samples = chime.space(guided.space_seconds, rate, with_chime=guided.chime, tone=tone)
    mp3 = export_mp3(from_samples(samples, rate), settings, title=title, album=album)
    return RenderedPart(number=1, mp3=mp3, duration=round(mpeg.scan(mp3).duration, 3))


def plan_reflections(
    guide: Guide, voice: Voice, settings: RenderSettings, state: StoreState, force: bool
) -> tuple[SectionPlan, ...]:
    """What each reflection clip needs, from fingerprints alone, as sections are planned."""
    guided = guide.skill.guided_reflection
    targets = [
        Target(
            clip.id, clip.title,
            clip_fingerprint(clip, guided, voice.id, settings, guide.lexicon),
        )
        for clip in reflection_clips(guide)
    ]
    return plan_build(targets, state.previous, state.stored, force=force)


@dataclass(frozen=True)
class ReflectionsOutcome:
    """What building the reflection clips did."""

    entries: tuple[SectionEntry, ...]
    synthesized: int
    cached: int
    uploaded: int


def build_reflections(
    guide: Guide,
    voice: Voice,
    settings: RenderSettings,
    cache: ClipCache,
    state: StoreState,
    *,
    force: bool = False,
    upload: Callable[[str, bytes], None],
    on_clip: Callable[[SectionOutcome], None] | None = None,
) -> ReflectionsOutcome:
    """Bring the reflection clips up to date: keep, take from the cache, or narrate; upload.

    `upload(key, mp3)` writes one clip as the build writes section clips; `on_clip` hears of
    each clip as it is done, as the build's `on_section` hears of sections.
    """
    clips = {clip.id: clip for clip in reflection_clips(guide)}
    outcomes: list[SectionOutcome] = []
    for plan in plan_reflections(guide, voice, settings, state, force):
        if plan.action is Action.KEEP and plan.previous is not None:
            outcome = SectionOutcome(plan.previous, Source.STORE, uploaded=0)
        else:
            rendered, source = _rendered(clips[plan.target.id], plan, guide, voice, settings,
                                         cache, force)
            entry = _entry(plan.target, rendered)
            uploaded = 0
            for part in entry.parts:
                if state.needs_upload(part):
                    upload(part.key, rendered.mp3)
                    uploaded += 1
            outcome = SectionOutcome(entry, source, uploaded=uploaded)
        outcomes.append(outcome)
        if on_clip is not None:
            on_clip(outcome)
    return ReflectionsOutcome(
        entries=tuple(outcome.entry for outcome in outcomes),
        synthesized=sum(outcome.source is Source.VOICE for outcome in outcomes),
        cached=sum(outcome.source is Source.CACHE for outcome in outcomes),
        uploaded=sum(outcome.uploaded for outcome in outcomes),
    )


def _rendered(
    clip: ReflectionClip,
    plan: SectionPlan,
    guide: Guide,
    voice: Voice,
    settings: RenderSettings,
    cache: ClipCache,
    force: bool,
) -> tuple[RenderedPart, Source]:
    """The clip from the cache, or narrated (the space rendered) and cached."""
    fingerprint = plan.target.fingerprint
    cached = None if force else cache.load(fingerprint)
    if cached is not None:
        return cached[0], Source.CACHE
    logger.debug("rendering %s", plan.target.id)
    guided = guide.skill.guided_reflection
    part = (
        render_space(guided, settings, clip.title, guide.skill.name)
        if clip.kind == "space"
        else narrate_clip(clip, voice, settings, guide.skill.name, guide.lexicon)
    )
    cache.save(fingerprint, (part,))
    return part, Source.VOICE


def _entry(target: Target, rendered: RenderedPart) -> SectionEntry:
    """The manifest entry of a one-part reflection clip."""
    part = Part(
        key=clip_key(target.id, rendered.sha256, 1),
        sha256=rendered.sha256,
        bytes=len(rendered.mp3),
        duration=round(rendered.duration, 3),
    )
    return SectionEntry(
        id=target.id, title=target.title, fingerprint=target.fingerprint, parts=(part,)
    )
