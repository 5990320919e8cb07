"""Every way of saying things to the skill in one locale: the phrase grammar expanded (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from content.grammar import expand_all, expand_each
from content.models import CRISIS_FAMILIES, Crisis, Phrases, Phrasings, Section


@dataclass(frozen=True)
class Phrasebook:
    """phrasings.yaml, the sections' synonyms and phrasings and the crisis words, expanded for
    one locale."""

    grammar: Phrasings
    crisis_words: Crisis
    locale: str
    _cache: dict[str, Phrases] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def vocabulary(self) -> dict[str, Phrases]:
        """Each vocabulary list as written, with this locale's additions."""
        return self.grammar.words(self.locale)

    def expand(self, phrases: Sequence[str]) -> Phrases:
        """Every way of saying any of these phrases in this locale, in order, each once."""
        key = "\n".join(phrases)
        if key not in self._cache:
            self._cache[key] = expand_all(phrases, self.vocabulary)
        return self._cache[key]

    def expand_lines(self, phrases: Sequence[str]) -> tuple[Phrases, ...]:
        """Every way of saying each phrase in this locale, line by line, so a line's ways
        can be weighed against the others'."""
        return expand_each(phrases, self.vocabulary)

    def synonyms(self, section: Section) -> Phrases:
        """Every other name of a section: the topic slot's synonyms for it."""
        return tuple(said for said in self.expand(section.synonyms) if said != section.topic)

    def phrasings(self, section: Section) -> Phrases:
        """Every way of asking for a section in a sentence: its own intent's samples."""
        return self.expand(section.phrasings)

    def slot_values(self, slot: str) -> Phrases:
        """Every value of one of phrasings.yaml's slots ("my mom", "my husband", ...)."""
        return self.expand(self.grammar.slots[slot])

    def slot_answers(self, slot: str) -> Phrases:
        """Every way of answering when asked for one slot alone ("at {time}")."""
        return self.expand(self.grammar.slot_answers.get(slot, ()))

    def request(self, name: str) -> Phrases:
        """Every way of making one of the skill's requests (or an AMAZON.* built-in)."""
        return self.expand(self.grammar.intents.get(name, ()))

    def crisis_family(self, family: str) -> Phrases:
        """Every phrasing of one kind of danger."""
        return self.expand(self.grammar.crisis[family])

    def crisis(self) -> Phrases:
        """Every crisis phrasing, family by family, each once."""
        said = (heard for family in CRISIS_FAMILIES for heard in self.crisis_family(family))
        return tuple(dict.fromkeys(said))

    def signals(self) -> Phrases:
        """The danger words, expanded: the topic slot's crisis value and the runtime's net."""
        return self.expand(self.crisis_words.signals)

    def harmless(self) -> Phrases:
        """Everyday phrases that hold a danger word, expanded."""
        return self.expand(self.crisis_words.harmless)
