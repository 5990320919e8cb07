"""Validated models of the guide: sections of the article and the skill's own words."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from content.grammar import references

SECTION_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"
LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")
_LIST_ITEM = re.compile(r"^(- |\d+\. )")
# Lower-case words and spaces, with the grammar's brackets, bars and vocabulary references.
# Lower-case words, and numbers as speech recognition writes them ("call 911").
_SIGNAL = re.compile(r"[a-z0-9' ()\[\]|<>_]+")

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
    # Other names for the section, and ways people ask for it: phrases in content.grammar's
    # syntax, expanded into the topic slot's synonyms and the section's own intent.
    synonyms: tuple[str, ...] = NonEmpty
    phrasings: tuple[str, ...] = ()
    follow_ups: tuple[FollowUp, ...] = NonEmpty
    reflections: tuple[str, ...] = NonEmpty
    body: str = NonEmpty

    @field_validator("synonyms", "phrasings", "reflections")
    @classmethod
    def _no_blank_entries(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        if any(not value.strip() for value in values):
            raise ValueError("entries must not be blank")
        return values

    @field_validator("synonyms", "phrasings")
    @classmethod
    def _readable_phrases(cls, phrases: tuple[str, ...]) -> tuple[str, ...]:
        for phrase in phrases:
            references(phrase)
        return phrases

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
    # Short danger words ("suicidal", "hurt myself"), phrases in content.grammar's syntax:
    # heard anywhere in what a slot caught, they send the request to the crisis answer; they
    # are also the topic slot's crisis value. What people in danger say in whole sentences is
    # in phrasings.yaml.
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

    @field_validator("signals", "harmless")
    @classmethod
    def _spoken_words(cls, signals: tuple[str, ...]) -> tuple[str, ...]:
        bad = [signal for signal in signals if not _SIGNAL.fullmatch(signal)]
        if bad:
            raise ValueError(
                f"write {', '.join(map(repr, bad))} as lower-case words, numbers and spaces"
            )
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


class ReminderText(Frozen):
    """What the skill says about daily reflection reminders; `{time}` stands for "8 PM"."""

    # What the reminder itself says when it rings: discreet, for a speaker others may hear.
    text: str = Field(min_length=1, max_length=200)
    card_title: str = NonEmpty
    ask_time: str = NonEmpty
    unclear_time: str = NonEmpty
    confirm: str = Field(pattern=r"\{time\}")
    created: str = Field(pattern=r"\{time\}")
    declined: str = NonEmpty
    permission_card: str = NonEmpty
    permission_denied: str = NonEmpty
    unavailable: str = NonEmpty
    none: str = NonEmpty
    one: str = Field(pattern=r"\{time\}")
    many: str = Field(pattern=r"\{count\}.*\{time\}|\{time\}.*\{count\}")
    stopped: str = NonEmpty
    routine_title: str = NonEmpty


class GuidedReflection(Frozen):
    """A guided reflection: a narrated opening, each prompt with a space to think, a close."""

    # Clip titles, shown by players and screens.
    title: str = NonEmpty
    space_title: str = NonEmpty
    opening: str = NonEmpty
    close: str = NonEmpty
    # Said when "next" is asked for after the last prompt.
    finished: str = NonEmpty
    # Seconds of quiet after each prompt; devices without AudioPlayer shorten them to fit
    # Alexa's 240 seconds of audio per response.
    space_seconds: int = Field(ge=5, le=120)
    # A soft chime at the end of each space, so someone with closed eyes knows it is over.
    chime: bool = True


class PrivacyText(Frozen):
    """The privacy policy the skill publishes beside its audio; `{name}` is the skill's name
    and `{contact}` how to reach its operator, given when it is deployed."""

    title: str = NonEmpty
    summary: str = NonEmpty
    kept: str = NonEmpty
    never_kept: str = NonEmpty
    deletion: str = NonEmpty
    contact: str = Field(pattern=r"\{contact\}")


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
    guided_reflection: GuidedReflection
    more_prompt: str = NonEmpty
    declined: str = NonEmpty
    no_match: str = NonEmpty
    start_of_guide: str = NonEmpty
    end_of_guide: str = NonEmpty
    paused: str = NonEmpty
    unsupported: str = NonEmpty
    nothing_stored: str = NonEmpty
    forgotten: str = NonEmpty
    forget_failed: str = NonEmpty
    place_unreachable: str = NonEmpty
    screen_hint: str = NonEmpty
    privacy: PrivacyText
    listing: Listing
    crisis: Crisis
    reminders: ReminderText


# The skill's own requests that phrasings.yaml words; AMAZON.* built-ins may be added to.
REQUESTS = (
    "topic", "reflect", "guided_reflection", "play_guide", "continue_listening", "forget_me",
    "set_reminder", "list_reminders", "stop_reminders",
)
# What people in danger say, grouped so each kind of danger is covered on purpose.
CRISIS_FAMILIES = (
    "suicidal-thoughts", "hopelessness", "burden", "self-harm", "overdose", "violence",
    "unsafe-at-home", "immediate-danger", "crisis-line",
)
Phrases = tuple[str, ...]


class Phrasings(Frozen):
    """phrasings.yaml: the vocabulary, the skill's requests and the crisis phrasings."""

    # How readily Alexa picks AMAZON.FallbackIntent over one of the skill's intents.
    fallback_sensitivity: Literal["LOW", "MEDIUM", "HIGH"]
    # A list for every locale, or {"all": [...], "<locale>": [additions]}.
    vocabulary: dict[str, Phrases | dict[str, Phrases]]
    # Slots Alexa fills from a list ("{person}"), each with the phrases of its values.
    slots: dict[str, Phrases]
    # A slot that ends some of each section's samples, so Alexa hands the skill the rest of a
    # long sentence ("my mum keeps guilt tripping me {detail}") to screen for danger.
    trailing_slot: str | None = None
    # Slots Alexa fills with one of its built-in types ("{time}": AMAZON.TIME).
    built_in_slots: dict[str, str] = {}
    # How people answer when the skill asks for one slot alone ("at 8 pm"): its samples.
    slot_answers: dict[str, Phrases] = {}
    intents: dict[str, Phrases]
    crisis: dict[str, Phrases]

    @field_validator("slots")
    @classmethod
    def _slot_names(cls, slots: dict[str, Phrases]) -> dict[str, Phrases]:
        bad = [name for name in slots if name == "topic" or not re.fullmatch(r"[a-z]+", name)]
        if bad:
            raise ValueError(
                f"slot names are lower-case letters and not 'topic' (the sections' own slot): "
                f"{', '.join(bad)}"
            )
        return slots

    @field_validator("built_in_slots")
    @classmethod
    def _built_in_types(cls, slots: dict[str, str]) -> dict[str, str]:
        bad = [f"{name}: {kind}" for name, kind in slots.items()
               if not kind.startswith("AMAZON.") or not re.fullmatch(r"[a-z]+", name)]
        if bad:
            raise ValueError(
                "built-in slots are lower-case names with an AMAZON.* type: " + ", ".join(bad)
            )
        return slots

    @field_validator("vocabulary")
    @classmethod
    def _known_locales(
        cls, vocabulary: dict[str, Phrases | dict[str, Phrases]]
    ) -> dict[str, Phrases | dict[str, Phrases]]:
        for name, entry in vocabulary.items():
            keys = set(entry) if isinstance(entry, dict) else set()
            unknown = sorted(keys - {"all", *LOCALES})
            if unknown:
                raise ValueError(
                    f"{name}: use 'all' or a locale ({', '.join(LOCALES)}), "
                    f"not {', '.join(unknown)}"
                )
        return vocabulary

    @field_validator("intents")
    @classmethod
    def _known_requests(cls, intents: dict[str, Phrases]) -> dict[str, Phrases]:
        unknown = [n for n in intents if n not in REQUESTS and not n.startswith("AMAZON.")]
        missing = [name for name in REQUESTS if name not in intents]
        if unknown or missing:
            raise ValueError(
                f"give phrasings for {', '.join(REQUESTS)} and AMAZON.* intents only"
                + (f"; unknown: {', '.join(unknown)}" if unknown else "")
                + (f"; missing: {', '.join(missing)}" if missing else "")
            )
        return intents

    @field_validator("crisis")
    @classmethod
    def _every_family(cls, crisis: dict[str, Phrases]) -> dict[str, Phrases]:
        missing = [family for family in CRISIS_FAMILIES if not crisis.get(family)]
        unknown = [family for family in crisis if family not in CRISIS_FAMILIES]
        if missing or unknown:
            raise ValueError(
                f"give phrasings for each crisis family ({', '.join(CRISIS_FAMILIES)})"
                + (f"; missing: {', '.join(missing)}" if missing else "")
                + (f"; unknown: {', '.join(unknown)}" if unknown else "")
            )
        return crisis

    @model_validator(mode="after")
    def _trailing_slot_is_listed(self) -> Phrasings:
        if self.trailing_slot is not None and self.trailing_slot not in self.slots:
            raise ValueError(
                f"trailing_slot {self.trailing_slot!r} needs its values under slots: "
                f"add slots: {self.trailing_slot}: [...]"
            )
        return self

    @model_validator(mode="after")
    def _readable(self) -> Phrasings:
        for phrase in self.phrases():
            references(phrase)
        return self

    def phrases(self) -> Phrases:
        """Every phrase in the file: vocabulary entries, requests and crisis phrasings."""
        lists = [
            entry for entries in self.vocabulary.values()
            for entry in (entries.values() if isinstance(entries, dict) else (entries,))
        ]
        groups = (
            *lists, *self.slots.values(), *self.slot_answers.values(), *self.intents.values(),
            *self.crisis.values(),
        )
        return tuple(phrase for group in groups for phrase in group)

    def words(self, locale: str) -> dict[str, Phrases]:
        """The vocabulary for one locale: every list, with the locale's additions."""
        return {
            name: (*entry.get("all", ()), *entry.get(locale, ()))
            if isinstance(entry, dict) else entry
            for name, entry in self.vocabulary.items()
        }
