"""What Alexa would make of words: a trained classifier picks the intent, a trained tagger
fills its slots, and entity resolution names each custom slot's value.

Nothing here knows what the skill does with the intent: no rule about danger or topics that
Alexa does not have. Safety is the interaction model's job (what danger sounds like, in its
samples) and the runtime's (it screens every slot value it is handed), and both ship.
"""

from __future__ import annotations

import pickle
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from skill.simulator.built_in_slots import slot_value
from skill.simulator.classifier import IntentClassifier
from skill.simulator.language_model import (
    FilledSlot,
    Intent,
    InteractionModel,
    ResolvedIntent,
    SlotValue,
    normalize,
)
from skill.simulator.phrasings import (
    CONNECTING_WORDS,
    DISFLUENCIES,
    INVOCATION_PREFIXES,
    INVOCATION_SUFFIXES,
)
from skill.simulator.tagger import Listed, SlotTagger, listed_values, spans
from skill.simulator.training import (
    intent_examples,
    slot_answer_intent,
    slot_examples,
    trailing_types,
)

FALLBACK_INTENT = "AMAZON.FallbackIntent"
_FALLBACK = ResolvedIntent(name=FALLBACK_INTENT)
# The least margin the classifier's best intent needs, by the model's fallback sensitivity:
# the lower the sensitivity, the less sure it need be before Alexa answers with it rather
# than with AMAZON.FallbackIntent.
FALLBACK_MARGINS = {"LOW": -1.0, "MEDIUM": -0.6, "HIGH": -0.2}
_CLASSIFIER_FILE = "intents.pickle"
_TAGGER_FILE = "slots.crfsuite"


@dataclass(frozen=True)
class Utterance:
    """What one utterance asks for: whether it named the skill, and the intent.

    The intent is None for the skill's name alone ("open no contact companion"): a launch.
    """

    invoked: bool
    intent: ResolvedIntent | None


class Understanding:
    """An interaction model with the classifier and tagger trained on it."""

    def __init__(self, model: InteractionModel, classifier: IntentClassifier, tagger_path: Path):
        self.model = model
        self.classifier = classifier
        self.tagger = SlotTagger(tagger_path, self.listed)

    @classmethod
    def train(cls, model: InteractionModel, folder: Path) -> Understanding:
        """Learn the model and keep what was learned in `folder` (read back by `load`)."""
        taught = intent_examples(model)
        classifier = IntentClassifier.train(
            [" ".join(e.words) for e in taught], [e.intent for e in taught]
        )
        SlotTagger.train(slot_examples(model), _listed(model), folder / _TAGGER_FILE)
        (folder / _CLASSIFIER_FILE).write_bytes(pickle.dumps(classifier.pipeline, protocol=5))
        return cls(model, classifier, folder / _TAGGER_FILE)

    @classmethod
    def load(cls, model: InteractionModel, folder: Path) -> Understanding:
        """What `train` kept in `folder`, for the same model."""
        pipeline = pickle.loads((folder / _CLASSIFIER_FILE).read_bytes())
        return cls(model, IntentClassifier(pipeline), folder / _TAGGER_FILE)

    @staticmethod
    def files() -> tuple[str, ...]:
        """The files `train` writes."""
        return (_CLASSIFIER_FILE, _TAGGER_FILE)

    @cached_property
    def listed(self) -> Listed:
        """Each custom slot type's listed values, for the tagger."""
        return _listed(self.model)

    def resolve(self, text: str) -> Utterance:
        """Resolve what someone said, with or without the skill's name, to an intent."""
        heard = _heard(text)
        for pattern in _invocation_patterns(normalize(self.model.invocation_name)):
            match = pattern.fullmatch(heard)
            if match:
                rest = (match.group("rest") or "").split()
                # "Ask <skill> to <request>": the connecting word is Alexa's, not the request's.
                if rest[:1] and rest[0] in CONNECTING_WORDS and rest[1:]:
                    rest = rest[1:]
                said = " ".join(rest)
                return Utterance(invoked=True, intent=self.intent(said) if said else None)
        return Utterance(invoked=False, intent=self.intent(heard))

    def intent(self, heard: str) -> ResolvedIntent:
        """The intent and slots for words already normalised; AMAZON.FallbackIntent when the
        classifier is not sure enough for the model's fallback sensitivity."""
        words = heard.split()
        if not words:
            return _FALLBACK
        best = self.classifier.rank(heard, best=1)[0]
        floor = FALLBACK_MARGINS.get(self.model.fallback_sensitivity, FALLBACK_MARGINS["LOW"])
        declared = self.model.intent(best.intent)
        if declared is None or best.intent == FALLBACK_INTENT or best.margin < floor:
            return _FALLBACK
        filled = spans(words, self.tagger.tag(words, best.intent))
        return self._filled(declared, filled)

    def slot_answer(self, intent_name: str, slot: str, text: str) -> ResolvedIntent | None:
        """The intent again with `slot` filled, when the words answer the skill's question for
        that slot alone ("at 8 pm"); None when they do not and mean what they would mean
        anywhere."""
        declared = self.model.intent(intent_name)
        answers = dict(declared.slot_samples).get(slot, ()) if declared else ()
        if declared is None or not answers:
            return None
        words = _heard(text).split()
        tags = self.tagger.tag(words, slot_answer_intent(intent_name, slot))
        carrier = {w for answer in answers for w in normalize(answer).split() if "{" not in w}
        said = spans(words, tags).get(slot)
        outside = [w for w, tag in zip(words, tags, strict=True) if tag == "O"]
        if said is None or any(word not in carrier for word in outside):
            said = _built_in_answer(dict(declared.slots).get(slot, ""), words, carrier)
        if said is None:
            return None
        found = self._filled(declared, {slot: said})
        filled = found.slot(slot)
        return found if filled is not None and filled.heard is not None else None

    def _filled(self, intent: Intent, said: dict[str, str]) -> ResolvedIntent:
        slots = tuple(
            _slot(self.model, name, kind, said.get(name)) for name, kind in intent.slots
        )
        return ResolvedIntent(name=intent.name, slots=slots)


