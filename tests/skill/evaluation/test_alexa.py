"""skill/evaluation/alexa.py: Alexa's reading of an utterance becomes the answer the skill's
runtime would give it, as the benchmark's matchers' readings do."""

from __future__ import annotations

import pytest

from skill.evaluation.alexa import alexa_answer
from skill.runtime.guidebook import load_guidebook
from skill.smapi.profiler import ProfiledIntent, ProfiledSlot, Resolution, UtteranceProfile


def slot(name: str, value: str | None, *ids: str) -> ProfiledSlot:
    status = "ER_SUCCESS_MATCH" if ids else "ER_SUCCESS_NO_MATCH"
    values = tuple((value or "", value_id) for value_id in ids)
    return ProfiledSlot(name, value, (Resolution("authority", status, values),))


@pytest.mark.parametrize(
    ("selected", "answer"),
    [
        (None, "fallback"),
        (ProfiledIntent("AMAZON.FallbackIntent"), "AMAZON.FallbackIntent"),
        (ProfiledIntent("CrisisIntent"), "crisis"),
        (ProfiledIntent("RegretSectionIntent"), "section:regret"),
        (ProfiledIntent("TopicIntent", (slot("topic", "second thoughts", "regret"),)),
         "section:regret"),
        # the first resolved id is the one the skill routes on
        (ProfiledIntent("TopicIntent", (slot("topic", "holidays", "holidays", "regret"),)),
         "section:holidays"),
        # no id: the runtime resolves the words itself
        (ProfiledIntent("TopicIntent", (slot("topic", "regret"),)), "section:regret"),
        (ProfiledIntent("TopicIntent", (slot("topic", "danger", "crisis"),)), "crisis"),
        # the runtime screens every slot's words for danger, whatever the intent
        (ProfiledIntent("TopicIntent", (slot("topic", "my dad is going to kill me"),)), "crisis"),
        (ProfiledIntent("RegretSectionIntent", (slot("person", "i overdosed"),)), "crisis"),
        (ProfiledIntent("AMAZON.HelpIntent"), "AMAZON.HelpIntent"),
        # starting over plays the guide's first section
        (ProfiledIntent("AMAZON.StartOverIntent"), "section:introduction"),
    ],
)
def test_alexas_selected_intent_becomes_the_skills_answer(
    selected: ProfiledIntent | None, answer: str
) -> None:
    profile = UtteranceProfile("what was said", selected)

    assert alexa_answer(load_guidebook(), profile) == answer
