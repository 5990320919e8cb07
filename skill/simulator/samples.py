"""The samples of an interaction model compiled for matching, and how much each word says (pure).

Each sample becomes a template: its words, a pattern that takes only the slot values the model
lists and one that takes any few words in a slot (Alexa fills a slot with words it does not
list too), and a spotter for each listed slot's values. A word weighs more the fewer samples
say it (inverse document frequency), so "suicide" says more than "christmas".
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache

from skill.simulator.built_in_slots import slot_value
from skill.simulator.language_model import (
    FilledSlot,
    Intent,
    InteractionModel,
    ResolvedIntent,
    normalize,
)
from skill.simulator.phrasings import BUILT_IN_SAMPLES

SLOT = re.compile(r"\{(\w+)\}")
# Words a slot catches when the model does not list them: Alexa fills such a slot anyway.
_ANY_WORDS = r"[\w']+(?: [\w']+){0,4}"
# The weight of a word no sample says, the least a word can weigh: it tells nothing about
# which sample is meant, and only makes an utterance a little less like every one.
UNSAID_WEIGHT = math.log(2.0)


@dataclass(frozen=True, eq=False)
class Template:
    """One sample utterance compiled for matching: exactly, loosely and by spotting a value.

    Patterns are compiled when first tried: a large model has thousands of samples, and an
    utterance is tried only against those that could start the way it does.
    """

    intent: Intent
    words: tuple[str, ...]
    # Each slot's alternation of listed values (empty for a built-in slot type).
    listed: Mapping[str, str]
    spotters: tuple[tuple[str, re.Pattern[str]], ...]
    # The sum of its distinct words' weights.
    weight: float

    @cached_property
    def exact_pattern(self) -> re.Pattern[str]:
        """Listed slot values only (any words for a built-in slot type)."""
        return self._compiled(lambda slot: self.listed[slot] or _ANY_WORDS)

    @cached_property
    def loose_pattern(self) -> re.Pattern[str] | None:
        """Any few words in each slot, as Alexa fills slots with unlisted words too; None for
        a sample that is nothing but slots, which would swallow every utterance."""
        literal = any(SLOT.fullmatch(word) is None for word in self.words)
        return self._compiled(lambda slot: _ANY_WORDS) if self.listed and literal else None

    @cached_property
    def text(self) -> str:
        """The sample's words, padded with a space either side, to find it said within."""
        return f" {' '.join(self.words)} "

    @cached_property
    def counts(self) -> Counter[str]:
        """How many times the sample says each word."""
        return Counter(self.words)

    @cached_property
    def distinct_words(self) -> frozenset[str]:
        """The words the sample says."""
        return frozenset(self.words)

    @cached_property
    def first_word(self) -> str | None:
        """The sample's first word; None when it starts with a slot."""
        return None if SLOT.fullmatch(self.words[0]) else self.words[0]

    def _compiled(self, fill: Callable[[str], str]) -> re.Pattern[str]:
        parts = (
            f"(?P<{slot[1]}>{fill(slot[1])})"
            if (slot := SLOT.fullmatch(word))
            else re.escape(word)
            for word in self.words
        )
        return re.compile(" ".join(parts))

    def spot(self, words: list[str]) -> tuple[list[str], dict[str, str]]:
        """The words with the first listed slot value found replaced by this sample's slot."""
        text = " ".join(words)
        for slot, spotter in self.spotters:
            found = spotter.search(text)
            if found:
                said = f"{text[: found.start()]}{{{slot}}}{text[found.end() :]}"
                return said.split(), {slot: found[0]}
        return words, {}

    def fill(self, model: InteractionModel, groups: Mapping[str, str | None]) -> ResolvedIntent:
        """The intent with every declared slot, filled from the matched words."""
        slots = tuple(
            _filled(model, name, kind, groups.get(name)) for name, kind in self.intent.slots
        )
        return ResolvedIntent(name=self.intent.name, slots=slots)


def _filled(model: InteractionModel, name: str, kind: str, heard: str | None) -> FilledSlot:
    """A slot with the value its words name: exactly, or else the longest one said within;
    a built-in type's value as Alexa gives it ("8 pm" is "20:00" in AMAZON.TIME)."""
    values = model.values(kind)
    if values is None:
        return FilledSlot(name=name, type=kind, heard=slot_value(kind, heard))
    if heard is None or not values:
        return FilledSlot(name=name, type=kind, heard=heard)
    exact = next((value for value in values if heard in value.spoken), None)
    if exact is not None:
        return FilledSlot(name=name, type=kind, heard=heard, value=exact)
    padded = f" {heard} "
    within = [
        (len(spoken), value)
        for value in values
        for spoken in value.spoken
        if spoken and f" {spoken} " in padded
    ]
    value = max(within, key=lambda found: found[0])[1] if within else None
    return FilledSlot(name=name, type=kind, heard=heard, value=value)


@lru_cache(maxsize=8)
def templates(model: InteractionModel) -> tuple[Template, ...]:
    """Every sample as a template: the model's own first, then Alexa's built-in phrasings."""
    word_weights = weights(model)
    return tuple(
        _template(model, intent, sample, word_weights) for intent, sample in _samples(model)
    )


def _samples(model: InteractionModel) -> list[tuple[Intent, str]]:
    declared = [(intent, sample) for intent in model.intents for sample in intent.samples]
    built_in = [
        (intent, sample)
        for intent in model.intents
        for sample in BUILT_IN_SAMPLES.get(intent.name, ())
    ]
    return declared + built_in


@lru_cache(maxsize=8)
def weights(model: InteractionModel) -> dict[str, float]:
    """Each word's weight: the fewer samples say it, the more (inverse document frequency)."""
    said = [frozenset(normalize(sample).split()) for _, sample in _samples(model)]
    counts = Counter(word for words in said for word in words)
    return {word: math.log(len(said) / count) + UNSAID_WEIGHT for word, count in counts.items()}


def _template(
    model: InteractionModel, intent: Intent, sample: str, word_weights: Mapping[str, float]
) -> Template:
    slot_types = dict(intent.slots)
    listed = {
        name: _alternation(model, slot_types.get(name, "")) for name in SLOT.findall(sample)
    }
    words = tuple(normalize(sample).split()) or ("",)
    return Template(
        intent=intent,
        words=words,
        listed=listed,
        spotters=tuple((slot, _spotter(values)) for slot, values in listed.items() if values),
        weight=sum(word_weights.get(word, UNSAID_WEIGHT) for word in set(words)),
    )


@lru_cache(maxsize=64)
def _spotter(values: str) -> re.Pattern[str]:
    return re.compile(rf"\b(?:{values})\b")


@lru_cache(maxsize=64)
def _alternation(model: InteractionModel, slot_type: str) -> str:
    """A regex matching any spoken form of a type, longest first so "the guilt" beats "guilt"."""
    spoken = {text for value in model.values(slot_type) or () for text in value.spoken if text}
    return "|".join(re.escape(text) for text in sorted(spoken, key=lambda t: (-len(t), t)))