def _built_in_answer(kind: str, words: list[str], carrier: set[str]) -> str | None:
    """The words after the answer's leading carrier words ("at", "every day at"), when a
    built-in type Alexa recognizes by its own grammar (AMAZON.TIME) gives them a value."""
    start = 0
    while start < len(words) and words[start] in carrier:
        start += 1
    said = " ".join(words[start:])
    if not said or not kind.startswith("AMAZON.") or slot_value(kind, said) in (None, said):
        return None
    return said


def _slot(model: InteractionModel, name: str, kind: str, heard: str | None) -> FilledSlot:
    """A slot as Alexa sends it: a custom type's value resolved when the words are one of its
    listed values or synonyms (entity resolution), a built-in type's value as Alexa gives it."""
    values = model.values(kind)
    if values is None:
        return FilledSlot(name=name, type=kind, heard=slot_value(kind, heard))
    match = _resolved(values, heard) if heard else None
    return FilledSlot(name=name, type=kind, heard=heard, value=match)


def _resolved(values: tuple[SlotValue, ...], heard: str) -> SlotValue | None:
    return next((value for value in values if heard in value.spoken), None)


def _listed(model: InteractionModel) -> Listed:
    """Listed values of the types worth looking for: not a free-form tail's examples."""
    tails = trailing_types(model)
    return listed_values({
        kind: [spoken for value in values for spoken in value.spoken]
        for kind, values in model.types if kind not in tails
    })


def _heard(text: str) -> str:
    """The words as recognised: normalised, without a leading wake word or disfluencies."""
    words = normalize(text).replace("{", "").replace("}", "").split()
    if words[:1] == ["alexa"]:
        words = words[1:]
    return " ".join(word for word in words if word not in DISFLUENCIES)


def _invocation_patterns(invocation: str) -> tuple[re.Pattern[str], ...]:
    name = re.escape(invocation)
    return (
        re.compile(rf"(?:{'|'.join(INVOCATION_PREFIXES)}) {name}(?: (?P<rest>.*))?"),
        re.compile(rf"(?P<rest>.+) (?:{'|'.join(INVOCATION_SUFFIXES)}) {name}"),
        re.compile(rf"{name}(?: (?P<rest>.*))?"),
    )
