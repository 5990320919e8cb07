"""Which words fill which slot: a conditional random field trained on a model's filled samples.

CRFsuite (python-crfsuite), the standard sequence labeller for slot filling, tags each word
B-<slot>, I-<slot> or O from the words around it, the intent it was said for, and whether it
begins or continues one of a slot type's listed values. It learns where a slot sits in what
people say ("... guilt tripping me {detail}"), so it fills a slot with words the model never
listed too, as Alexa does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pycrfsuite

from skill.simulator.training import OUTSIDE, Example

# L1 and L2 regularization and iterations of CRFsuite's L-BFGS training.
_TRAINING = {"c1": 0.05, "c2": 0.01, "max_iterations": 40, "feature.possible_transitions": True}
# Each slot type's listed values as words, by their first word.
Listed = Mapping[str, Mapping[str, Sequence[tuple[str, ...]]]]


def listed_values(
    spoken: Mapping[str, Sequence[str]],
) -> dict[str, dict[str, list[tuple[str, ...]]]]:
    """Each slot type's spoken values as words, indexed by first word, for tagging."""
    index: dict[str, dict[str, list[tuple[str, ...]]]] = {}
    for kind, values in spoken.items():
        by_first = index.setdefault(kind, {})
        for value in values:
            words = tuple(value.split())
            if words:
                by_first.setdefault(words[0], []).append(words)
    return index


class SlotTagger:
    """A trained tagger read from its model file."""

    def __init__(self, path: Path, listed: Listed) -> None:
        self.path = path
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(path))
        self._listed = listed

    @staticmethod
    def train(examples: Sequence[Example], listed: Listed, path: Path) -> None:
        """Learn from the examples and write the tagger's model file to `path`."""
        trainer = pycrfsuite.Trainer(verbose=False)
        trainer.set_params(_TRAINING)
        for example in examples:
            trainer.append(features(example.words, example.intent, listed), list(example.tags))
        trainer.train(str(path))

    def tag(self, words: Sequence[str], intent: str) -> list[str]:
        """A tag for each word, as the utterance was meant for `intent`."""
        if not words:
            return []
        return list(self._tagger.tag(features(words, intent, self._listed)))


def spans(words: Sequence[str], tags: Sequence[str]) -> dict[str, str]:
    """Each slot's words from the tags: the first run of B-/I- tags for each slot name."""
    found: dict[str, list[str]] = {}
    current: str | None = None
    for word, tag in zip(words, tags, strict=True):
        if tag == OUTSIDE:
            current = None
            continue
        mark, _, slot = tag.partition("-")
        if mark == "B" or slot != current:
            current = slot if slot not in found else None
            if current is not None:
                found[current] = [word]
        elif current is not None:
            found[current].append(word)
    return {slot: " ".join(said) for slot, said in found.items()}


def features(words: Sequence[str], intent: str, listed: Listed) -> list[list[str]]:
    """What the tagger sees at each word."""
    marks = _listed_marks(words, listed)
    padded = ["<s2>", "<s1>", *words, "</s1>", "</s2>"]
    rows = []
    for index, word in enumerate(words):
        at = index + 2
        before, after = padded[at - 1], padded[at + 1]
        rows.append([
            f"w={word}", f"w-1={before}", f"w+1={after}", f"w-2={padded[at - 2]}",
            f"w+2={padded[at + 2]}", f"w-1w={before}|{word}", f"ww+1={word}|{after}",
            f"suffix={word[-3:]}", f"intent={intent}", f"intent|w-1={intent}|{before}",
            *marks[index],
        ])
    return rows


def _listed_marks(words: Sequence[str], listed: Listed) -> list[list[str]]:
    """For each word, which slot types' listed values begin or continue there."""
    marks: list[list[str]] = [[] for _ in words]
    for kind, by_first in listed.items():
        for start, word in enumerate(words):
            for value in by_first.get(word, ()):
                end = start + len(value)
                if tuple(words[start:end]) == value:
                    marks[start].append(f"B:{kind}")
                    for inside in range(start + 1, end):
                        marks[inside].append(f"I:{kind}")
    return marks
