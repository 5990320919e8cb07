"""Alexa's limits on a custom interaction model, this project's tighter bounds, and which of
them a model breaks (pure).

Amazon's "Interaction model limits" (Create the Interaction Model for Your Skill): a model of
at most 1.5 MB, at most 250 intents and 350 intents and slot types together, slot values and
synonyms of at most 140 characters, and (in the older reference) 50,000 custom slot values
across all slot types. Amazon gives no count of samples per intent that binds before the
model's size.

This project holds every locale to 1.2 MB, a fifth under Alexa's limit, so the next phrasing
people need can always be added, and gives each intent a budget of samples. A statistical
model learns what an intent sounds like from varied samples, not from thousands of
near-duplicates: the grammar's combinations past a line's share add size, not understanding
(`skill/exports/selection.py` keeps the most varied ones). The budgets below were chosen by
measuring what each trim cost on the labelled sets (`bench/understanding.py`); the README says
what was measured.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from skill.runtime import intents

MODEL_BYTES = 1_500_000
INTENTS = 250
INTENTS_AND_SLOT_TYPES = 350
SLOT_VALUE_CHARACTERS = 140
SLOT_VALUES = 50_000
# The project's bound on every locale's model file: room left under Alexa's 1.5 MB to grow.
LOCALE_BYTES = 1_200_000

# Danger is said in the widest variety of ways (ten families, each in many words), and
# missing it costs most, so the crisis intent has the largest budget.
CRISIS_SAMPLES = 6_000
# Everyday talk that is not a request of the skill, taught as out of domain: enough to keep
# idioms built on danger words ("this traffic is killing me") and denials ("I'm not going to
# hurt myself") away from the crisis intent, not so many that a hesitant request for a topic
# falls out of domain. Measured on the dev split against 2,000 and 2,500: fewer false alarms,
# crisis and topics unchanged; a smaller crisis budget (4,500 or 5,000) cut false alarms more
# but cost the stand-in crisis answers, so the crisis budget stays.
FALLBACK_SAMPLES = 3_000
# One section's own way of being asked for, in people's own words.
SECTION_SAMPLES = 1_000
# A request named in few words ("give me a reflection question", "play the whole guide").
REQUEST_SAMPLES = 300
# Of a section's budget, the share of samples that end with the trailing free-form slot, so
# Alexa hands the skill the rest of a long sentence to screen for danger.
TRAILING_SHARE = 0.3

_BUDGETS = {intents.CRISIS: CRISIS_SAMPLES, intents.FALLBACK: FALLBACK_SAMPLES}


def sample_budget(intent: str) -> int:
    """The most samples an intent may have, by the bounds above."""
    if intent in _BUDGETS:
        return _BUDGETS[intent]
    return SECTION_SAMPLES if intent.endswith("SectionIntent") else REQUEST_SAMPLES


def problems(model: Mapping[str, Any], size: int) -> list[str]:
    """Every limit a languageModel breaks; `size` is its file's length in bytes."""
    found = []
    if size > MODEL_BYTES:
        found.append(f"the model is {size:,} bytes; Alexa takes at most {MODEL_BYTES:,}")
    elif size > LOCALE_BYTES:
        found.append(
            f"the model is {size:,} bytes; keep it to {LOCALE_BYTES:,} so there is room to grow"
        )
    model_intents = model["intents"]
    types = model.get("types", ())
    if len(model_intents) > INTENTS:
        found.append(f"{len(model_intents)} intents; Alexa takes at most {INTENTS}")
    if len(model_intents) + len(types) > INTENTS_AND_SLOT_TYPES:
        found.append(
            f"{len(model_intents) + len(types)} intents and slot types; "
            f"Alexa takes at most {INTENTS_AND_SLOT_TYPES}"
        )
    found += [
        f"{intent['name']}: {len(intent['samples']):,} samples; its budget is "
        f"{sample_budget(intent['name']):,}"
        for intent in model_intents
        if len(intent["samples"]) > sample_budget(intent["name"])
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
