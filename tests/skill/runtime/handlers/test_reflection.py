"""Reflection: a prompt for the section, room to think, then a way on; never a dead end."""

from __future__ import annotations

import re

from skill.runtime import intents
from skill.runtime.guidebook import load_guidebook
from skill.runtime.handlers.reflection import THINKING_PAUSE
from tests.skill.conftest import Session, topic_slot

GUIDEBOOK = load_guidebook()
WORDS = GUIDEBOOK.words


def test_a_reflection_after_a_section_uses_its_prompts_then_offers_to_go_on(
    session: Session,
) -> None:
    session.say(intents.TOPIC, topic=topic_slot("the holidays", "holidays"))
    said = session.say(intents.REFLECT)
    holidays = GUIDEBOOK.section("holidays")
    assert said.text.startswith(f"{WORDS.reflection_intro} {holidays.reflections[0]}")
    assert said.text.endswith(f"{WORDS.reflection_outro} {holidays.follow_ups[0].question}")
    assert holidays.follow_ups[0].question in said.reprompt
    assert said.card == {
        "type": "Simple", "title": holidays.title, "content": holidays.reflections[0]
    }


def test_the_prompt_is_followed_by_a_pause_to_think(session: Session) -> None:
    said = session.say(intents.REFLECT)
    pause = re.search(r"<break time=\"(\d+)ms\"/>", said.ssml)
    assert pause and int(pause.group(1)) == THINKING_PAUSE * 1000 >= 5000
    assert said.ssml.index(WORDS.reflection_intro) < pause.start()
    assert pause.end() < said.ssml.index(WORDS.reflection_outro)


def test_asking_again_gives_each_prompt_in_turn(session: Session) -> None:
    session.say(intents.TOPIC, topic=topic_slot("regret", "regret"))
    heard = [session.say(intents.REFLECT).card["content"] for _ in range(4)]
    prompts = GUIDEBOOK.section("regret").reflections
    assert heard == [*prompts, prompts[0]]


def test_without_a_section_a_gentle_prompt_from_the_guide_then_which_topic(
    session: Session,
) -> None:
    said = session.say(intents.REFLECT)
    assert said.card["content"] == GUIDEBOOK.sections[0].reflections[0]
    assert said.text.endswith(WORDS.reprompt) and not said.ends


def test_a_reflection_on_a_named_topic_uses_that_topics_prompts(session: Session) -> None:
    said = session.say(intents.REFLECT, topic=topic_slot("guilt", "guilt-trips"))
    assert said.card["content"] == GUIDEBOOK.section("guilt-trips").reflections[0]


def test_a_reflection_on_an_unknown_topic_asks_which_topic(session: Session) -> None:
    said = session.say(intents.REFLECT, topic=topic_slot("gardening"))
    assert said.text.startswith(WORDS.no_match)


def test_yes_after_a_reflection_goes_on_to_the_next_section(session: Session) -> None:
    session.say(intents.TOPIC, topic=topic_slot("healing", "healing"))
    session.say(intents.REFLECT)
    said = session.say(intents.YES)
    assert said.state["section"] == "reconnecting" and said.audio


def test_the_final_sections_reflection_offers_the_beginning(session: Session) -> None:
    session.say(intents.TOPIC, topic=topic_slot("final thoughts", "final-thoughts"))
    said = session.say(intents.YES)
    assert said.card["content"] == GUIDEBOOK.section("final-thoughts").reflections[0]
    assert said.text.endswith(GUIDEBOOK.section("final-thoughts").follow_ups[1].question)
    assert session.say(intents.YES).state["section"] == "introduction"


def test_repeat_after_a_reflection_repeats_the_same_prompt(session: Session) -> None:
    first = session.say(intents.REFLECT)
    assert session.say(intents.REPEAT).card == first.card
    assert session.say(intents.REFLECT).card != first.card
