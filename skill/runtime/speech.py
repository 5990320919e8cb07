"""SSML built within Alexa's limits: escaped text, pauses and audio clips.

Pure. Text goes through small preparation steps (each tested with a table of cases), then
into an immutable `Speech` that counts its audio so a response can never exceed what Alexa
plays: 5 audio tags and 240 seconds of audio (90 in a reprompt), 8000 characters of SSML.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple

from skill.runtime import SkillError

MAX_AUDIO_TAGS = 5
MAX_AUDIO_SECONDS = 240.0
MAX_REPROMPT_AUDIO_SECONDS = 90.0
MAX_SSML_CHARS = 8000
MAX_BREAK_SECONDS = 10.0  # the longest <break> Alexa honours
_SPEAK_TAGS = len("<speak></speak>")
_JOINERS = frozenset("\u200d\ufe0f")  # zero-width joiner, emoji presentation selector


class SpeechError(SkillError):
    """Speech that Alexa would refuse: over a limit, or a pause out of range."""


def drop_symbols(text: str) -> str:
    """Remove pictographs and marks a voice would read aloud by name ("cross mark")."""
    return "".join(
        char for char in text if char not in _JOINERS and unicodedata.category(char) != "So"
    )


def drop_unreadable(text: str) -> str:
    """Remove control, surrogate and unassigned characters, which XML cannot carry."""
    return "".join(
        char
        for char in text
        if char in "\t\n\r" or unicodedata.category(char) not in ("Cc", "Cs", "Cn")
    )


def drop_list_marker(text: str) -> str:
    """Remove a leading "- " bullet, which a voice would read as "dash"."""
    return text[2:] if text.startswith("- ") else text


def collapse_whitespace(text: str) -> str:
    """One space between words, none at the ends."""
    return " ".join(text.split())


def escape(text: str) -> str:
    """Escape the characters SSML (and APL's text markup) reserves."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


PREPARATION: tuple[Callable[[str], str], ...] = (
    drop_unreadable,
    drop_symbols,
    collapse_whitespace,
    drop_list_marker,
    escape,
)


@lru_cache(maxsize=4096)
def prepare(text: str) -> str:
    """Plain text made safe to speak inside SSML (cached: the skill says the same lines often)."""
    for step in PREPARATION:
        text = step(text)
    return text


def escape_attribute(value: str) -> str:
    """Escape a value for a double-quoted SSML attribute."""
    return escape(value).replace('"', "&quot;")


class Speech(NamedTuple):
    """SSML under construction; every method returns a new, longer Speech."""

    body: str = ""
    audio_tags: int = 0
    audio_seconds: float = 0.0

    def say(self, *texts: str) -> Speech:
        """Add sentences of plain text."""
        spoken = " ".join(prepared for prepared in map(prepare, texts) if prepared)
        separator = " " if self.body and spoken else ""
        return Speech(self.body + separator + spoken, self.audio_tags, self.audio_seconds)

    def paragraph(self, text: str) -> Speech:
        """Add a paragraph: Alexa pauses around it as a reader would."""
        return Speech(f"{self.body}<p>{prepare(text)}</p>", self.audio_tags, self.audio_seconds)

    def pause(self, seconds: float) -> Speech:
        """Add silence, up to Alexa's 10-second maximum for one break."""
        if not 0 < seconds <= MAX_BREAK_SECONDS:
            raise SpeechError(f"a pause must be over 0 and at most {MAX_BREAK_SECONDS:g} s")
        tag = f'<break time="{round(seconds * 1000)}ms"/>'
        return Speech(self.body + tag, self.audio_tags, self.audio_seconds)

    def play(self, url: str, seconds: float) -> Speech:
        """Add an MP3 clip by URL; `seconds` is its length, counted against the limits."""
        tag = f'<audio src="{escape_attribute(url)}"/>'
        return Speech(self.body + tag, self.audio_tags + 1, self.audio_seconds + seconds)

    def then(self, other: Speech) -> Speech:
        """This speech followed by another."""
        separator = " " if self.body and other.body and not other.body.startswith("<") else ""
        return Speech(
            self.body + separator + other.body,
            self.audio_tags + other.audio_tags,
            self.audio_seconds + other.audio_seconds,
        )

    @property
    def characters(self) -> int:
        """Length of the SSML this speech produces."""
        return len(self.body) + _SPEAK_TAGS

    def problems(self, *, reprompt: bool = False, room: int = 0) -> tuple[str, ...]:
        """Every Alexa limit this speech breaks, leaving `room` characters for more text."""
        audio_limit = MAX_REPROMPT_AUDIO_SECONDS if reprompt else MAX_AUDIO_SECONDS
        found = []
        if self.audio_tags > MAX_AUDIO_TAGS:
            found.append(f"{self.audio_tags} audio clips (at most {MAX_AUDIO_TAGS})")
        if self.audio_seconds > audio_limit:
            found.append(f"{self.audio_seconds:.1f} s of audio (at most {audio_limit:g} s)")
        if self.characters + room > MAX_SSML_CHARS:
            found.append(f"{self.characters + room} characters (at most {MAX_SSML_CHARS})")
        return tuple(found)

    def fits(self, *, reprompt: bool = False, room: int = 0) -> bool:
        """Whether Alexa would accept this speech, with `room` characters to spare."""
        return not self.problems(reprompt=reprompt, room=room)

    def ssml(self, *, reprompt: bool = False) -> str:
        """The finished `<speak>` document; SpeechError names any limit it breaks."""
        problems = self.problems(reprompt=reprompt)
        if problems:
            raise SpeechError("speech over Alexa's limits: " + "; ".join(problems))
        return f"<speak>{self.body}</speak>"

