"""What Alexa would hear: an utterance resolved against an interaction model (pure).

The model is the standard ASK JSON (`interactionModel.languageModel`). Resolution goes from
strict to forgiving, as speech recognition plus Alexa's language understanding would:
an exact sample, the same without filler words, a slot filled with words the model does not
list (Alexa still fills it, with `ER_SUCCESS_NO_MATCH`), then the closest sample around a
slot value spotted anywhere in the utterance. Closeness is the better of two likenesses: the
words in order (difflib), and the words shared, each weighted by how rare it is among the
samples, so "suicide" says more than "christmas". Nothing close enough, by the model's fallback
sensitivity, is `AMAZON.FallbackIntent`.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from functools import cached_property, lru_cache

from skill.simulator.built_in_slots import slot_value
from skill.simulator.language_model import (
    FilledSlot,
    Intent,
    InteractionModel,
    ResolvedIntent,
    normalize,
)
from skill.simulator.phrasings import (
    BUILT_IN_SAMPLES,
    CONNECTING_WORDS,
    FILLER_PREFIXES,
    FILLER_WORDS,
    INVOCATION_PREFIXES,
    INVOCATION_SUFFIXES,
)

FALLBACK_INTENT = "AMAZON.FallbackIntent"
# What Alexa sends a skill for words that match none of its samples.
_FALLBACK = ResolvedIntent(name=FALLBACK_INTENT)
_SLOT = re.compile(r"\{(\w+)\}")
# Words a slot catches when the model does not list them: Alexa fills such a slot anyway.
_ANY_WORDS = r"[\w']+(?: [\w']+){0,4}"
# Closest-sample thresholds (difflib ratio over words): a spotted slot value carries weight.
# Without one, the model's fallbackIntentSensitivity decides: the lower it is, the less alike
# an utterance need be to reach a sample rather than AMAZON.FallbackIntent, as on Alexa.
_CLOSE_WITH_SLOT = 0.3
_CLOSE_WITHOUT_SLOT = {"LOW": 0.55, "MEDIUM": 0.65, "HIGH": 0.75}
_CONTAINED_MIN_WORDS = 3
# The weight of a word no sample says, the least a word can weigh: it tells nothing about
# which sample is meant, and only makes an utterance a little less like every one.
_UNSAID_WEIGHT = math.log(2.0)


@dataclass(frozen=True)
class Utterance:
    """What one utterance asks for: whether it named the skill, and the intent.

    The intent is None for the skill's name alone ("open no contact companion"): a launch.
    """

    invoked: bool
    intent: ResolvedIntent | None


def resolve_utterance(model: InteractionModel, text: str) -> Utterance:
    """Resolve what someone said, with or without the skill's name, to an intent."""
    heard = normalize(text).replace("{", "").replace("}", "")
    if heard.startswith("alexa "):
        heard = heard[len("alexa ") :]
    for pattern in _invocation_patterns(normalize(model.invocation_name)):
        match = pattern.fullmatch(_stripped(heard))
        if match:
            rest = (match.group("rest") or "").strip()
            if not rest:
                return Utterance(invoked=True, intent=None)
            # "Ask <skill> to <words it does not know>" still reaches the skill, as a fallback.
            return Utterance(invoked=True, intent=_request(model, rest) or _FALLBACK)
    return Utterance(invoked=False, intent=_request(model, heard) or _FALLBACK)


def resolve_slot_answer(
    model: InteractionModel, intent_name: str, slot: str, text: str
) -> ResolvedIntent | None:
    """The intent again, with `slot` filled, when the words answer the skill's question for
    it ("at 8 pm" after "what time?"); None when they do not, and the words mean what they
    would mean anywhere ("I need help now" is still the crisis intent)."""
    intent = model.intent(intent_name)
    samples = dict(intent.slot_samples).get(slot, ()) if intent else ()
    if intent is None or not samples:
        return None
    answers = replace(model, intents=(Intent(intent.name, intent.slots, samples),))
    found = _exact(answers, _stripped(normalize(text)) or normalize(text))
    filled = found.slot(slot) if found else None
    return found if filled is not None and filled.heard is not None else None


