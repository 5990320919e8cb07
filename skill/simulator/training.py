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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from skill.simulator.language_model import Intent, InteractionModel, normalize
from skill.simulator.phrasings import BUILT_IN_SAMPLES

SLOT = re.compile(r"\{(\w+)\}")
OUTSIDE = "O"
# How Alexa's built-in slot types are said, for filling them while training.
BUILT_IN_VALUES = {
    "AMAZON.TIME": (
        "8 pm", "eight pm", "9 am", "7 30 pm", "seven thirty", "eight in the evening",
        "nine in the morning", "half past seven", "quarter to nine", "noon", "midnight",
        "10 oclock", "ten at night", "6 15", "in the evening", "tonight", "six am", "20 00",
    ),
    "AMAZON.NUMBER": ("one", "two", "three", "four", "five", "seven", "ten", "twelve", "3"),
}
# Fillings per sample with slots: at least two, and enough for a small model's few samples
# with slots to make a few thousand examples between them.
FILLINGS = 2
FILLED_EXAMPLES = 2_000
MOST_FILLINGS = 25
# Of a custom slot's fillings for tagging, the share that are words its list does not hold,
# and how many such words: a slot that ends a sample takes whatever else was said.
UNLISTED_SHARE = 0.4
UNLISTED_WORDS = 4
TRAILING_UNLISTED_WORDS = 12
_SEED = 1


@dataclass(frozen=True)
class Example:
    """One filled sample: its words, the intent, and each word's slot tag."""

    words: tuple[str, ...]
    intent: str
    tags: tuple[str, ...]
    # Whether every slot holds a listed value (what the intent classifier learns from).
    listed: bool


def examples(model: InteractionModel) -> tuple[Example, ...]:
    """Every sample of the model, and Amazon's built-in phrasings, filled a few times each."""
    rng = random.Random(_SEED)
    spoken = {
        name: tuple(dict.fromkeys(text for value in values for text in value.spoken if text))
        for name, values in model.types
    }
    unlisted = _vocabulary(model)
    samples = list(_samples(model))
    slotted = sum(1 for _, sample in samples if SLOT.search(sample)) or 1
    fillings = min(MOST_FILLINGS, max(FILLINGS, -(-FILLED_EXAMPLES // slotted)))
    found: list[Example] = []
    for intent, sample in samples:
        found.extend(_fillings(intent, sample, spoken, unlisted, rng, fillings))
    for intent in model.intents:
        for slot, answers in intent.slot_samples:
            kinds = dict(intent.slots)
            for answer in answers:
                answering = Intent(slot_answer_intent(intent.name, slot), intent.slots)
                found.extend(
                    _fillings(answering, answer, spoken, unlisted, rng, fillings)
                    if kinds.get(slot) else ()
                )
    return tuple(found)


def slot_answer_intent(intent: str, slot: str) -> str:
    """The name under which an answer to the skill's question for one slot is learned."""
    return f"{intent}/{slot}"


def _samples(model: InteractionModel) -> Iterator[tuple[Intent, str]]:
    for intent in model.intents:
        yield from ((intent, sample) for sample in intent.samples)
        yield from ((intent, sample) for sample in BUILT_IN_SAMPLES.get(intent.name, ()))


def _fillings(
    intent: Intent,
    sample: str,
    spoken: dict[str, tuple[str, ...]],
    unlisted: Sequence[str],
    rng: random.Random,
    fillings: int,
) -> Iterator[Example]:
    parts = SLOT.split(sample)
    if len(parts) == 1:
        words = tuple(normalize(sample).split())
        yield Example(words, intent.name, (OUTSIDE,) * len(words), listed=True)
        return
    kinds = dict(intent.slots)
    only_slots = not normalize("".join(parts[0::2]))
    for _ in range(fillings):
        words: list[str] = []
        tags: list[str] = []
        listed = True
        for index, part in enumerate(parts):
            if index % 2 == 0:
                said = normalize(part).split()
                words += said
                tags += [OUTSIDE] * len(said)
                continue
            kind = kinds.get(part, "")
            values = spoken.get(kind, ())
            last = index == len(parts) - 2 and not parts[-1].strip()
            if kind in BUILT_IN_VALUES:
                filled = rng.choice(BUILT_IN_VALUES[kind]).split()
            elif values and (only_slots or rng.random() >= UNLISTED_SHARE):
                filled = rng.choice(values).split()
            else:
                most = TRAILING_UNLISTED_WORDS if last else UNLISTED_WORDS
                filled = [rng.choice(unlisted) for _ in range(rng.randint(1, most))]
                listed = False
            words += filled
            tags += [f"B-{part}"] + [f"I-{part}"] * (len(filled) - 1)
        yield Example(tuple(words), intent.name, tuple(tags), listed)


def _vocabulary(model: InteractionModel) -> tuple[str, ...]:
    """Every word the model's samples say, in a fixed order."""
    said = (
        word
        for intent in model.intents
        for sample in intent.samples
        for word in normalize(SLOT.sub(" ", sample)).split()
    )
    return tuple(sorted(set(said)))
