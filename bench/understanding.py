"""How well the skill understands what people say, on utterances the model never saw.

    .venv/bin/python bench/understanding.py [--locale en-US --locale en-GB] [--json]

For each locale, the labelled utterances in bench/utterances/ are resolved three ways against
the committed skill-package/ model: (a) literal matching of samples with slot values, as
Bespoken's virtual-alexa matches (a strict floor); (b) a statistical classifier trained only
on the model (scikit-learn), a stand-in for Alexa's statistical NLU; (c) the simulator's
resolver. Each answer is then what the skill's runtime rules make of the intent and slots.
Prints topic recall per section, crisis recall per family, harmless false alarms, the most
confused pairs, and the same figures for the dev and test splits.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.nlu.evaluation import Labelled, Score, load_utterances, score  # noqa: E402
from bench.nlu.literal import LiteralMatcher  # noqa: E402
from bench.nlu.routing import skill_answer  # noqa: E402
from bench.nlu.statistical import StatisticalMatcher  # noqa: E402
from skill.runtime.guidebook import Guidebook, load_guidebook  # noqa: E402

PACKAGE = ROOT / "skill-package" / "interactionModels" / "custom"
LOCALES = ("en-US", "en-GB")
MATCHERS = ("literal", "statistical", "simulator")


def load_model(locale: str) -> dict[str, Any]:
    """The committed interaction model for a locale."""
    return json.loads((PACKAGE / f"{locale}.json").read_text(encoding="utf-8"))


def literal_answers(model: dict[str, Any], guidebook: Guidebook, texts: Sequence[str]) -> list[str]:
    """(a) virtual-alexa's literal matching, then the skill's rules."""
    matcher = LiteralMatcher(model)
    answers = []
    for text in texts:
        found = matcher.match(text)
        if found is None:
            answers.append("fallback")
            continue
        words = {name: said for name, (said, _) in found.slots.items()}
        ids = {name: value for name, (_, value) in found.slots.items()}
        answers.append(skill_answer(guidebook, found.intent, words, ids))
    return answers


def statistical_answers(
    model: dict[str, Any], guidebook: Guidebook, texts: Sequence[str]
) -> list[str]:
    """(b) a classifier trained on the model's samples, labelled by the skill's rules."""
    def answer(intent: str, ids: Any) -> str:
        return skill_answer(guidebook, intent, {}, ids)

    return StatisticalMatcher(model, answer).predict(list(texts))


def simulator_answers(
    model: dict[str, Any], guidebook: Guidebook, texts: Sequence[str]
) -> list[str]:
    """(c) the simulator's resolver, then the skill's rules."""
    from skill.simulator.language_model import InteractionModel
    from skill.simulator.resolver import resolve_utterance

    readable = InteractionModel.from_json(model)
    answers = []
    for text in texts:
        intent = resolve_utterance(readable, text).intent
        if intent is None:
            answers.append("launch")
            continue
        words = {slot.name: slot.heard for slot in intent.slots if slot.heard}
        ids = {slot.name: slot.value.id for slot in intent.slots if slot.value}
        answers.append(skill_answer(guidebook, intent.name, words, ids))
    return answers


ANSWERERS: dict[str, Callable[[dict[str, Any], Guidebook, Sequence[str]], list[str]]] = {
    "literal": literal_answers,
    "statistical": statistical_answers,
    "simulator": simulator_answers,
}


@dataclass(frozen=True)
class Evaluation:
    """One matcher's figures on one locale: all utterances, and each split."""

    locale: str
    matcher: str
    seconds: float
    all: Score
    splits: dict[str, Score]


def evaluate(locale: str, matcher: str, items: Sequence[Labelled] | None = None) -> Evaluation:
    """Resolve every labelled utterance of a locale with one matcher and score it."""
    items = items or load_utterances(locale)
    started = time.perf_counter()
    answers = ANSWERERS[matcher](load_model(locale), load_guidebook(), [i.text for i in items])
    seconds = time.perf_counter() - started
    splits = {
        split: score(
            [i for i in items if i.split == split],
            [a for i, a in zip(items, answers, strict=True) if i.split == split],
        )
        for split in sorted({i.split for i in items})
    }
    return Evaluation(locale, matcher, seconds, score(items, answers), splits)


def report(evaluation: Evaluation) -> str:
    """The figures as a few readable lines."""
    s = evaluation.all
    lines = [
        f"{evaluation.locale} {evaluation.matcher} ({evaluation.seconds:.1f} s): "
        f"topic {s.topic_recall:.1%} of {sum(s.topic.values())}, "
        f"crisis {s.crisis_recall:.1%} of {sum(s.crisis.values())}, "
        f"harmless false alarms {len(s.false_alarms)} of {s.harmless}",
        "  splits: " + "; ".join(
            f"{name} topic {sp.topic_recall:.1%} crisis {sp.crisis_recall:.1%} "
            f"false alarms {len(sp.false_alarms)}"
            for name, sp in evaluation.splits.items()
        ),
        "  sections: " + ", ".join(f"{k} {v:.0%}" for k, v in s.per_section().items()),
        "  crisis families: " + ", ".join(f"{k} {v:.0%}" for k, v in s.per_family().items()),
        "  most confused: " + ", ".join(
            f"{label} -> {answer} ({n})" for (label, answer), n in s.confusions.most_common(5)
        ),
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--locale", action="append", choices=LOCALES, help="Locales (default both)."
    )
    parser.add_argument(
        "--matcher", action="append", choices=MATCHERS, help="Matchers (default all)."
    )
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    args = parser.parse_args(argv)
    results = [
        evaluate(locale, matcher)
        for locale in args.locale or LOCALES
        for matcher in args.matcher or MATCHERS
    ]
    if args.json:
        print(json.dumps([_figures(r) for r in results], indent=2))
    else:
        print("\n".join(report(r) for r in results))
    return 0


def _figures(evaluation: Evaluation) -> dict[str, Any]:
    s = evaluation.all
    return {
        "locale": evaluation.locale,
        "matcher": evaluation.matcher,
        "topic_recall": s.topic_recall,
        "crisis_recall": s.crisis_recall,
        "false_alarms": len(s.false_alarms),
        "sections": s.per_section(),
        "families": s.per_family(),
        "splits": {
            name: {"topic_recall": sp.topic_recall, "crisis_recall": sp.crisis_recall,
                   "false_alarms": len(sp.false_alarms)}
            for name, sp in evaluation.splits.items()
        },
    }


if __name__ == "__main__":
    raise SystemExit(main())
