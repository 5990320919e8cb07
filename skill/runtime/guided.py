"""A guided reflection as a queue of tracks, or as one response's speech (pure).

On a device with AudioPlayer a section's guided reflection is a short queue: the opening, then
each prompt followed by the space to think (one quiet clip with a soft chime at its end, the
same for every prompt), then the close. Tokens name the section and the step
(`reflect:guilt-trips:3:<hash>`), so pausing, resuming and "next" find their place in the
queue as the guide's tokens do. A device without AudioPlayer gets the whole reflection in one
response, inside Alexa's 240 seconds: the spaces shrink to fit, and no prompt is dropped.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, NamedTuple

from skill.runtime.guidebook import Guidebook, Guided
from skill.runtime.playback import (
    END_MARGIN_MS,
    Clip,
    Cue,
    Track,
    make_guided_token,
    parse_guided_token,
)
from skill.runtime.speech import MAX_AUDIO_SECONDS, MAX_AUDIO_TAGS, MAX_BREAK_SECONDS, Speech

Kind = Literal["opening", "prompt", "space", "close"]
OPENING_ID = "reflect-opening"
CLOSE_ID = "reflect-close"
SPACE_ID = "reflect-space"
# Alexa's voice reads about 150 words a minute (2.5 a second); text is counted as slower,
# so an estimate errs towards less time left for the spaces, never more.
WORDS_PER_SECOND = 2.2
MIN_SPACE_SECONDS = 1.0


def prompt_id(section_id: str, number: int) -> str:
    """The clip id of a section's reflection prompt `number` (from 1), as the audio names it."""
    return f"reflect-{section_id}-{number}"


class GuidedTrack(Track):
    """A step of a guided reflection; `part` is the step's number in the queue, from 1."""

    @property
    def token(self) -> str:
        return make_guided_token(self.section_id, self.part, self.sha256)


@dataclass(frozen=True)
class GuidedOrder:
    """One section's guided reflection as AudioPlayer plays it, step by step."""

    section_id: str
    tracks: tuple[GuidedTrack, ...]
    kinds: tuple[Kind, ...]

    def first(self) -> GuidedTrack:
        """The opening."""
        return self.tracks[0]

    def _index(self, token: str | None) -> int | None:
        """The step a token names, by number: a rebuilt clip keeps its place in the queue."""
        parts = parse_guided_token(token)
        if parts is None or parts.section_id != self.section_id:
            return None
        return parts.part - 1 if parts.part <= len(self.tracks) else None

    def find(self, token: str | None) -> GuidedTrack | None:
        """The step with exactly this token (the same clip), or None."""
        index = self._index(token)
        exact = None if index is None else self.tracks[index]
        return exact if exact is not None and exact.token == token else None

    def following(self, token: str | None) -> GuidedTrack | None:
        """The step after this one; None after the close."""
        index = self._index(token)
        if index is None or index + 1 >= len(self.tracks):
            return None
        return self.tracks[index + 1]

    def next_prompt(self, token: str | None) -> GuidedTrack | None:
        """The next prompt after this step, else the close; None in the close."""
        index = self._index(token)
        if index is None:
            return None
        later = [i for i in range(index + 1, len(self.tracks)) if self.kinds[i] != "space"]
        return self.tracks[later[0]] if later else None

    def previous_prompt(self, token: str | None) -> GuidedTrack:
        """The prompt before the current one (a space belongs to its prompt); else the opening."""
        index = self._index(token) or 0
        current = self._prompt_at(index)
        earlier = [i for i in range(current) if self.kinds[i] == "prompt"]
        return self.tracks[earlier[-1]] if earlier else self.first()

    def current_prompt(self, token: str | None) -> GuidedTrack:
        """The prompt being thought about (the one before a space), or this step itself."""
        return self.tracks[self._prompt_at(self._index(token) or 0)]

    def _prompt_at(self, index: int) -> int:
        return index - 1 if self.kinds[index] == "space" else index

    def resume(self, token: str | None, offset_ms: int) -> Cue | None:
        """Where to pick up: the same clip at its offset; a rebuilt clip from its start;
        None when the token is not this reflection's or nothing is left after it."""
        index = self._index(token)
        if index is None:
            return None
        track = self.tracks[index]
        if track.token != token:
            return Cue(track)
        if max(0, offset_ms) < track.duration_ms - END_MARGIN_MS:
            return Cue(track, max(0, offset_ms))
        after = self.following(token)
        return None if after is None else Cue(after)


