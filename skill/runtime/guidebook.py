"""The guide as the skill speaks it, read from guidebook.json.

The Lambda reads the compiled file with the standard library alone. Loading content/ itself
needs YAML and pydantic, which would more than triple the skill's import time (bench/skill.py).
`nocontact model` rewrites the file from content/ (skill.exports.guidebook), and a test keeps
the two in step.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple

from skill.runtime import SkillError
from skill.runtime.danger import DangerWords
from skill.runtime.intents import section_intent

GUIDEBOOK_PATH = Path(__file__).resolve().parent / "guidebook.json"
FALLBACK_LOCALE = "en-US"


class GuidebookError(SkillError):
    """guidebook.json is missing or does not match the code reading it."""


def normalize_phrase(phrase: str) -> str:
    """Lower-case, drop punctuation and fold spaces, exactly as content.normalize_phrase does."""
    words = re.sub(r"[^\w' ]+", " ", phrase.lower().replace("’", "'"))
    return " ".join(words.split())


class FollowUp(NamedTuple):
    """A question asked after a section: yes plays `section`, or gives a reflection."""

    question: str
    section: str | None
    reflection: bool


class Section(NamedTuple):
    """One section as the skill uses it: names, spoken text, follow-ups and reflections."""

    id: str
    title: str
    narrate_title: bool
    lines: tuple[str, ...]
    follow_ups: tuple[FollowUp, ...]
    reflections: tuple[str, ...]

    @property
    def intent(self) -> str:
        """The section's own intent, named from its id."""
        return section_intent(self.id)

    @property
    def spoken_lines(self) -> tuple[str, ...]:
        """What a narrator reads: the heading when the article has one, then each line."""
        return ((self.title,) if self.narrate_title else ()) + self.lines

    @property
    def card_text(self) -> str:
        """The section's text for a card in the Alexa app or on a screen."""
        return "\n".join(self.lines)


class Contact(NamedTuple):
    """A crisis line or emergency number: written for cards, `say` for speech."""

    name: str
    number: str
    say: str
    how: str


class LocaleLines(NamedTuple):
    """The emergency number and crisis lines of one locale."""

    emergency: Contact
    lines: tuple[Contact, ...]


@dataclass(frozen=True)
class Crisis:
    """The crisis answer's words, every locale's numbers and the words that call for it."""

    message: str
    closing: str
    card_title: str
    emergency: str
    line: str
    signals: tuple[str, ...]
    harmless: tuple[str, ...]
    locales: dict[str, LocaleLines]

    def lines_for(self, locale: str | None) -> LocaleLines:
        """The numbers for a locale; an unknown locale gets en-US's rather than nothing."""
        return self.locales.get(locale or "", self.locales[FALLBACK_LOCALE])

    def numbers(self, locale: str | None, *, spoken: bool) -> list[str]:
        """The emergency number, then each crisis line: said aloud, or written for a card."""
        local = self.lines_for(locale)

        def number(contact: Contact) -> str:
            return contact.say if spoken else contact.number

        emergency = local.emergency
        return [
            self.emergency.format(name=emergency.name, number=number(emergency)),
            *(self.line.format(how=c.how, name=c.name, number=number(c)) for c in local.lines),
        ]

    @cached_property
    def _danger_words(self) -> DangerWords:
        return DangerWords(self.signals, self.harmless)

    def signals_danger(self, words: str) -> bool:
        """Whether what someone said holds a crisis phrase or danger word, as whole words,
        once everyday phrases that only look like danger are set aside."""
        return self._danger_words.heard_in(words)


class Words(NamedTuple):
    """Everything the skill says that is not a section: welcome, help, prompts, goodbye."""

    name: str
    welcome: str
    disclaimer: str
    help: str
    reprompt: str
    goodbye: str
    fallback: str
    error: str
    reflection_intro: str
    reflection_outro: str
    more_prompt: str
    declined: str
    no_match: str
    start_of_guide: str
    end_of_guide: str
    paused: str
    unsupported: str
    nothing_stored: str
    forgotten: str
    forget_failed: str
    place_unreachable: str
    screen_hint: str


