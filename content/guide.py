"""The guide as a whole: sections in article order plus the skill's words, checked together."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from content.grammar import GrammarError, references
from content.lexicon import Lexicon
from content.models import LOCALES, Phrasings, Section, SkillText
from content.phrasebook import Phrasebook


def normalize_phrase(phrase: str) -> str:
    """Lower-case, drop punctuation and fold spaces, as speech recognition would hear it."""
    words = re.sub(r"[^\w' ]+", " ", phrase.lower().replace("’", "'"))
    return " ".join(words.split())


@dataclass(frozen=True)
class Guide:
    """The article's sections in order and the skill's own words."""

    sections: tuple[Section, ...]
    skill: SkillText
    phrasings: Phrasings
    lexicon: Lexicon = Lexicon()  # how the voices say words that need care

    def __post_init__(self) -> None:
        problems = _cross_check(self.sections, self.skill) + _grammar_problems(self)
        if problems:
            raise ValueError("; ".join(problems))

    def phrasebook(self, locale: str) -> Phrasebook:
        """Every way of saying things in one locale (expanded once per locale)."""
        if locale not in LOCALES:
            raise KeyError(f"no locale {locale!r}; known: {', '.join(LOCALES)}")
        return self._phrasebooks.setdefault(
            locale, Phrasebook(self.phrasings, self.skill.crisis, locale)
        )

    @cached_property
    def _phrasebooks(self) -> dict[str, Phrasebook]:
        return {}

    @cached_property
    def ids(self) -> tuple[str, ...]:
        """Section ids in article order."""
        return tuple(section.id for section in self.sections)

    def section(self, section_id: str) -> Section:
        """The section with this id; KeyError names the known ids."""
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(f"no section {section_id!r}; known: {', '.join(self.ids)}")

    @cached_property
    def phrase_index(self) -> dict[str, str]:
        """Every spoken name in any locale, normalised, mapped to its section id."""
        return {
            normalize_phrase(name): section.id
            for locale in LOCALES
            for section in self.sections
            for name in (section.topic, *self.phrasebook(locale).synonyms(section))
        }


def _cross_check(sections: tuple[Section, ...], skill: SkillText) -> list[str]:
    """Rules that span files: unique ids, valid references, one section per spoken name."""
    problems: list[str] = []
    ids = [section.id for section in sections]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        problems.append(f"section ids must be unique, repeated: {', '.join(duplicates)}")
    known = set(ids)
    for section in sections:
        for follow_up in section.follow_ups:
            if follow_up.section is not None and follow_up.section not in known:
                problems.append(
                    f"section {section.id!r}: follow_ups refers to unknown section "
                    f"{follow_up.section!r}"
                )
    for topic in skill.launch_topics:
        if topic not in known:
            problems.append(f"skill.yaml: launch_topics refers to unknown section {topic!r}")
    return problems


def _grammar_problems(guide: Guide) -> list[str]:
    """Phrases that name missing vocabulary, and names two sections claim.

    Names are checked once expanded, in every locale: the topic slot routes on them.
    """
    phrasings = guide.phrasings
    phrases = (
        *phrasings.phrases(),
        *(phrase for s in guide.sections for phrase in (*s.synonyms, *s.phrasings)),
        *guide.skill.crisis.signals,
        *guide.skill.crisis.harmless,
    )
    used = {name for phrase in phrases for name in references(phrase)}
    problems = [
        f"<{name}> is not in phrasings.yaml's vocabulary; add it there"
        for name in sorted(used - set(phrasings.vocabulary))
    ]
    if problems:
        return problems
    try:
        for locale in LOCALES:
            book = guide.phrasebook(locale)
            names = ((s.id, n) for s in guide.sections for n in (s.topic, *book.synonyms(s)))
            problems += [f"{locale}: {problem}" for problem in _claimed_twice("spoken name", names)]
    except GrammarError as error:
        problems.append(str(error))
    return problems


def _claimed_twice(kind: str, claims: Iterable[tuple[str, str]]) -> list[str]:
    """Phrases that two sections claim; speech routing needs each to mean one section."""
    owners: dict[str, str] = {}
    problems = []
    for section_id, phrase in claims:
        owner = owners.setdefault(normalize_phrase(phrase), section_id)
        if owner != section_id:
            problems.append(
                f"{kind} {phrase!r} belongs to both {owner!r} and {section_id!r}; "
                "keep it in one section"
            )
    return problems
