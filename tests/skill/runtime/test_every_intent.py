"""Every intent of the committed interaction model, sent to the skill by name: each is answered
by its own handler (never the catch-all's fallback words or the error apology), a section's
intent plays that section, and the built-ins do what certification expects of them.

The table names each intent, so a new intent in the model fails here until it has a row (and
`nocontact preflight` looks for every intent's name in the tests).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from skill.runtime.guidebook import load_guidebook
from tests.skill.conftest import Handler, Said, Session, intent, launch, topic_slot

MODEL = Path(__file__).resolve().parents[3] / "skill-package/interactionModels/custom/en-US.json"
WORDS = load_guidebook().words

Check = Callable[[Said], None]


def plays_section(section_id: str) -> Check:
    def check(said: Said) -> None:
        assert said.state.get("section") == section_id

    return check


def answered_by_its_own_handler(said: Said) -> None:
    assert WORDS.fallback not in said.text and WORDS.error not in said.text
    assert said.text or said.body.get("directives")


def says_goodbye(said: Said) -> None:
    assert said.ends and WORDS.goodbye in said.text


def keeps_listening_with_help(said: Said) -> None:
    assert not said.ends and said.reprompt and "I need help now" in said.text


def unsupported_in_a_guide(said: Said) -> None:
    assert WORDS.unsupported in said.text and not said.ends


def the_fallback(said: Said) -> None:
    assert WORDS.fallback in said.text and not said.ends


def crisis_lines(said: Said) -> None:
    assert "nine one one" in said.text


EXPECTED: dict[str, Check] = {
    "CrisisIntent": crisis_lines,
    "TopicIntent": plays_section("guilt-trips"),
    "IntroductionSectionIntent": plays_section("introduction"),
    "WhatItMeansSectionIntent": plays_section("what-it-means"),
    "IsItOkaySectionIntent": plays_section("is-it-okay"),
    "PoliticsAndValuesSectionIntent": plays_section("politics-and-values"),
    "GuiltTripsSectionIntent": plays_section("guilt-trips"),
    "RegretSectionIntent": plays_section("regret"),
    "HolidaysSectionIntent": plays_section("holidays"),
    "HealingSectionIntent": plays_section("healing"),
    "ReconnectingSectionIntent": plays_section("reconnecting"),
    "MythsSectionIntent": plays_section("myths"),
    "FinalThoughtsSectionIntent": plays_section("final-thoughts"),
    "ReflectIntent": answered_by_its_own_handler,
    "GuidedReflectionIntent": answered_by_its_own_handler,
    "PlayGuideIntent": answered_by_its_own_handler,
    "ContinueListeningIntent": answered_by_its_own_handler,
    "ForgetMeIntent": answered_by_its_own_handler,
    "SetReminderIntent": answered_by_its_own_handler,
    "ListRemindersIntent": answered_by_its_own_handler,
    "StopRemindersIntent": answered_by_its_own_handler,
    "AMAZON.HelpIntent": keeps_listening_with_help,
    "AMAZON.StopIntent": says_goodbye,
    "AMAZON.CancelIntent": says_goodbye,
    "AMAZON.NavigateHomeIntent": says_goodbye,
    "AMAZON.FallbackIntent": the_fallback,
    "AMAZON.YesIntent": answered_by_its_own_handler,
    "AMAZON.NoIntent": answered_by_its_own_handler,
    "AMAZON.NextIntent": answered_by_its_own_handler,
    "AMAZON.PreviousIntent": answered_by_its_own_handler,
    "AMAZON.RepeatIntent": answered_by_its_own_handler,
    "AMAZON.StartOverIntent": answered_by_its_own_handler,
    "AMAZON.PauseIntent": answered_by_its_own_handler,
    "AMAZON.ResumeIntent": answered_by_its_own_handler,
    "AMAZON.LoopOnIntent": unsupported_in_a_guide,
    "AMAZON.LoopOffIntent": unsupported_in_a_guide,
    "AMAZON.ShuffleOnIntent": unsupported_in_a_guide,
    "AMAZON.ShuffleOffIntent": unsupported_in_a_guide,
}


def model_intents() -> list[str]:
    model = json.loads(MODEL.read_text(encoding="utf-8"))
    return [i["name"] for i in model["interactionModel"]["languageModel"]["intents"]]


def test_every_intent_of_the_model_has_a_row() -> None:
    assert sorted(EXPECTED) == sorted(model_intents())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_intent_is_answered_as_expected(name: str, audio_skill: Handler) -> None:
    session = Session(audio_skill)
    session.send(launch(), new=True)
    session.say("TopicIntent", topic=topic_slot("guilt", "guilt-trips"))
    slots = {"topic": topic_slot("guilt", "guilt-trips")} if name == "TopicIntent" else {}

    said = session.send(intent(name, **slots))

    EXPECTED[name](said)
