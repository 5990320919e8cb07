"""Alexa's limits on a custom interaction model, and which of them a model breaks (pure).

Amazon's "Interaction model limits" (Create the Interaction Model for Your Skill): a model of
at most 1.5 MB, at most 250 intents and 350 intents and slot types together, slot values and
synonyms of at most 140 characters, and (in the older reference) 50,000 custom slot values
across all slot types. Amazon gives no count of samples per intent that binds before the
model's size; this project holds each intent to 10,000 samples, about a third of the 1.5 MB,
so one intent cannot crowd the others out (the crisis intent, the largest, is close to it).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

MODEL_BYTES = 1_500_000
INTENTS = 250
INTENTS_AND_SLOT_TYPES = 350
SLOT_VALUE_CHARACTERS = 140
SLOT_VALUES = 50_000
SAMPLES_PER_INTENT = 10_000


def problems(model: Mapping[str, Any], size: int) -> list[str]:
    """Every limit a languageModel breaks; `size` is its file's length in bytes."""
    found = []
    if size > MODEL_BYTES:
        found.append(f"the model is {size:,} bytes; Alexa takes at most {MODEL_BYTES:,}")
    intents = model["intents"]
    types = model.get("types", ())
    if len(intents) > INTENTS:
        found.append(f"{len(intents)} intents; Alexa takes at most {INTENTS}")
    if len(intents) + len(types) > INTENTS_AND_SLOT_TYPES:
        found.append(
            f"{len(intents) + len(types)} intents and slot types; "
            f"Alexa takes at most {INTENTS_AND_SLOT_TYPES}"
        )
    found += [
        f"{intent['name']}: {len(intent['samples']):,} samples; keep to {SAMPLES_PER_INTENT:,}"
        for intent in intents
        if len(intent["samples"]) > SAMPLES_PER_INTENT
    ]
    values = sum(len(kind["values"]) for kind in types)
    if values > SLOT_VALUES:
        found.append(f"{values:,} slot values; Alexa takes at most {SLOT_VALUES:,}")
    found += [
        f"slot type {kind}: {said!r} is longer than {SLOT_VALUE_CHARACTERS} characters"
        for kind, said in _spoken_values(types)
        if len(said) > SLOT_VALUE_CHARACTERS
    ]
    return found


def counts(model: Mapping[str, Any]) -> list[tuple[str, int]]:
    """Each intent's name and number of samples, in the model's order."""
    return [(intent["name"], len(intent["samples"])) for intent in model["intents"]]


def _spoken_values(types: Any) -> Iterator[tuple[str, str]]:
    for kind in types:
        for value in kind["values"]:
            for said in (value["name"]["value"], *value["name"].get("synonyms", ())):
                yield kind["name"], said
