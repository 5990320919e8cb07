"""The frame: launch, help, stop, fallback, session end, events and failures."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from content import default_guide
from skill.runtime import intents
from skill.runtime.catalog import Catalog
from skill.runtime.guidebook import load_guidebook
from skill.runtime.handlers import Resources
from skill.runtime.handlers.builtins import ErrorHandler
from tests.skill.conftest import (
    Device,
    Handler,
    Session,
    check_response,
    clip_seconds,
    event,
    fixture_json,
    intent,
    launch,
)

GUIDEBOOK = load_guidebook()
WORDS = GUIDEBOOK.words


@pytest.mark.parametrize("device", [Device(), Device(screen=True), Device(audio_player=False)],
                         ids=["speaker", "screen", "app"])
def test_launch_welcomes_gives_the_disclaimer_and_offers_topics(
    audio_skill: Handler, device: Device
) -> None:
    said = Session(audio_skill, device).send(launch(), new=True)
    assert said.text == f"{WORDS.welcome} {WORDS.disclaimer} {WORDS.reprompt}"
    assert said.reprompt == f"<speak>{WORDS.reprompt}</speak>" and not said.ends


@pytest.mark.parametrize("device", [Device(screen=True), Device(audio_player=False)],
                         ids=["screen", "app"])
def test_launch_shows_a_card_with_the_welcome_and_the_disclaimer(
    audio_skill: Handler, device: Device
) -> None:
    said = Session(audio_skill, device).send(launch(), new=True)
    assert said.card == {
        "type": "Simple", "title": WORDS.name, "content": f"{WORDS.welcome}\n{WORDS.disclaimer}",
    }


def test_the_launch_topics_are_the_ones_offered(audio_skill: Handler) -> None:
    said = Session(audio_skill).send(launch(), new=True)
    guide = default_guide()
    for section_id in guide.skill.launch_topics:
        topic = guide.section(section_id).topic.removeprefix("the ")
        assert topic in said.text


def test_the_echo_show_launch_fixture_is_welcomed(audio_skill: Handler) -> None:
    request = fixture_json("launch_echo_show.json")
    said = check_response(request, audio_skill(request), clip_seconds())
    assert said.text.startswith(WORDS.welcome)


def test_help_explains_what_to_say_and_keeps_listening(session: Session) -> None:
    session.say(intents.TOPIC)
    said = session.say(intents.HELP)
    assert said.text == f"{WORDS.help} {WORDS.reprompt}" and not said.ends


@pytest.mark.parametrize("name", [intents.STOP, intents.CANCEL, intents.NAVIGATE_HOME])
def test_stop_cancel_and_home_say_goodbye_and_end(session: Session, name: str) -> None:
    said = session.say(name)
    assert said.text == WORDS.goodbye and said.ends and not said.reprompt


def test_fallback_is_gentle_and_keeps_the_pending_question(session: Session) -> None:
    session.say(intents.NEXT)
    said = session.say(intents.FALLBACK)
    assert said.text == f"{WORDS.fallback} {WORDS.reprompt}" and not said.ends
    assert session.say(intents.YES).state["section"] == "what-it-means"


@pytest.mark.parametrize(
    "name", [intents.LOOP_ON, intents.LOOP_OFF, intents.SHUFFLE_ON, intents.SHUFFLE_OFF]
)
def test_loop_and_shuffle_in_conversation_say_they_are_not_available(
    session: Session, name: str
) -> None:
    said = session.say(name)
    assert said.text == f"{WORDS.unsupported} {WORDS.reprompt}" and not said.ends


def test_an_intent_no_family_knows_gets_the_fallback(session: Session) -> None:
    said = session.say("AMAZON.SearchAction<object@WeatherForecast>")
    assert said.text == f"{WORDS.fallback} {WORDS.reprompt}"


def test_not_being_understood_still_points_to_crisis_help(session: Session) -> None:
    assert '"I need help now"' in session.say(intents.FALLBACK).text


def test_a_session_end_gets_an_empty_response(audio_skill: Handler) -> None:
    request = fixture_json("session_ended_error.json")
    said = check_response(request, audio_skill(request), clip_seconds())
    assert said.body == {}


def test_the_echo_dot_topic_fixture_plays_its_section(audio_skill: Handler) -> None:
    request = fixture_json("topic_intent_echo_dot.json")
    said = check_response(request, audio_skill(request), clip_seconds())
    assert said.state["section"] == "guilt-trips"


@pytest.mark.parametrize(
    "request_type",
    ["Alexa.Presentation.APL.UserEvent", "Messaging.MessageReceived", "CanFulfillIntentRequest"],
)
def test_requests_outside_the_conversation_get_no_speech(
    audio_skill: Handler, request_type: str
) -> None:
    envelope = Device().envelope(event(request_type), in_session=False)
    check_response(envelope, audio_skill(envelope), clip_seconds())


def _handler_input(request: dict[str, Any]) -> HandlerInput:
    payload = json.dumps(Device().envelope(request))
    envelope = DefaultSerializer().deserialize(payload, RequestEnvelope)
    return HandlerInput(request_envelope=envelope)


@pytest.fixture
def error_handler() -> ErrorHandler:
    return ErrorHandler(Resources(GUIDEBOOK, Catalog(GUIDEBOOK)))


def test_a_failure_apologises_without_details_and_logs_none_of_the_request(
    error_handler: ErrorHandler, caplog: pytest.LogCaptureFixture
) -> None:
    handler_input = _handler_input(intent(intents.TOPIC))
    handler_input.response_builder.speak("half-built answer")
    failure = KeyError("my mum hit me again")
    with caplog.at_level(logging.ERROR, logger="skill.runtime.handlers.builtins"):
        response = error_handler.handle(handler_input, failure)
    assert response.output_speech.ssml == f"<speak>{WORDS.error} {WORDS.reprompt}</speak>"
    assert response.reprompt is not None and response.should_end_session is False
    assert "KeyError" in caplog.text and "mum" not in caplog.text


def test_a_failure_during_a_playback_event_answers_silently(error_handler: ErrorHandler) -> None:
    handler_input = _handler_input(event("AudioPlayer.PlaybackStarted", token="x"))
    response = error_handler.handle(handler_input, RuntimeError("boom"))
    assert response.output_speech is None and response.reprompt is None