def _track(section_id: str, step: int, title: str, clip: Clip) -> GuidedTrack:
    return GuidedTrack(section_id, step, title, clip.url, clip.sha256, round(clip.seconds * 1000))


def guided_order(
    guidebook: Guidebook, clips: Mapping[str, Clip], section_id: str
) -> GuidedOrder | None:
    """The section's reflection as a queue, or None unless every clip it needs is published."""
    section = guidebook.section(section_id)
    guided = guidebook.guided
    prompts = [clips.get(prompt_id(section_id, n)) for n in range(1, len(section.reflections) + 1)]
    fixed = [clips.get(OPENING_ID), clips.get(SPACE_ID), clips.get(CLOSE_ID)]
    if any(clip is None for clip in (*prompts, *fixed)):
        return None
    opening, space, close = fixed
    steps: list[tuple[Kind, str, Clip]] = [("opening", guided.title, opening)]
    for prompt in prompts:
        steps += [("prompt", f"{guided.title}: {section.title}", prompt),
                  ("space", guided.space_title, space)]
    steps.append(("close", guided.title, close))
    tracks = tuple(
        _track(section_id, number, title, clip)
        for number, (_, title, clip) in enumerate(steps, start=1)
    )
    return GuidedOrder(section_id, tracks, tuple(kind for kind, _, _ in steps))


class Said(NamedTuple):
    """A piece of the spoken reflection: its words, and its clip when there is one."""

    text: str
    clip: Clip | None


def estimated_seconds(text: str) -> float:
    """How long Alexa's voice takes to say `text`, erring long."""
    return len(text.split()) / WORDS_PER_SECOND


def _with_clips(pieces: Sequence[Said], prompts: range) -> list[Said]:
    """Clips where Alexa's five audio tags allow: prompts first, then the opening and close."""
    kept = list(pieces)
    tags = 0
    for index in (*prompts, 0, len(pieces) - 1):
        if kept[index].clip is not None:
            if tags < MAX_AUDIO_TAGS:
                tags += 1
            else:
                kept[index] = Said(kept[index].text, None)
    return kept


def space_seconds(pieces: Sequence[Said], prompts: int, wanted: float) -> float:
    """The space after each prompt: as long as wanted, or shorter so the whole fits in 240 s."""
    fixed = sum(p.clip.seconds if p.clip else estimated_seconds(p.text) for p in pieces)
    room = (MAX_AUDIO_SECONDS - fixed) / max(prompts, 1)
    return max(MIN_SPACE_SECONDS, min(float(wanted), math.floor(room * 10) / 10))


def _quiet(seconds: float) -> Speech:
    """Silence as breaks of at most Alexa's ten seconds each."""
    speech = Speech()
    left = round(seconds, 1)
    while left > 0:
        step = min(left, MAX_BREAK_SECONDS)
        speech = speech.pause(step)
        left = round(left - step, 1)
    return speech


def _piece(said: Said) -> Speech:
    return Speech().play(said.clip.url, said.clip.seconds) if said.clip else Speech().say(said.text)


def spoken_reflection(
    guided: Guided, prompts: Sequence[str], clips: Mapping[str, Clip], section_id: str
) -> tuple[Speech, float]:
    """The whole reflection as one response's speech, and the space it leaves after each prompt.

    Clips play where they are published and the tag limit allows; Alexa's voice says the rest.
    """
    pieces = [
        Said(guided.opening, clips.get(OPENING_ID)),
        *(Said(text, clips.get(prompt_id(section_id, n))) for n, text in enumerate(prompts, 1)),
        Said(guided.close, clips.get(CLOSE_ID)),
    ]
    pieces = _with_clips(pieces, range(1, len(prompts) + 1))
    space = space_seconds(pieces, len(prompts), guided.space_seconds)
    speech = _piece(pieces[0])
    for said in pieces[1:-1]:
        speech = speech.then(_piece(said)).then(_quiet(space))
    return speech.then(_piece(pieces[-1])), space


def pick_section(ids: Sequence[str], day: int) -> str:
    """The section a guided reflection takes when none is named: a different one each day."""
    return ids[day % len(ids)]
