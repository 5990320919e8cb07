"""Validated models of the guide: sections of the article and the skill's own words."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SECTION_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"
LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")
_LIST_ITEM = re.compile(r"^(- |\d+\. )")
_SIGNAL = re.compile(r"[a-z]+('[a-z]+)?( [a-z]+('[a-z]+)?)*")

NonEmpty = Field(min_length=1)


class Frozen(BaseModel):
    """Immutable model that refuses unknown fields, so a typo in a file is an error."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class FollowUp(Frozen):
    """A question asked after a section; "yes" goes to another section or a reflection."""

    question: str = NonEmpty
    section: str | None = None
    reflection: bool = False

    @model_validator(mode="after")
    def _one_offer(self) -> FollowUp:
        if (self.section is None) == (not self.reflection):
            raise ValueError("give exactly one of 'section: <id>' or 'reflection: true'")
        return self


class Block(Frozen):
    """One line of narrated text: the heading, a paragraph or a list item."""

    kind: Literal["heading", "paragraph", "item"]
    text: str = NonEmpty


class Section(Frozen):
    """One section of the article with everything the skill says around it."""

    id: str = Field(pattern=SECTION_ID)
    title: str = NonEmpty
    narrate_title: bool
    topic: str = NonEmpty
    synonyms: tuple[str, ...] = NonEmpty
    questions: tuple[str, ...] = ()
    follow_ups: tuple[FollowUp, ...] = NonEmpty
    reflections: tuple[str, ...] = NonEmpty
    body: str = NonEmpty

    @field_validator("synonyms", "questions", "reflections")
    @classmethod
    def _no_blank_entries(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        if any(not value.strip() for value in values):
            raise ValueError("entries must not be blank")
        return values

    @property
    def blocks(self) -> tuple[Block, ...]:
        """The narrated text in order: the heading (when the article has one), then each line."""
        heading = (Block(kind="heading", text=self.title),) if self.narrate_title else ()
        lines = (line.strip() for line in self.body.splitlines())
        return heading + tuple(
            Block(kind="item" if _LIST_ITEM.match(line) else "paragraph", text=line)
            for line in lines
            if line
        )

    @property
    def narration(self) -> str:
        """The article's words for this section, one line per block."""
        return "\n".join(block.text for block in self.blocks)

    @property
    def spoken_names(self) -> tuple[str, ...]:
        """Everything a listener may call this section: its topic first, then synonyms."""
        return (self.topic, *self.synonyms)


class Contact(Frozen):
    """A crisis line or emergency number, with how to say it aloud."""

    name: str = NonEmpty
    number: str = NonEmpty
    say: str = NonEmpty
    how: str = "call"


class LocaleCrisis(Frozen):
    """Emergency number and crisis lines for one locale."""

    emergency: Contact
    lines: tuple[Contact, ...] = NonEmpty


class Crisis(Frozen):
    """What the skill says, first of all, to anyone who may be in danger."""

    message: str = NonEmpty
    closing: str = NonEmpty
    card_title: str = NonEmpty
    # Templates filled from each Contact: `emergency` with {name} and {number}, `line` with
    # {how}, {name} and {number} (the spoken `say` aloud, the written `number` on cards).
    emergency: str = NonEmpty
    line: str = NonEmpty
    # What people in danger say: the CrisisIntent's samples, and words that send any request
    # containing them to the crisis answer.
    phrases: tuple[str, ...] = Field(min_length=10)
    # Short danger words ("suicidal", "hurt myself"): heard anywhere in what a topic slot
    # caught, they send the request to the crisis answer; they are also the slot's crisis value.
    signals: tuple[str, ...] = NonEmpty
    # Everyday phrases that hold a danger word but are not danger ("cut myself off from my
    # family"): set aside before the words are looked at.
    harmless: tuple[str, ...] = ()
    locales: dict[str, LocaleCrisis]

    @field_validator("emergency", "line")
    @classmethod
    def _known_placeholders(cls, template: str) -> str:
        try:
            template.format(how="call", name="a line", number="one")
        except (KeyError, IndexError, ValueError) as error:
            raise ValueError(f"use only {{how}}, {{name}} and {{number}}: {error}") from None
        return template

    @field_validator("phrases")
    @classmethod
    def _no_blank_phrases(cls, phrases: tuple[str, ...]) -> tuple[str, ...]:
        if any(not phrase.strip() for phrase in phrases):
            raise ValueError("entries must not be blank")
        return phrases

    @field_validator("signals", "harmless")
    @classmethod
    def _spoken_words(cls, signals: tuple[str, ...]) -> tuple[str, ...]:
        bad = [signal for signal in signals if not _SIGNAL.fullmatch(signal)]
        if bad:
            raise ValueError(f"write {', '.join(map(repr, bad))} as lower-case words and spaces")
        return signals

    @field_validator("locales")
    @classmethod
    def _every_locale(cls, locales: dict[str, LocaleCrisis]) -> dict[str, LocaleCrisis]:
        missing = [locale for locale in LOCALES if locale not in locales]
        if missing:
            raise ValueError(f"add crisis resources for {', '.join(missing)}")
        return locales


class Listing(Frozen):
    """How the Alexa Skills Store describes the skill (Amazon's length limits)."""

    summary: str = Field(min_length=1, max_length=160)
    description: str = Field(min_length=1, max_length=4000)
    keywords: tuple[str, ...] = Field(min_length=1, max_length=30)


class SkillText(Frozen):
    """The skill's own words: welcome, help, disclaimer, crisis resources."""

    invocation_name: str = Field(pattern=r"^[a-z]+( [a-z]+)+$")
    name: str = NonEmpty
    welcome: str = NonEmpty
    disclaimer: str = NonEmpty
    launch_topics: tuple[str, ...] = Field(min_length=3, max_length=4)
    help: str = NonEmpty
    reprompt: str = NonEmpty
    goodbye: str = NonEmpty
    fallback: str = NonEmpty
    error: str = NonEmpty
    reflection_intro: str = NonEmpty
    reflection_outro: str = NonEmpty
    more_prompt: str = NonEmpty
    declined: str = NonEmpty
    no_match: str = NonEmpty
    start_of_guide: str = NonEmpty
    end_of_guide: str = NonEmpty
    paused: str = NonEmpty
    unsupported: str = NonEmpty
    nothing_stored: str = NonEmpty
    forgotten: str = NonEmpty
    screen_hint: str = NonEmpty
    privacy_policy_url: str = Field(pattern=r"^https://")
    listing: Listing
    crisis: Crisis