@lru_cache(maxsize=8)
def _invocation_patterns(invocation: str) -> tuple[re.Pattern[str], ...]:
    name = re.escape(invocation)
    return (
        re.compile(rf"(?:{'|'.join(INVOCATION_PREFIXES)}) {name}(?: (?P<rest>.*))?"),
        re.compile(rf"(?P<rest>.+) (?:{'|'.join(INVOCATION_SUFFIXES)}) {name}"),
        re.compile(rf"{name}(?: (?P<rest>.*))?"),
    )


def _request(model: InteractionModel, heard: str) -> ResolvedIntent | None:
    """The best intent for some words; a connecting word after the skill's name is optional."""
    first, _, rest = heard.partition(" ")
    candidates = [heard, rest] if first in CONNECTING_WORDS and rest else [heard]
    for candidate in candidates:
        exact = _exact(model, candidate)
        if exact is not None:
            return exact
    return _closest(model, candidates[-1])


def _unfilled(heard: str) -> str:
    """The words without hesitations and politeness ("um", "please")."""
    return " ".join(word for word in heard.split() if word not in FILLER_WORDS)


def _stripped(heard: str) -> str:
    """The words without hesitations, politeness and "can you"-style openings."""
    words = _unfilled(heard)
    for prefix in FILLER_PREFIXES:
        if words.startswith(prefix + " "):
            return words[len(prefix) + 1 :]
    return words


def _exact(model: InteractionModel, heard: str) -> ResolvedIntent | None:
    """A sample matched word for word: listed slot values first, then any words in a slot.

    Hesitations are dropped first, and then an opening such as "I want to" too, so "erm, I
    want to die" is the sample "I want to die" and "um, I want to hear about guilt" is "guilt".
    """
    texts = [text for text in dict.fromkeys((heard, _unfilled(heard), _stripped(heard))) if text]
    templates = _templates(model)
    for loose in (False, True):
        for text in texts:
            first = text.split(" ", 1)[0]
            for template in templates:
                if template.first_word not in (None, first):
                    continue
                pattern = template.loose_pattern if loose else template.exact_pattern
                match = pattern.fullmatch(text) if pattern else None
                if match:
                    return template.fill(model, match.groupdict())
    return None


def _closest(model: InteractionModel, heard: str) -> ResolvedIntent | None:
    """The most similar sample, around a listed slot value spotted in the utterance.

    Every sample's shared words are weighed; the likeness in order (difflib, the costly part)
    is computed only when an upper bound on it (the words it shares with the utterance, as many
    times as both say them) could beat the best so far: the same answer as scoring every
    sample, in a fraction of the time.
    """
    words = _stripped(heard).split()
    if not words:
        return None
    unstripped = _unfilled(heard).split()
    weights = _weights(model)
    best: tuple[float, ResolvedIntent] | None = None
    without_slot = _CLOSE_WITHOUT_SLOT[model.fallback_sensitivity]
    spotted: dict[tuple[tuple[str, re.Pattern[str]], ...], _Spotted] = {}
    for template in _templates(model):
        found = spotted.get(template.spotters)
        if found is None:
            said, groups = template.spot(words)
            whole = template.spot(unstripped)[0] if unstripped != words else said
            found = spotted[template.spotters] = _Spotted(said, groups, weights, whole)
        threshold = _CLOSE_WITH_SLOT if found.groups else without_slot
        floor = threshold if best is None else max(threshold, math.nextafter(best[0], math.inf))
        score = _closeness(found, template, floor)
        if score >= floor:
            best = (score, template.fill(model, found.groups))
    return best[1] if best else None


class _Spotted:
    """An utterance's words with a slot value spotted, counted and weighed once for every
    sample. Likeness is scored without an opening such as "I want to", but a whole sample is
    looked for in `whole`, the words with it, as a sample may say it too ("I want to die")."""

    def __init__(
        self,
        said: list[str],
        groups: dict[str, str],
        weights: Mapping[str, float],
        whole: list[str],
    ) -> None:
        self.said = said
        self.groups = groups
        self.weights = weights
        self.weight = sum(weights.get(word, _UNSAID_WEIGHT) for word in set(said))
        self.text = f" {' '.join(whole)} "
        self.counts = Counter(said)
        self.words = frozenset(said)


