"""Understanding, measured on labelled utterances the model never saw, by matchers that do not
share the simulator's code: the evaluation set stays independent, and the figures hold."""

from __future__ import annotations

import re

import pytest

from bench.nlu.evaluation import CRISIS, HARMLESS, load_utterances
from bench.understanding import LOCALES, Evaluation, evaluate, load_model
from content import default_guide


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w' ]+", " ", text.lower()).split())


@pytest.mark.parametrize("locale", LOCALES)
def test_no_evaluation_utterance_is_a_sample_of_the_model(locale: str) -> None:
    language = load_model(locale)["interactionModel"]["languageModel"]
    samples = {_normal(s) for intent in language["intents"] for s in intent["samples"]}
    assert [u.text for u in load_utterances(locale) if _normal(u.text) in samples] == []


@pytest.mark.parametrize("locale", LOCALES)
def test_the_set_is_large_and_covers_every_section_and_crisis_family(locale: str) -> None:
    items = load_utterances(locale)
    assert len(items) >= 400
    labels = {item.label for item in items}
    assert set(default_guide().ids) | {CRISIS, HARMLESS} == labels
    families = {item.family for item in items if item.label == CRISIS}
    assert len(families) == 10
    assert {item.split for item in items} == {"dev", "test"}


@pytest.fixture(
    scope="module",
    params=[(loc, m) for loc in LOCALES for m in ("literal", "statistical", "simulator")],
)
def evaluation(request: pytest.FixtureRequest) -> Evaluation:
    locale, matcher = request.param
    return evaluate(locale, matcher)


# Today's figures, less a point or so, as floors: a change that understands people less
# fails. They are below the targets (statistical: crisis 100%, no harmless false alarm,
# topics 95%; simulator: crisis 100%; literal: topics 85%), which the README reports. Crisis
# is counted over 957 and 950 utterances per locale, false alarms over 440 and 449 harmless
# ones; statistical crisis is 99.9% in en-US (one held-out utterance short of all) and 100% in
# en-GB, whose one false alarm is kept by design ("going to kill me" is a danger signal).
FLOORS = {
    "literal": {"topic": 0.10, "crisis": 0.13, "false_alarms": 0},
    "statistical": {"topic": 0.96, "crisis": 0.998, "false_alarms": 1},
    "simulator": {"topic": 0.80, "crisis": 0.99, "false_alarms": 8},
}


def test_understanding_holds_its_floors(evaluation: Evaluation) -> None:
    floor = FLOORS[evaluation.matcher]
    score = evaluation.all
    assert score.topic_recall >= floor["topic"]
    assert score.crisis_recall >= floor["crisis"]
    assert len(score.false_alarms) <= floor["false_alarms"]
