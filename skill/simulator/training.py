"""What the simulator's statistical understanding learns from: an interaction model's samples
with their slots filled, as Alexa trains on them (pure).

Every sample of every intent, and Amazon's own phrasings of the built-in intents, becomes
examples: its words with each slot filled by one of the slot type's values (a few fillings
per sample, sampled with a fixed seed so the same model always teaches the same thing), the
intent, and a tag per word saying which slot, if any, it fills (B-/I- before the slot's name,
O for none). Alexa fills a custom slot with words its list does not hold as well (a custom slot
type's values are representative, not an enumeration), so for tagging some fillings are words
taken from elsewhere in the model; for the intent they are listed values only, which is what
the model says the intent sounds like.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass

from skill.simulator.language_model import Intent, InteractionModel, normalize
from skill.simulator.phrasings import BUILT_IN_SAMPLES

SLOT = re.compile(r"\{(\w+)\}")
OUTSIDE = "O"
# How Alexa's built-in slot types are said, for filling them while training, in kinds of
# saying taken in turn (so no one kind stands for all): for AMAZON.TIME, hours in words and
# digits with and without minutes and each way of naming the half of the day, the 24-hour
# clock, and names for times.
_HOURS = ("one", "two", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "7", "8", "9")
_MINUTES = ("", "oclock", "fifteen", "thirty", "forty five", "05", "30", "45")
_PERIODS = ("", "am", "pm", "in the morning", "in the evening", "at night", "tonight")
BUILT_IN_VALUES: dict[str, tuple[tuple[str, ...], ...]] = {
    "AMAZON.TIME": (
        tuple(" ".join(f"{hour} {minute} {period}".split())
              for hour in _HOURS for minute in _MINUTES for period in _PERIODS),
        tuple(f"{hour} {minute:02d}" for hour in range(5, 24) for minute in (0, 15, 30, 45)),
        ("noon", "midnight", "midday", "half past seven", "quarter to nine", "quarter past six",
         "in the evening", "in the morning", "tonight", "this evening", "8pm", "7am"),
    ),
    "AMAZON.NUMBER": (("one", "two", "three", "four", "five", "seven", "ten", "twelve", "3"),),
}
# Fillings per sample with slots: at least three, and enough for a small model's few samples
# with slots to make a few thousand examples between them.
FILLINGS = 3
FILLED_EXAMPLES = 2_000
MOST_FILLINGS = 25
# Of a custom slot's fillings for tagging, the share that are words its list does not hold,
# and how many such words: a slot that ends a sample takes whatever else was said.
UNLISTED_SHARE = 0.4
# A free-form tail (a type that only ever ends a sample) holds unlisted words most of the time.
TRAILING_UNLISTED_SHARE = 0.8
UNLISTED_WORDS = 4
TRAILING_UNLISTED_WORDS = 12
_SEED = 1


@dataclass(frozen=True)
class Example:
    """One filled sample: its words, the intent, and each word's slot tag."""

    words: tuple[str, ...]
    intent: str
    tags: tuple[str, ...]


def intent_examples(model: InteractionModel) -> tuple[Example, ...]:
    """What the intent classifier learns from: every sample, and Amazon's built-in phrasings,
    its slots filled with listed values a few times each: what the model says each intent
    sounds like."""
    return tuple(_examples(model, _Filling(random.Random(_SEED), model, unlisted_share=0.0)))


def slot_examples(model: InteractionModel) -> tuple[Example, ...]:
    """What the slot tagger learns from: every sample filled, some slots with words their list
    does not hold, and every answer to the skill's question for one slot alone."""
    filling = _Filling(random.Random(_SEED), model, unlisted_share=UNLISTED_SHARE)
    found = list(_examples(model, filling))
    for intent in model.intents:
        kinds = dict(intent.slots)
        for slot, answers in intent.slot_samples:
            answering = Intent(slot_answer_intent(intent.name, slot), intent.slots)
            for answer in answers if kinds.get(slot) else ():
                found.extend(filling.examples(answering, answer))
    return tuple(found)


def _examples(model: InteractionModel, filling: _Filling) -> Iterator[Example]:
    for intent, sample in _samples(model):
        yield from filling.examples(intent, sample)


