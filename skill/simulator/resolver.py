"""What Alexa would hear: an utterance resolved against an interaction model (pure).

The model is the standard ASK JSON (`interactionModel.languageModel`). Resolution goes from
strict to forgiving, as speech recognition plus Alexa's language understanding would:
an exact sample, the same without filler words, a slot filled with words the model does not
list (Alexa still fills it, with `ER_SUCCESS_NO_MATCH`), then the closest sample around a
slot value spotted anywhere in the utterance. Closeness is the better of two likenesses: the
words in order (difflib), and the words shared, each weighted by how rare it is among the
samples, so "suicide" says more than "christmas". Nothing close enough, by the model's fallback
sensitivity, is `AMAZON.FallbackIntent`.

Safety first, as the skill's handlers are ordered: unless a sample was said exactly, the crisis
intent wins whenever its few closest samples, taken together, are more like what was said than
any other intent's, and close enough to be heard. One sample of a topic can be nearer on its
own (a long account of cutting that starts with a row at Christmas), but the danger is what
many crisis samples share.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from functools import lru_cache

from skill.runtime.intents import CRISIS
from skill.simulator.language_model import Intent, InteractionModel, ResolvedIntent, normalize
from skill.simulator.phrasings import (
    CONNECTING_WORDS,
    FILLER_PREFIXES,
    FILLER_WORDS,
    INVOCATION_PREFIXES,
    INVOCATION_SUFFIXES,
)
from skill.simulator.samples import UNSAID_WEIGHT, Template, templates, weights

FALLBACK_INTENT = "AMAZON.FallbackIntent"
# What Alexa sends a skill for words that match none of its samples.
_FALLBACK = ResolvedIntent(name=FALLBACK_INTENT)
# Closest-sample thresholds (difflib ratio over words): a spotted slot value carries weight.
# Without one, the model's fallbackIntentSensitivity decides: the lower it is, the less alike
# an utterance need be to reach a sample rather than AMAZON.FallbackIntent, as on Alexa.
_CLOSE_WITH_SLOT = 0.3
_CLOSE_WITHOUT_SLOT = {"LOW": 0.55, "MEDIUM": 0.65, "HIGH": 0.75}
_CONTAINED_MIN_WORDS = 3
# How many of an intent's closest samples make up its evidence: the fewest with which every
# en-GB crisis utterance of the labelled dev set (bench/utterances/) reaches the crisis intent.
_EVIDENCE_SAMPLES = 3


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
    heard = _stripped(normalize(text)) or normalize(text)
    found = _exact(answers, heard, loose=False) or _exact(answers, heard, loose=True)
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
    """The best intent for some words; a connecting word after the skill's name is optional.

    A sample said word for word with the values its slots list is the answer. Anything
    looser (unlisted words in a slot, a near miss, nothing close) gives way to the crisis
    intent when the evidence for it leads.
    """
    first, _, rest = heard.partition(" ")
    candidates = [heard, rest] if first in CONNECTING_WORDS and rest else [heard]
    for candidate in candidates:
        exact = _exact(model, candidate, loose=False)
        if exact is not None:
            return exact
        loose = _exact(model, candidate, loose=True)
        if loose is not None:
            return _survey(model, candidate).safety_first(loose)
    survey = _survey(model, candidates[-1])
    return survey.safety_first(survey.closest)


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


def _exact(model: InteractionModel, heard: str, *, loose: bool) -> ResolvedIntent | None:
    """A sample matched word for word: with listed slot values only, or (`loose`) with any
    few words in a slot.

    Hesitations are dropped first, and then an opening such as "I want to" too, so "erm, I
    want to die" is the sample "I want to die" and "um, I want to hear about guilt" is "guilt".
    """
    texts = [text for text in dict.fromkeys((heard, _unfilled(heard), _stripped(heard))) if text]
    for text in texts:
        first = text.split(" ", 1)[0]
        for template in templates(model):
            if template.first_word not in (None, first):
                continue
            pattern = template.loose_pattern if loose else template.exact_pattern
            match = pattern.fullmatch(text) if pattern else None
            if match:
                return template.fill(model, match.groupdict())
    return None


@dataclass(frozen=True)
class _Survey:
    """What every sample says of an utterance: the closest one's intent, and the crisis intent
    when the evidence for it leads (None otherwise)."""

    closest: ResolvedIntent | None
    danger: ResolvedIntent | None

    def safety_first(self, found: ResolvedIntent | None) -> ResolvedIntent | None:
        """The crisis intent when the evidence for it leads and `found` is another; else
        `found`."""
        if self.danger is None or (found is not None and found.name == CRISIS):
            return found
        return self.danger


def _survey(model: InteractionModel, heard: str) -> _Survey:
    """The most similar sample, around a listed slot value spotted in the utterance, and the
    evidence of each intent's few closest samples.

    Every sample's shared words are weighed; the likeness in order (difflib, the costly part)
    is computed only when an upper bound on it (the words it shares with the utterance, as many
    times as both say them) could beat the best so far: the same answer as scoring every
    sample, in a fraction of the time.
    """
    words = _stripped(heard).split()
    if not words:
        return _Survey(closest=None, danger=None)
    unstripped = _unfilled(heard).split()
    word_weights = weights(model)
    best: tuple[float, ResolvedIntent] | None = None
    without_slot = _CLOSE_WITHOUT_SLOT[model.fallback_sensitivity]
    evidence = _Evidence()
    spotted: dict[tuple[tuple[str, re.Pattern[str]], ...], _Spotted] = {}
    for template in templates(model):
        found = spotted.get(template.spotters)
        if found is None:
            said, groups = template.spot(words)
            whole = template.spot(unstripped)[0] if unstripped != words else said
            found = spotted[template.spotters] = _Spotted(said, groups, word_weights, whole)
        weighed = found.weighed(template)
        evidence.add(template, weighed, found.groups)
        threshold = _CLOSE_WITH_SLOT if found.groups else without_slot
        floor = threshold if best is None else max(threshold, math.nextafter(best[0], math.inf))
        score = _closeness(found, template, weighed, floor)
        if score >= floor:
            best = (score, template.fill(model, found.groups))
    return _Survey(closest=best[1] if best else None, danger=evidence.crisis(model, without_slot))


class _Evidence:
    """Each intent's few closest samples, by the weight of the words they share with an
    utterance, and the crisis intent's closest one."""

    def __init__(self) -> None:
        self.closest: dict[str, list[float]] = {}
        self.nearest_crisis: tuple[float, Template, dict[str, str]] | None = None

    def add(self, template: Template, likeness: float, groups: dict[str, str]) -> None:
        """Count one sample's likeness."""
        heap = self.closest.setdefault(template.intent.name, [])
        if len(heap) < _EVIDENCE_SAMPLES:
            heapq.heappush(heap, likeness)
        elif likeness > heap[0]:
            heapq.heapreplace(heap, likeness)
        nearest = self.nearest_crisis
        if template.intent.name == CRISIS and (nearest is None or likeness > nearest[0]):
            self.nearest_crisis = (likeness, template, groups)

    def crisis(self, model: InteractionModel, enough: float) -> ResolvedIntent | None:
        """The crisis intent, filled from its closest sample, when its closest samples taken
        together are at least `enough` alike and more alike than any other intent's."""
        if self.nearest_crisis is None:
            return None
        means = {name: sum(heap) / _EVIDENCE_SAMPLES for name, heap in self.closest.items()}
        crisis = means.pop(CRISIS)
        if crisis < enough or crisis < max(means.values(), default=0.0):
            return None
        _, template, groups = self.nearest_crisis
        return template.fill(model, groups)


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
        self.weight = sum(weights.get(word, UNSAID_WEIGHT) for word in set(said))
        self.text = f" {' '.join(whole)} "
        self.counts = Counter(said)
        self.words = frozenset(said)

    def weighed(self, template: Template) -> float:
        """The weight of the words both say, against the weight of all the words of each."""
        common = template.distinct_words & self.words
        return 2.0 * sum(self.weights[word] for word in common) / (self.weight + template.weight)


def _closeness(spotted: _Spotted, template: Template, weighed: float, floor: float) -> float:
    """How alike the words and a sample are; a whole sample of a few words inside scores
    above 1. Below `floor` when the sample cannot reach it, without scoring it exactly.

    Someone who says "I feel guilty and I want to hurt myself" has said a whole sample of
    CrisisIntent; the longest sample said in full wins over any partial likeness. Otherwise
    the better of the words' likeness in order and `weighed`, the weight of the words both say.
    """
    sample = template.words
    size = len(sample)
    if size >= _CONTAINED_MIN_WORDS and template.text in spotted.text:
        return 1.0 + size / 100
    total = len(spotted.said) + size
    if 2.0 * min(len(spotted.said), size) / total < floor:
        return weighed
    common = template.distinct_words & spotted.words
    shared = (
        len(common) if len(template.distinct_words) == size
        else sum(min(spotted.counts[word], template.counts[word]) for word in common)
    )
    if 2.0 * shared / total < floor:
        return weighed
    return max(weighed, SequenceMatcher(None, spotted.said, sample, autojunk=False).ratio())