class ReminderWords(NamedTuple):
    """What the skill says about daily reflection reminders; `{time}` stands for "8 PM"."""

    text: str
    card_title: str
    ask_time: str
    unclear_time: str
    confirm: str
    created: str
    declined: str
    permission_card: str
    permission_denied: str
    unavailable: str
    none: str
    one: str
    many: str
    stopped: str
    routine_title: str


class Guided(NamedTuple):
    """A guided reflection's words, its space to think after each prompt, and its chime."""

    title: str
    space_title: str
    opening: str
    close: str
    finished: str
    space_seconds: int
    chime: bool


@dataclass(frozen=True)
class Guidebook:
    """Sections in article order, the skill's words and the crisis answer."""

    sections: tuple[Section, ...]
    words: Words
    crisis: Crisis
    # Every spoken name of a section, normalised, to its id: a safety net for unresolved slots.
    phrases: dict[str, str]
    reminders: ReminderWords
    guided: Guided

    @cached_property
    def _by_id(self) -> dict[str, Section]:
        return {section.id: section for section in self.sections}

    @cached_property
    def _by_intent(self) -> dict[str, Section]:
        return {section.intent: section for section in self.sections}

    @cached_property
    def ids(self) -> tuple[str, ...]:
        """Section ids in article order."""
        return tuple(self._by_id)

    def has(self, section_id: str | None) -> bool:
        """Whether a section with this id exists."""
        return section_id in self._by_id

    def section(self, section_id: str) -> Section:
        """The section with this id (KeyError when there is none)."""
        return self._by_id[section_id]

    def section_for_intent(self, intent_name: str) -> Section:
        """The section whose own intent this is (KeyError when there is none)."""
        return self._by_intent[intent_name]

    def next_id(self, section_id: str) -> str | None:
        """The section after this one in article order, or None at the end."""
        index = self.ids.index(section_id) + 1
        return self.ids[index] if index < len(self.ids) else None

    def previous_id(self, section_id: str) -> str | None:
        """The section before this one in article order, or None at the start."""
        index = self.ids.index(section_id) - 1
        return self.ids[index] if index >= 0 else None

    def resolve_phrase(self, words: str) -> str | None:
        """The section someone named in their own words, when the words are a known name."""
        return self.phrases.get(normalize_phrase(words))


def load_guidebook(path: Path = GUIDEBOOK_PATH) -> Guidebook:
    """Read a compiled guidebook; GuidebookError says how to regenerate a missing or stale one."""
    try:
        return parse_guidebook(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise GuidebookError(
            f"{path}: cannot read the compiled guide ({type(error).__name__}: {error}); "
            "run `nocontact model` to rebuild it from content/"
        ) from None


def parse_guidebook(data: dict[str, Any]) -> Guidebook:
    """Build the typed guidebook from its JSON form."""
    return Guidebook(
        sections=tuple(_section(item) for item in data["sections"]),
        words=Words(**{field: data["words"][field] for field in Words._fields}),
        crisis=parse_crisis(data["crisis"]),
        phrases=dict(data["phrases"]),
        reminders=ReminderWords(
            **{field: data["reminders"][field] for field in ReminderWords._fields}
        ),
        guided=Guided(**{field: data["guided"][field] for field in Guided._fields}),
    )


def parse_crisis(crisis: dict[str, Any]) -> Crisis:
    """The crisis answer from its JSON form (content's `Crisis.model_dump(mode="json")`)."""
    return Crisis(
        message=crisis["message"],
        closing=crisis["closing"],
        card_title=crisis["card_title"],
        emergency=crisis["emergency"],
        line=crisis["line"],
        signals=tuple(crisis["signals"]),
        harmless=tuple(crisis["harmless"]),
        locales={
            locale: LocaleLines(
                emergency=Contact(**lines["emergency"]),
                lines=tuple(Contact(**line) for line in lines["lines"]),
            )
            for locale, lines in crisis["locales"].items()
        },
    )


def _section(item: dict[str, Any]) -> Section:
    return Section(
        id=item["id"],
        title=item["title"],
        narrate_title=item["narrate_title"],
        lines=tuple(item["lines"]),
        follow_ups=tuple(FollowUp(**follow_up) for follow_up in item["follow_ups"]),
        reflections=tuple(item["reflections"]),
    )