def _closeness(spotted: _Spotted, template: _Template, floor: float) -> float:
    """How alike the words and a sample are; a whole sample of a few words inside scores
    above 1. Below `floor` when the sample cannot reach it, without scoring it exactly.

    Someone who says "I feel guilty and I want to hurt myself" has said a whole sample of
    CrisisIntent; the longest sample said in full wins over any partial likeness. Otherwise
    the better of the words' likeness in order and the weight of the words both say.
    """
    sample = template.words
    size = len(sample)
    if size >= _CONTAINED_MIN_WORDS and template.text in spotted.text:
        return 1.0 + size / 100
    common = template.distinct_words & spotted.words
    weights = spotted.weights
    weighed = 2.0 * sum(weights[word] for word in common) / (spotted.weight + template.weight)
    total = len(spotted.said) + size
    if 2.0 * min(len(spotted.said), size) / total < floor:
        return weighed
    shared = (
        len(common) if len(template.distinct_words) == size
        else sum(min(spotted.counts[word], template.counts[word]) for word in common)
    )
    if 2.0 * shared / total < floor:
        return weighed
    return max(weighed, SequenceMatcher(None, spotted.said, sample, autojunk=False).ratio())


@dataclass(frozen=True, eq=False)
class _Template:
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
        literal = any(_SLOT.fullmatch(word) is None for word in self.words)
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
        return None if _SLOT.fullmatch(self.words[0]) else self.words[0]

    def _compiled(self, fill: Callable[[str], str]) -> re.Pattern[str]:
        parts = (
            f"(?P<{slot[1]}>{fill(slot[1])})"
            if (slot := _SLOT.fullmatch(word))
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
def _templates(model: InteractionModel) -> tuple[_Template, ...]:
    """Every sample as a template: the model's own first, then Alexa's built-in phrasings."""
    weights = _weights(model)
    return tuple(_template(model, intent, sample, weights) for intent, sample in _samples(model))


def _samples(model: InteractionModel) -> list[tuple[Intent, str]]:
    declared = [(intent, sample) for intent in model.intents for sample in intent.samples]
    built_in = [
        (intent, sample)
        for intent in model.intents
        for sample in BUILT_IN_SAMPLES.get(intent.name, ())
    ]
    return declared + built_in


@lru_cache(maxsize=8)
def _weights(model: InteractionModel) -> dict[str, float]:
    """Each word's weight: the fewer samples say it, the more (inverse document frequency)."""
    said = [frozenset(normalize(sample).split()) for _, sample in _samples(model)]
    counts = Counter(word for words in said for word in words)
    return {word: math.log(len(said) / count) + _UNSAID_WEIGHT for word, count in counts.items()}


def _template(
    model: InteractionModel, intent: Intent, sample: str, weights: Mapping[str, float]
) -> _Template:
    slot_types = dict(intent.slots)
    listed = {
        name: _alternation(model, slot_types.get(name, "")) for name in _SLOT.findall(sample)
    }
    words = tuple(normalize(sample).split()) or ("",)
    return _Template(
        intent=intent,
        words=words,
        listed=listed,
        spotters=tuple((slot, _spotter(values)) for slot, values in listed.items() if values),
        weight=sum(weights.get(word, _UNSAID_WEIGHT) for word in set(words)),
    )


@lru_cache(maxsize=64)
def _spotter(values: str) -> re.Pattern[str]:
    return re.compile(rf"\b(?:{values})\b")


@lru_cache(maxsize=64)
def _alternation(model: InteractionModel, slot_type: str) -> str:
    """A regex matching any spoken form of a type, longest first so "the guilt" beats "guilt"."""
    spoken = {text for value in model.values(slot_type) or () for text in value.spoken if text}
    return "|".join(re.escape(text) for text in sorted(spoken, key=lambda t: (-len(t), t)))
