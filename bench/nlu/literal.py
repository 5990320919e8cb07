"""Literal matching of an interaction model's samples, as Bespoken's virtual-alexa matches.

Each sample becomes an anchored, case-insensitive pattern with every slot a capture; the text
around a slot is trimmed, as virtual-alexa does. Punctuation is deleted from the utterance. A
custom slot's words must equal one of its values or synonyms: this matcher, like virtual-alexa,
treats custom slot types as closed lists, which real Alexa does not. The sample with the most
literal characters wins, then the one with more typed slots, then the first. Nothing matching
is None (virtual-alexa raises; Alexa would send AMAZON.FallbackIntent).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_DELETED = re.compile(r"[!\"¿?|#$%/()=+\-_<>*{}·¡\[\].,;:]")
_SLOT = re.compile(r"\{([^{}]+)\}")
_NUMBER_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty"
).split()
# The phrases virtual-alexa adds to each AMAZON.* intent a model declares.
BUILT_IN_PHRASES: Mapping[str, tuple[str, ...]] = {
    "AMAZON.CancelIntent": ("cancel", "never mind"),
    "AMAZON.HelpIntent": ("help", "help me"),
    "AMAZON.StopIntent": ("stop", "off", "shut up"),
    "AMAZON.YesIntent": ("yes", "yes please", "sure"),
    "AMAZON.NoIntent": ("no", "no thanks"),
    "AMAZON.NextIntent": ("next", "skip", "skip forward"),
    "AMAZON.PreviousIntent": ("go back", "previous", "skip back", "back up"),
    "AMAZON.RepeatIntent": ("repeat", "say that again", "repeat that"),
    "AMAZON.ResumeIntent": ("resume", "continue", "keep going"),
    "AMAZON.PauseIntent": ("pause", "pause that"),
    "AMAZON.StartOverIntent": ("start over", "restart", "start again"),
    "AMAZON.ShuffleOnIntent": ("shuffle", "shuffle on", "shuffle the music", "shuffle mode"),
    "AMAZON.ShuffleOffIntent": ("shuffle off", "stop shuffling", "turn off shuffle"),
    "AMAZON.LoopOnIntent": ("loop", "loop on", "keep repeating this song"),
    "AMAZON.LoopOffIntent": ("loop off",),
    "AMAZON.NavigateHomeIntent": ("home", "go home"),
}


@dataclass(frozen=True)
class LiteralMatch:
    """The intent a sample matched, and each slot's words with its value id (custom types)."""

    intent: str
    slots: Mapping[str, tuple[str, str | None]]


@dataclass(frozen=True)
class _Sample:
    intent: str
    pattern: re.Pattern[str]
    slots: tuple[str, ...]
    types: tuple[str, ...]
    # The sample's first word, lower-cased; empty when it starts with a slot.
    first_word: str


class LiteralMatcher:
    """Matches utterances against one languageModel's samples."""

    def __init__(self, model: Mapping[str, Any]) -> None:
        language = model.get("interactionModel", {}).get("languageModel", model)
        self.values: dict[str, dict[str, str]] = {
            kind["name"].lower(): {
                said.lower(): value.get("id") or value["name"]["value"]
                for value in kind["values"]
                for said in (value["name"]["value"], *value["name"].get("synonyms", ()))
            }
            for kind in language.get("types", ())
        }
        samples = [
            _compile(intent, sample)
            for intent in language["intents"]
            for sample in (*intent.get("samples", ()), *BUILT_IN_PHRASES.get(intent["name"], ()))
        ]
        # Only samples that start with the utterance's first word, or with a slot, can match.
        self.by_first_word: dict[str, list[tuple[int, _Sample]]] = {}
        for order, sample in enumerate(samples):
            self.by_first_word.setdefault(sample.first_word, []).append((order, sample))

    def match(self, utterance: str) -> LiteralMatch | None:
        """The best-matching sample's intent and slots, or None."""
        heard = _DELETED.sub("", utterance).strip()
        best: tuple[int, int, int] | None = None
        found: LiteralMatch | None = None
        first = heard.split(" ", 1)[0].lower()
        candidates = sorted(
            (*self.by_first_word.get(first, ()), *self.by_first_word.get("", ())),
            key=lambda entry: entry[0],
        )
        for order, sample in candidates:
            match = sample.pattern.fullmatch(heard)
            if match is None:
                continue
            slots = self._slots(sample, match)
            if slots is None:
                continue
            literal = len(match[0]) - sum(len(c) for c in match.groups())
            typed = sum(1 for kind in sample.types if kind.lower() in self.values)
            score = (literal, typed, -order)
            if best is None or score > best:
                best, found = score, LiteralMatch(sample.intent, slots)
        return found

    def _slots(
        self, sample: _Sample, match: re.Match[str]
    ) -> dict[str, tuple[str, str | None]] | None:
        slots: dict[str, tuple[str, str | None]] = {}
        for name, kind, captured in zip(sample.slots, sample.types, match.groups(), strict=False):
            if captured != match[0] and captured.strip() and not (
                captured.startswith(" ") or captured.endswith(" ")
            ):
                return None
            value = self._value(kind, captured.strip())
            if value is False:
                return None
            slots[name] = (captured.strip(), value if isinstance(value, str) else None)
        return slots

    def _value(self, kind: str, words: str) -> str | bool:
        """The value id for a custom type, True for a free built-in, False for no match."""
        values = self.values.get(kind.lower())
        if values is not None:
            return values.get(words.lower(), False)
        if kind == "AMAZON.NUMBER":
            return words.isdigit() or words == "" or words.lower() in _NUMBER_WORDS
        return True


def _compile(intent: Mapping[str, Any], sample: str) -> _Sample:
    types = {slot["name"]: slot["type"] for slot in intent.get("slots", ())}
    names = _SLOT.findall(sample)
    pieces = _SLOT.split(sample)
    texts = [piece.strip() for piece in pieces[0::2]]
    pattern = "(.*)".join(texts)
    return _Sample(
        intent=intent["name"],
        pattern=re.compile(pattern, re.IGNORECASE),
        slots=tuple(names),
        types=tuple(types.get(name, "") for name in names),
        first_word=texts[0].split(" ", 1)[0].lower() if texts[0] else "",
    )
