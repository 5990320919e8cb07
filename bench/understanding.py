"""How well the skill understands what people say, on utterances the model never saw.

    .venv/bin/python bench/understanding.py [--locale en-US] [--matcher simulator]
                                            [--split unseen] [--set fresh9] [--json]

For each locale, the labelled utterances in bench/utterances/ are resolved against the
committed skill-package/ model: (a) literal matching of samples with slot values, as Bespoken's
virtual-alexa matches (a strict floor, sharing no code with the simulator); (b) a statistical
classifier trained only on the model (scikit-learn), a stand-in for Alexa's statistical NLU,
also independent of the simulator; (c) the simulator's statistical understanding. Each answer
is then what the skill's runtime makes of the intent and the words in its slots, danger
screening included.

Figures are given for each split: `unseen` sets first (scored before any grammar was written
for them: the honest figures), then `test` and `dev`. Topics are strict (the labelled section)
and helpful (the section or one the label lists under `also`); crisis is the share answered
with the crisis lines; false alarms are harmless utterances, and topic utterances, that got
the crisis lines.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.nlu.literal import LiteralMatcher  # noqa: E402
from bench.nlu.statistical import StatisticalMatcher  # noqa: E402
from skill.evaluation.report import Evaluation, evaluation_of, figures, report  # noqa: E402
from skill.evaluation.routing import skill_answer  # noqa: E402
from skill.evaluation.utterances import SPLITS, Labelled, load_utterances, select  # noqa: E402
from skill.runtime.guidebook import Guidebook, load_guidebook  # noqa: E402

PACKAGE = ROOT / "skill-package" / "interactionModels" / "custom"
LOCALES = ("en-US", "en-GB")
MATCHERS = ("literal", "statistical", "simulator")
CRISIS = "crisis"


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
    """(b) a classifier trained on the model's samples, labelled by the skill's rules, with
    the words its slots would hold screened as the runtime screens them."""
    def answer(intent: str, ids: Any) -> str:
        return skill_answer(guidebook, intent, {}, ids)

    matcher = StatisticalMatcher(model, answer)
    answers = []
    for text, label in zip(texts, matcher.predict(list(texts)), strict=True):
        held = matcher.slot_words(text, label) if label != CRISIS else ""
        answers.append(CRISIS if held and guidebook.crisis.signals_danger(held) else label)
    return answers


def simulator_answers(
    model: dict[str, Any], guidebook: Guidebook, texts: Sequence[str]
) -> list[str]:
    """(c) the simulator's understanding (learned once per model, kept in a scratch folder
    for this run), then the skill's rules."""
    from skill.simulator.language_model import InteractionModel
    from skill.simulator.understanding_cache import trained_understanding

    with tempfile.TemporaryDirectory(prefix="understanding-") as scratch:
        understanding = trained_understanding(InteractionModel.from_json(model), Path(scratch))
        return [_simulated(understanding.resolve(text).intent, guidebook) for text in texts]


def _simulated(intent: Any, guidebook: Guidebook) -> str:
    if intent is None:
        return "launch"
    words = {slot.name: slot.heard for slot in intent.slots if slot.heard}
    ids = {slot.name: slot.value.id for slot in intent.slots if slot.value}
    return skill_answer(guidebook, intent.name, words, ids)


ANSWERERS: dict[str, Callable[[dict[str, Any], Guidebook, Sequence[str]], list[str]]] = {
    "literal": literal_answers,
    "statistical": statistical_answers,
    "simulator": simulator_answers,
}


def evaluate(
    locale: str,
    matcher: str,
    items: Sequence[Labelled] | None = None,
    model: dict[str, Any] | None = None,
) -> Evaluation:
    """Resolve labelled utterances of a locale (all of them by default) with one matcher
    against a model (the committed one by default) and score them."""
    items = load_utterances(locale) if items is None else items
    started = time.perf_counter()
    answers = ANSWERERS[matcher](
        model or load_model(locale), load_guidebook(), [i.text for i in items]
    )
    seconds = time.perf_counter() - started
    return evaluation_of(locale, matcher, items, answers, seconds)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--locale", action="append", choices=LOCALES, help="Locales (default both)."
    )
    parser.add_argument(
        "--matcher", action="append", choices=MATCHERS, help="Matchers (default all)."
    )
    parser.add_argument("--split", action="append", choices=SPLITS, help="Splits (default all).")
    parser.add_argument("--set", action="append", help="Only these sets (e.g. fresh9).")
    parser.add_argument("--details", action="store_true",
                        help="Figures per set, with every missed crisis and false alarm.")
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    args = parser.parse_args(argv)
    results = []
    for locale in args.locale or LOCALES:
        items = select(load_utterances(locale), args.split, args.set)
        for matcher in args.matcher or MATCHERS:
            results.append(evaluate(locale, matcher, items))
            if not args.json:
                print(report(results[-1], details=args.details), flush=True)
    if args.json:
        print(json.dumps([figures(r) for r in results], indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
