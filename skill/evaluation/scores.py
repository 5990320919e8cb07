"""Scoring understanding: what a matcher led the skill to answer, against the labels.

A topic utterance is understood strictly when the skill plays its section, helpfully when it
plays its section or one its label lists under `also`; a crisis one when the skill answers with
the crisis lines; a harmless one when it does not. The crisis lines given for a topic or for
harmless words are false alarms, counted apart.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from skill.evaluation.utterances import CRISIS, HARMLESS, Labelled


@dataclass
class Score:
    """Figures for one matcher on one locale's utterances."""

    topic: Counter[str] = field(default_factory=Counter)
    topic_hits: Counter[str] = field(default_factory=Counter)
    topic_helpful: Counter[str] = field(default_factory=Counter)
    crisis: Counter[str] = field(default_factory=Counter)
    crisis_hits: Counter[str] = field(default_factory=Counter)
    harmless: int = 0
    false_alarms: list[str] = field(default_factory=list)
    topic_alarms: list[str] = field(default_factory=list)
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
            if answer in {f"section:{section}" for section in (item.label, *item.also)}:
                self.topic_helpful[item.label] += 1
            if answer == CRISIS:
                self.topic_alarms.append(item.text)

    @property
    def topics(self) -> int:
        """How many topic utterances were scored."""
        return sum(self.topic.values())

    @property
    def topic_recall(self) -> float:
        """Share of topic utterances that reached their own section."""
        return _share(self.topic_hits, self.topic)

    @property
    def helpful_recall(self) -> float:
        """Share of topic utterances that reached their section or one that answers it too."""
        return _share(self.topic_helpful, self.topic)

    @property
    def crisis_recall(self) -> float:
        """Share of crisis utterances answered with the crisis lines."""
        return _share(self.crisis_hits, self.crisis)

    @property
    def topic_alarm_rate(self) -> float:
        """Share of topic utterances answered with the crisis lines."""
        return len(self.topic_alarms) / self.topics if self.topics else 0.0

    @property
    def false_alarm_rate(self) -> float:
        """Share of harmless utterances answered with the crisis lines."""
        return len(self.false_alarms) / self.harmless if self.harmless else 0.0

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
