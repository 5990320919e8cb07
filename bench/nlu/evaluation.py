"""Scoring understanding: labelled utterances, what each matcher made of them, the figures.

An utterance is labelled with a section id, `crisis` (with its family) or `harmless` (danger
words used harmlessly). A topic utterance is understood when the skill plays its section; a
crisis one when the skill answers with the crisis lines; a harmless one when it does not.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

UTTERANCES = Path(__file__).resolve().parents[1] / "utterances"
CRISIS = "crisis"
HARMLESS = "harmless"


@dataclass(frozen=True)
class Labelled:
    """One evaluation utterance and what the skill should do with it."""

    text: str
    label: str
    family: str | None
    split: str


def load_utterances(locale: str, directory: Path = UTTERANCES) -> tuple[Labelled, ...]:
    """The labelled utterances written for a locale: every set of it (`en-GB.yaml`,
    `fresh-en-GB.yaml`, `heldout-en-GB.yaml`), each utterance with its own split."""
    return tuple(
        Labelled(text=e["text"], label=e["label"], family=e.get("family"), split=e["split"])
        for path in sorted(directory.glob(f"*{locale}.yaml"))
        for e in yaml.safe_load(path.read_text(encoding="utf-8"))
    )


@dataclass
class Score:
    """Figures for one matcher on one locale's utterances."""

    topic: Counter[str] = field(default_factory=Counter)
    topic_hits: Counter[str] = field(default_factory=Counter)
    crisis: Counter[str] = field(default_factory=Counter)
    crisis_hits: Counter[str] = field(default_factory=Counter)
    harmless: int = 0
    false_alarms: list[str] = field(default_factory=list)
    confusions: Counter[tuple[str, str]] = field(default_factory=Counter)
    missed_crisis: list[str] = field(default_factory=list)

    def add(self, item: Labelled, answer: str) -> None:
        """Count one utterance and the answer a matcher led the skill to."""
        if item.label == CRISIS:
            family = item.family or "?"
            self.crisis[family] += 1
            if answer == CRISIS:
                self.crisis_hits[family] += 1
            else:
                self.missed_crisis.append(item.text)
        elif item.label == HARMLESS:
            self.harmless += 1
            if answer == CRISIS:
                self.false_alarms.append(item.text)
        else:
            self.topic[item.label] += 1
            if answer == f"section:{item.label}":
                self.topic_hits[item.label] += 1
            else:
                self.confusions[(item.label, answer)] += 1

    @property
    def topic_recall(self) -> float:
        """Share of topic utterances that reached their section."""
        return _share(self.topic_hits, self.topic)

    @property
    def crisis_recall(self) -> float:
        """Share of crisis utterances answered with the crisis lines."""
        return _share(self.crisis_hits, self.crisis)

    def per_section(self) -> dict[str, float]:
        """Topic recall for each section."""
        return {s: self.topic_hits[s] / n for s, n in sorted(self.topic.items())}

    def per_family(self) -> dict[str, float]:
        """Crisis recall for each family."""
        return {f: self.crisis_hits[f] / n for f, n in sorted(self.crisis.items())}


def score(items: Iterable[Labelled], answers: Sequence[str]) -> Score:
    """The figures for answers given to items, in order."""
    result = Score()
    for item, answer in zip(items, answers, strict=True):
        result.add(item, answer)
    return result


def _share(hits: Mapping[str, int], totals: Mapping[str, int]) -> float:
    total = sum(totals.values())
    return sum(hits.values()) / total if total else 1.0
