"""An interaction model as the simulator reads it, and the intents Alexa fills from it (pure).

Read from the standard ASK JSON (`interactionModel.languageModel`): intents with their slots
and samples, and custom slot types with value ids and synonyms.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


def normalize(text: str) -> str:
    """Lower case, no punctuation or apostrophes, single spaces: words as recognised."""
    words = re.sub(r"[^\w{} ]+", " ", text.lower().replace("’", "").replace("'", ""))
    return " ".join(words.split())


@dataclass(frozen=True)
class SlotValue:
    """One value of a custom slot type: its id (what the skill routes on) and spoken forms."""

    id: str | None
    name: str
    synonyms: tuple[str, ...] = ()

    @property
    def spoken(self) -> tuple[str, ...]:
        """The name and every synonym, normalised."""
        return tuple(normalize(text) for text in (self.name, *self.synonyms))


@dataclass(frozen=True)
class Intent:
    """An intent with its slots (name, type) and sample utterances."""

    name: str
    slots: tuple[tuple[str, str], ...] = ()
    samples: tuple[str, ...] = ()
    # How people answer when asked for one slot alone, by slot ("at {time}").
    slot_samples: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class InteractionModel:
    """The parts of an ASK language model that decide what an utterance means."""

    invocation_name: str
    intents: tuple[Intent, ...]
    types: tuple[tuple[str, tuple[SlotValue, ...]], ...] = ()
    # How readily Alexa answers AMAZON.FallbackIntent: LOW (Alexa's default), MEDIUM or HIGH.
    fallback_sensitivity: str = "LOW"

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> InteractionModel:
        """Read a model file's JSON (or just its `languageModel` object)."""
        language = data.get("interactionModel", {}).get("languageModel", data)
        intents = tuple(
            Intent(
                name=intent["name"],
                slots=tuple((slot["name"], slot["type"]) for slot in intent.get("slots", ())),
                samples=tuple(intent.get("samples", ())),
                slot_samples=tuple(
                    (slot["name"], tuple(slot["samples"]))
                    for slot in intent.get("slots", ()) if slot.get("samples")
                ),
            )
            for intent in language["intents"]
        )
        types = tuple(
            (kind["name"], tuple(_slot_value(value) for value in kind.get("values", ())))
            for kind in language.get("types", ())
        )
        sensitivity = (
            language.get("modelConfiguration", {})
            .get("fallbackIntentSensitivity", {})
            .get("level", "LOW")
        )
        return cls(
            invocation_name=language["invocationName"],
            intents=intents,
            types=types,
            fallback_sensitivity=sensitivity,
        )

    def values(self, slot_type: str) -> tuple[SlotValue, ...] | None:
        """The values of a custom slot type; None for a built-in type such as AMAZON.NUMBER."""
        return dict(self.types).get(slot_type)

    def intent(self, name: str) -> Intent | None:
        """The intent with this name, if the model has it."""
        return next((intent for intent in self.intents if intent.name == name), None)


def _slot_value(value: Mapping[str, Any]) -> SlotValue:
    name = value["name"]
    return SlotValue(
        id=value.get("id"), name=name["value"], synonyms=tuple(name.get("synonyms", ()))
    )


@dataclass(frozen=True)
class FilledSlot:
    """A slot as Alexa fills it: the words heard and, for a custom type, the matched value."""

    name: str
    type: str
    heard: str | None = None
    value: SlotValue | None = None

    @property
    def custom(self) -> bool:
        """Custom types get entity resolution; built-in types do not."""
        return not self.type.startswith("AMAZON.")


@dataclass(frozen=True)
class ResolvedIntent:
    """The intent Alexa would send and every slot it declares, filled or empty."""

    name: str
    slots: tuple[FilledSlot, ...] = ()

    def slot(self, name: str) -> FilledSlot | None:
        """The slot with this name, if the intent declares it."""
        return next((slot for slot in self.slots if slot.name == name), None)
