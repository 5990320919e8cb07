"""Moving through the guide: yes and no, next and previous in article order, repeat, resume."""

from __future__ import annotations

from content import default_guide
from skill.runtime import intents
from skill.runtime.guidebook import load_guidebook
from tests.skill.conftest import Session, topic_slot

GUIDEBOOK = load_guidebook()
WORDS = GUIDEBOOK.words
IDS = GUIDEBOOK.ids


def play(session: Session, section_id: str) -> None:
    topic = default_guide().section(section_id).topic
    session.say(intents.TOPIC, topic=topic_slot(topic, section_id))


def test_yes_to_the_follow_up_plays_the_section_it_offers(session: Session) -> None:
    play(session, "guilt-trips")
    said = session.say(intents.YES)
    assert said.state["section"] == "regret" and said.audio


def test_no_offers_the_next_follow_up_then_asks_what_else(session: Session) -> None:
    play(session, "holidays")
    second = GUIDEBOOK.section("holidays").follow_ups[1].question
    said = session.say(intents.NO)
    assert said.text == f"{WORDS.declined} {second}" and second in said.reprompt
    said = session.say(intents.NO)
    assert said.text == f"{WORDS.declined} {WORDS.reprompt}"
    assert not said.ends and "offer" not in said.state


def test_yes_to_the_reflection_offer_gives_a_reflection(session: Session) -> None:
    play(session, "myths")
    session.say(intents.NO)
    said = session.say(intents.YES)
    assert said.card["content"] == GUIDEBOOK.section("myths").reflections[0]


def test_after_a_reflection_no_does_not_offer_another_reflection(session: Session) -> None:
    play(session, "myths")
    session.say(intents.REFLECT)
    said = session.say(intents.NO)
    assert said.text == f"{WORDS.declined} {WORDS.reprompt}"


def test_no_with_nothing_offered_says_goodbye_and_ends(session: Session) -> None:
    said = session.say(intents.NO)
    assert said.text == WORDS.goodbye and said.ends


def test_yes_with_nothing_offered_asks_what_to_hear(session: Session) -> None:
    said = session.say(intents.YES)
    assert said.text == WORDS.reprompt and not said.ends


def test_a_long_section_asks_shall_i_go_on_between_parts(session: Session) -> None:
    play(session, "healing")
    said = session.say(intents.NO)
    assert said.text == f"{WORDS.declined} {WORDS.reprompt}"


def test_next_walks_the_whole_guide_in_article_order_and_stops_at_the_end(
    session: Session,
) -> None:
    visited = [session.say(intents.NEXT).state["section"] for _ in IDS]
    assert visited == list(IDS)
    said = session.say(intents.NEXT)
    assert said.text == f"{WORDS.end_of_guide} {WORDS.reprompt}" and not said.ends


def test_previous_walks_back_and_stops_at_the_start(session: Session) -> None:
    play(session, IDS[-1])
    visited = [session.say(intents.PREVIOUS).state["section"] for _ in IDS[1:]]
    assert visited == list(reversed(IDS[:-1]))
    said = session.say(intents.PREVIOUS)
    assert said.text == f"{WORDS.start_of_guide} {WORDS.reprompt}" and not said.ends


def test_next_skips_the_rest_of_a_long_section(session: Session) -> None:
    play(session, "healing")
    assert session.say(intents.NEXT).state["section"] == "reconnecting"


def test_repeat_plays_the_same_part_again(session: Session) -> None:
    play(session, "healing")
    second = session.say(intents.YES)
    again = session.say(intents.REPEAT)
    assert again.audio == second.audio and again.state == second.state


def test_pause_waits_and_resume_plays_the_interrupted_part_again(session: Session) -> None:
    play(session, "regret")
    first = session.say(intents.YES)
    paused = session.say(intents.PAUSE)
    assert paused.text == WORDS.paused and not paused.ends
    assert session.say(intents.RESUME).audio == first.audio


def test_start_over_goes_back_to_the_introduction(session: Session) -> None:
    play(session, "myths")
    assert session.say(intents.START_OVER).state["section"] == "introduction"


def test_repeat_before_anything_played_asks_what_to_hear(session: Session) -> None:
    assert session.say(intents.REPEAT).text == WORDS.reprompt


def test_continue_listening_in_a_session_carries_on_from_the_current_part(
    session: Session,
) -> None:
    play(session, "regret")
    said = session.say(intents.CONTINUE_LISTENING)
    assert said.audio and said.state["batch"] == 1
    assert session.say(intents.CONTINUE_LISTENING).state["section"] == "holidays"


def test_a_stale_section_in_the_session_is_treated_as_a_fresh_start(session: Session) -> None:
    session.attributes = {"conversation": {"section": "retired-section", "offer": "more"}}
    assert session.say(intents.YES).text == WORDS.reprompt


def test_a_batch_past_the_end_of_a_section_replays_its_last_part(session: Session) -> None:
    session.attributes = {"conversation": {"section": "regret", "batch": 7, "last": "section"}}
    said = session.say(intents.REPEAT)
    assert said.state["batch"] == 1 and said.audio
