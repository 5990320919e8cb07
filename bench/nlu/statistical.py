"""A statistical intent classifier trained only on a generated interaction model.

A stand-in for Alexa's statistical NLU, independent of the simulator: word and character
n-grams (TF-IDF) into a linear support vector machine, one class per answer the skill gives
("section:guilt-trips", "crisis", "AMAZON.HelpIntent", ...). Slots are filled for training
with a few of their values each (every section's names for the topic slot, whose value
decides the answer), sampled with a fixed seed, so the same model trains the same way.

What Alexa hands the skill besides the intent is the words its slots hold: the stand-in finds
them by aligning the utterance with the closest sample (with slots) of the answer it chose; the
words no literal word of that sample explains are what its slots would hold. Like Alexa, it
hears only the request: the wake word and the skill's name, with the word that joins them to
the request ("ask no contact companion to ..."), are taken off first.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator, Mapping
from difflib import SequenceMatcher
from itertools import product
from typing import Any

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline, make_union
from sklearn.svm import LinearSVC

_SLOT = re.compile(r"\{([^{}]+)\}")
Answer = Callable[[str, Mapping[str, str]], str]
# Words that join the skill's name to a request: "ask <name> to ...", "... using <name>".
_JOINING_AFTER_NAME = frozenset({"to", "for", "about", "and", "that", "if", "whether"})
_JOINING_BEFORE_NAME = frozenset({"using", "with", "from", "on", "in"})


class StatisticalMatcher:
    """Trained on one languageModel; predicts the answer for an utterance."""

    def __init__(
        self,
        model: Mapping[str, Any],
        answer: Answer,
        *,
        fills_per_slot: int = 3,
        seed: int = 1,
    ) -> None:
        language = model.get("interactionModel", {}).get("languageModel", model)
        texts, labels = zip(*training_examples(language, answer, fills_per_slot, seed), strict=True)
        self.pipeline = make_pipeline(
            make_union(
                TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
                TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
            ),
            LinearSVC(C=0.5, class_weight="balanced", random_state=0),
        )
        self.pipeline.fit(texts, labels)
        self.examples = len(texts)
        self.slotted = _slotted_samples(language, answer)
        self.invocation = tuple(_words(language.get("invocationName", "")))

    def predict(self, utterances: list[str]) -> list[str]:
        """The answer for each utterance."""
        return list(self.pipeline.predict([request(u, self.invocation) for u in utterances]))

    def slot_words(self, utterance: str, answer: str) -> str:
        """The words the slots of the closest sample leading to `answer` would hold: those of
        the utterance that none of the sample's own words matches ("" when no sample of that
        answer has a slot)."""
        said = request(utterance, self.invocation).split()
        candidates = self.slotted.get(answer, ())
        if not said or not candidates:
            return ""
        heard = set(said)
        nearest = sorted(candidates, key=lambda words: -len(heard & set(words)))[:5]
        best = max(nearest, key=lambda words: SequenceMatcher(None, said, words).ratio())
        matched = {
            index
            for block in SequenceMatcher(None, said, best, autojunk=False).get_matching_blocks()
            for index in range(block.a, block.a + block.size)
        }
        return " ".join(word for index, word in enumerate(said) if index not in matched)


def request(utterance: str, invocation: tuple[str, ...]) -> str:
    """The words of the request alone: without a leading wake word, and without the skill's
    name and the word joining it to the request, as Alexa hands a request to a skill's model."""
    words = _words(utterance)
    if words[:1] == ["alexa"]:
        words = words[1:]
    size = len(invocation)
    for start in range(len(words) - size + 1) if size else ():
        if tuple(words[start:start + size]) != invocation:
            continue
        after, before = words[start + size:], words[:start]
        if after:
            return " ".join(after[1:] if after[0] in _JOINING_AFTER_NAME and after[1:] else after)
        if before and before[-1] in _JOINING_BEFORE_NAME:
            before = before[:-1]
        return " ".join(before)
    return " ".join(words)


def training_examples(
    language: Mapping[str, Any], answer: Answer, fills_per_slot: int, seed: int
) -> Iterator[tuple[str, str]]:
    """Every sample, its slots filled, labelled with the answer it leads to."""
    rng = random.Random(seed)
    spoken = {
        kind["name"]: [
            [(said.lower(), value.get("id") or value["name"]["value"]) for said in
             (value["name"]["value"], *value["name"].get("synonyms", ()))]
            for value in kind["values"]
        ]
        for kind in language.get("types", ())
    }
    for intent in language["intents"]:
        kinds = {slot["name"]: slot["type"] for slot in intent.get("slots", ())}
        for sample in intent.get("samples", ()):
            for text, ids in _fillings(sample, kinds, spoken, fills_per_slot, rng):
                yield text, answer(intent["name"], ids)


def _slotted_samples(
    language: Mapping[str, Any], answer: Answer
) -> dict[str, list[tuple[str, ...]]]:
    """The literal words of every sample with a slot, by each answer its slots can lead to."""
    topic_ids = [
        value.get("id") for kind in language.get("types", ()) if kind["name"] == "SectionTopic"
        for value in kind["values"]
    ]
    found: dict[str, list[tuple[str, ...]]] = {}
    for intent in language["intents"]:
        for sample in intent.get("samples", ()):
            names = _SLOT.findall(sample)
            if not names:
                continue
            ids_each = [{"topic": i} for i in topic_ids] if "topic" in names else [{}]
            for label in {answer(intent["name"], ids) for ids in ids_each}:
                found.setdefault(label, []).append(tuple(_words(_SLOT.sub(" ", sample))))
    return found


def _words(text: str) -> list[str]:
    return re.sub(r"[^\w' ]+", " ", text.lower()).split()


def _fillings(
    sample: str,
    kinds: Mapping[str, str],
    spoken: Mapping[str, list[list[tuple[str, str]]]],
    count: int,
    rng: random.Random,
    enumerated: str = "SectionTopic",
) -> Iterator[tuple[str, dict[str, str]]]:
    """A few fillings of a sample; a slot of the `enumerated` type takes every value in turn
    (its value decides the answer), other slots a random value each time."""
    names = _SLOT.findall(sample)
    if not names:
        yield sample.lower(), {}
        return
    for _ in range(count):
        choices = [
            spoken.get(kinds.get(name, ""), [])
            if kinds.get(name) == enumerated
            else [rng.choice(spoken[kinds[name]])] if spoken.get(kinds.get(name, "")) else []
            for name in names
        ]
        for picked in product(*(c or [[("something", "")]] for c in choices)):
            text, ids = sample.lower(), {}
            for name, forms in zip(names, picked, strict=True):
                said, value_id = rng.choice(forms)
                text = text.replace("{" + name + "}", said, 1)
                if value_id:
                    ids[name] = value_id
            yield " ".join(text.split()), ids