def trailing_types(model: InteractionModel) -> frozenset[str]:
    """Custom slot types that only ever end a sample: free-form tails, whose listed values
    are examples of what might follow, not what to look for."""
    placed: dict[str, set[bool]] = {}
    for intent, sample in _samples(model):
        kinds = dict(intent.slots)
        parts = SLOT.split(sample)
        for index in range(1, len(parts), 2):
            last = index == len(parts) - 2 and not parts[-1].strip()
            placed.setdefault(kinds.get(parts[index], ""), set()).add(last)
    return frozenset(kind for kind, ends in placed.items() if ends == {True} and kind)


def slot_answer_intent(intent: str, slot: str) -> str:
    """The name under which an answer to the skill's question for one slot is learned."""
    return f"{intent}/{slot}"


def _samples(model: InteractionModel) -> Iterator[tuple[Intent, str]]:
    for intent in model.intents:
        yield from ((intent, sample) for sample in intent.samples)
        yield from ((intent, sample) for sample in BUILT_IN_SAMPLES.get(intent.name, ()))


class _Filling:
    """Fills samples' slots for one model, from one seeded random source."""

    def __init__(self, rng: random.Random, model: InteractionModel, unlisted_share: float):
        self.rng = rng
        self.unlisted_share = unlisted_share
        self.spoken = {
            name: tuple(dict.fromkeys(text for value in values for text in value.spoken if text))
            for name, values in model.types
        }
        self.unlisted = _vocabulary(model)
        self.trailing = trailing_types(model)
        self.sayings = _sayings(model)
        slotted = sum(1 for _, sample in _samples(model) if SLOT.search(sample)) or 1
        self.fillings = min(MOST_FILLINGS, max(FILLINGS, -(-FILLED_EXAMPLES // slotted)))

    def examples(self, intent: Intent, sample: str) -> Iterator[Example]:
        """The sample as it is, or filled `self.fillings` times when it has slots."""
        parts = SLOT.split(sample)
        if len(parts) == 1:
            words = tuple(normalize(sample).split())
            yield Example(words, intent.name, (OUTSIDE,) * len(words))
            return
        kinds = dict(intent.slots)
        only_slots = not normalize("".join(parts[0::2]))
        for _ in range(self.fillings):
            words: list[str] = []
            tags: list[str] = []
            for index, part in enumerate(parts):
                if index % 2 == 0:
                    said = normalize(part).split()
                    words += said
                    tags += [OUTSIDE] * len(said)
                    continue
                last = index == len(parts) - 2 and not parts[-1].strip()
                filled = self._value(kinds.get(part, ""), only_slots, last)
                words += filled
                tags += [f"B-{part}"] + [f"I-{part}"] * (len(filled) - 1)
            yield Example(tuple(words), intent.name, tuple(tags))

    def _value(self, kind: str, only_slots: bool, last: bool) -> list[str]:
        """Words for one slot of type `kind`: a listed value, or words from elsewhere."""
        if kind in BUILT_IN_VALUES:
            return self.rng.choice(self.rng.choice(BUILT_IN_VALUES[kind])).split()
        values = self.spoken.get(kind, ())
        unlisted = self.unlisted_share
        if unlisted and kind in self.trailing:
            unlisted = TRAILING_UNLISTED_SHARE
        if values and (only_slots or self.rng.random() >= unlisted):
            return self.rng.choice(values).split()
        if values and kind in self.trailing:
            # A tail goes on the way the listed ones do ("and ...", "but ...", "since ..."),
            # then says anything at all: here, whatever else the model's samples say.
            said = self.rng.choice(self.sayings)[: TRAILING_UNLISTED_WORDS]
            return [self.rng.choice(values).split()[0], *said]
        most = TRAILING_UNLISTED_WORDS if last else UNLISTED_WORDS
        return [self.rng.choice(self.unlisted) for _ in range(self.rng.randint(1, most))]


def _sayings(model: InteractionModel) -> tuple[tuple[str, ...], ...]:
    """Every sample of the model as words, its slots left out, in a fixed order."""
    said = (
        tuple(normalize(SLOT.sub(" ", sample)).split())
        for intent in model.intents
        for sample in intent.samples
    )
    return tuple(words for words in dict.fromkeys(said) if words)


def _vocabulary(model: InteractionModel) -> tuple[str, ...]:
    """Every word the model's samples say, in a fixed order."""
    said = (
        word
        for intent in model.intents
        for sample in intent.samples
        for word in normalize(SLOT.sub(" ", sample)).split()
    )
    return tuple(sorted(set(said)))
