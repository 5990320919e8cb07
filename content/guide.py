"""The guide as a whole: sections in article order plus the skill's words, checked together."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from content.models import Section, SkillText


def normalize_phrase(phrase: str) -> str:
    """Lower-case, drop punctuation and fold spaces, as speech recognition would hear it."""
    words = re.sub(r"[^\w' ]+", " ", phrase.lower().replace("’", "'"))
    return " ".join(words.split())


@dataclass(frozen=True)
class Guide:
    """The article's sections in order and the skill's own words."""

    sections: tuple[Section, ...]
    skill: SkillText

    def __post_init__(self) -> None:
        problems = _cross_check(self.sections, self.skill)
        if problems:
            raise ValueError("; ".join(problems))

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
        """Every spoken name, normalised, mapped to its section id."""
        return {
            normalize_phrase(name): section.id
            for section in self.sections
            for name in section.spoken_names
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
    problems += _claimed_twice("spoken name", ((s.id, n) for s in sections for n in s.spoken_names))
    problems += _claimed_twice("question", ((s.id, q) for s in sections for q in s.questions))
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
