"""One matcher's figures on one locale, and how they are printed: the benchmark's report and
`nocontact evaluate`'s are this one.

Figures are given for each split, `unseen` sets first (scored before any grammar was written
for them: the honest figures), then `test` and `dev`, and for each set. Topics are strict and
helpful; crisis is the share answered with the crisis lines; false alarms are harmless
utterances, and topic utterances, that got the crisis lines.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from skill.evaluation.scores import Score, score
from skill.evaluation.utterances import SPLITS, Labelled


@dataclass(frozen=True)
class Evaluation:
    """One matcher's figures on one locale: each split, and each set."""

    locale: str
    matcher: str
    seconds: float
    splits: dict[str, Score]
    sets: dict[str, Score]


def evaluation_of(
    locale: str, matcher: str, items: Sequence[Labelled], answers: Sequence[str], seconds: float
) -> Evaluation:
    """Score the answers a matcher led the skill to give, item by item, per split and set."""
    paired = list(zip(items, answers, strict=True))

    def scored(keep: Callable[[Labelled], bool]) -> Score:
        chosen = [(item, answer) for item, answer in paired if keep(item)]
        return score([item for item, _ in chosen], [answer for _, answer in chosen])

    splits = {
        split: scored(lambda item, split=split: item.split == split)
        for split in SPLITS if any(item.split == split for item in items)
    }
    sets = {
        name: scored(lambda item, name=name: item.set == name)
        for name in dict.fromkeys(item.set for item in items)
    }
    return Evaluation(locale, matcher, seconds, splits, sets)


def line(name: str, s: Score) -> str:
    """One row of figures."""
    return (
        f"{name}: topics {s.topic_recall:.1%} strict, {s.helpful_recall:.1%} helpful "
        f"(of {s.topics}); crisis {s.crisis_recall:.1%} (of {sum(s.crisis.values())}); "
        f"harmless -> crisis {len(s.false_alarms)} of {s.harmless}; "
        f"topic -> crisis {len(s.topic_alarms)} of {s.topics}"
    )


def report(evaluation: Evaluation, *, details: bool = False) -> str:
    """The figures as a few readable lines, unseen sets first."""
    lines = [f"{evaluation.locale} {evaluation.matcher} ({evaluation.seconds:.1f} s)"]
    lines += [f"  {line(split, s)}" for split, s in _unseen_first(evaluation.splits)]
    if details:
        for name, s in evaluation.sets.items():
            lines.append(f"    {line(name, s)}")
            lines += [f"      missed crisis: {text}" for text in s.missed_crisis]
            lines += [f"      false alarm: {text}" for text in (*s.false_alarms, *s.topic_alarms)]
    return "\n".join(lines)


def _unseen_first(splits: dict[str, Score]) -> list[tuple[str, Score]]:
    order = {"unseen": 0, "test": 1, "dev": 2}
    return sorted(splits.items(), key=lambda entry: order.get(entry[0], 3))


def figures(evaluation: Evaluation) -> dict[str, Any]:
    """The figures of one evaluation as plain data."""
    def plain(s: Score) -> dict[str, Any]:
        return {
            "topics": s.topics,
            "topic_recall": s.topic_recall,
            "helpful_recall": s.helpful_recall,
            "crisis": sum(s.crisis.values()),
            "crisis_recall": s.crisis_recall,
            "harmless": s.harmless,
            "false_alarms": len(s.false_alarms),
            "topic_alarms": len(s.topic_alarms),
            "families": s.per_family(),
            "sections": s.per_section(),
        }

    return {
        "locale": evaluation.locale,
        "matcher": evaluation.matcher,
        "seconds": evaluation.seconds,
        "splits": {name: plain(s) for name, s in evaluation.splits.items()},
        "sets": {name: plain(s) for name, s in evaluation.sets.items()},
    }
