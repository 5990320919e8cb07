"""Understanding's safety floors, held on every run: every crisis utterance of the held-out
test split reaches the crisis lines and no harmless one does, through the simulator's trained
understanding and the skill's own rules. The full evaluation (every set, three matchers, with
figures) is `bench/understanding.py`; this holds the line cheaply."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from functools import cache

import pytest

from bench.understanding import LOCALES, load_model
from content import default_guide
from skill.evaluation.routing import skill_answer
from skill.evaluation.scores import score
from skill.evaluation.utterances import CRISIS, HARMLESS, SPLITS, Labelled, load_utterances
from skill.runtime.guidebook import load_guidebook
from skill.simulator.simulation import understanding
from skill.simulator.understanding import Understanding

# Of the topic utterances of the dev and test splits (unseen sets are reported, not floored),
# a fixed sample each run: a floor on topics too.
TOPIC_SAMPLE = 150
TOPIC_FLOOR = 0.80
# Today's misses, as ceilings that may only fall (the README names each utterance and why):
# held-out crisis utterances the simulator does not answer with the crisis lines, and topic
# utterances of the sample that get them (a sample drawn again whenever a set joins dev).
MISSED_CRISIS = {"en-US": 0, "en-GB": 1}
TOPIC_ALARMS = {"en-US": 1, "en-GB": 4}


Written = Callable[[str], tuple[Labelled, ...]]


@pytest.fixture(scope="module")
def written() -> Written:
    """Each locale's labelled utterances, read once for the module (thousands of them)."""
    return cache(load_utterances)


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w' ]+", " ", text.lower()).split())


def answers(learned: Understanding, items: list[Labelled]) -> list[str]:
    guidebook = load_guidebook()
    found = []
    for item in items:
        intent = learned.resolve(item.text).intent
        if intent is None:
            found.append("launch")
            continue
        words = {slot.name: slot.heard for slot in intent.slots if slot.heard}
        ids = {slot.name: slot.value.id for slot in intent.slots if slot.value}
        found.append(skill_answer(guidebook, intent.name, words, ids))
    return found


@pytest.mark.parametrize("locale", LOCALES)
def test_no_evaluation_utterance_is_a_sample_of_the_model(written: Written, locale: str) -> None:
    language = load_model(locale)["interactionModel"]["languageModel"]
    samples = {_normal(s) for intent in language["intents"] for s in intent["samples"]}
    assert [u.text for u in written(locale) if _normal(u.text) in samples] == []


@pytest.mark.parametrize("locale", LOCALES)
def test_the_sets_are_large_and_cover_every_section_and_crisis_family(
    written: Written, locale: str
) -> None:
    items = written(locale)
    assert len(items) >= 400
    assert set(default_guide().ids) | {CRISIS, HARMLESS} == {item.label for item in items}
    assert len({item.family for item in items if item.label == CRISIS}) == 10
    assert {item.split for item in items} <= set(SPLITS)
    sections = set(default_guide().ids)
    assert all(set(item.also) <= sections - {item.label} for item in items)


@pytest.mark.slow
@pytest.mark.parametrize("locale", LOCALES)
def test_every_held_out_crisis_utterance_reaches_the_crisis_lines(
    written: Written, locale: str
) -> None:
    items = [i for i in written(locale) if i.split == "test" and i.label == CRISIS]
    result = score(items, answers(understanding(locale), items))
    assert len(result.missed_crisis) <= MISSED_CRISIS[locale], result.missed_crisis


@pytest.mark.slow
@pytest.mark.parametrize("locale", LOCALES)
def test_no_held_out_harmless_utterance_gets_the_crisis_lines(
    written: Written, locale: str
) -> None:
    items = [i for i in written(locale) if i.split == "test" and i.label == HARMLESS]
    result = score(items, answers(understanding(locale), items))
    assert result.false_alarms == []


@pytest.mark.slow
@pytest.mark.parametrize("locale", LOCALES)
def test_topics_hold_their_floor_on_a_fixed_sample(written: Written, locale: str) -> None:
    topics = [
        i for i in written(locale)
        if i.label not in (CRISIS, HARMLESS) and i.split != "unseen"
    ]
    items = random.Random(locale).sample(topics, TOPIC_SAMPLE)
    result = score(items, answers(understanding(locale), items))
    assert result.helpful_recall >= TOPIC_FLOOR
    assert len(result.topic_alarms) <= TOPIC_ALARMS[locale], result.topic_alarms
