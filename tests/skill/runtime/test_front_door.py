"""The front door: danger answered from the raw event, whatever else the envelope holds.

Envelope drift: every enum field ask-sdk-model knows gets a value it does not know (as Amazon
adds new status codes, player activities and dialog states), and a crisis must still reach
the crisis lines, on Lambda and through the skill's own error handler.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from ask_sdk_core.attributes_manager import AttributesManager
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope
from ask_sdk_runtime.exceptions import AskSdkException

from skill.runtime import intents
from skill.runtime.builder import build_skill
from skill.runtime.catalog import Catalog, parse_manifest
from skill.runtime.config import SkillConfig
from skill.runtime.front_door import FrontDoor
from skill.runtime.guidebook import load_guidebook
from skill.runtime.handlers import Resources
from skill.runtime.handlers.builtins import ErrorHandler
from skill.runtime.lambda_function import lambda_handler
from skill.runtime.playback import make_token
from tests.skill.conftest import (
    MANIFEST,
    SKILL_ID,
    Device,
    check_response,
    clip_seconds,
    event,
    handler_for,
    intent,
    plain_text,
    topic_slot,
)
from tests.skill.drift import EnumField, drifted, enum_fields

GUIDEBOOK = load_guidebook()
CRISIS = GUIDEBOOK.crisis
WORDS = GUIDEBOOK.words
DANGER = "I want to end my life"
IN_INTENTS = [f for f in enum_fields() if f.reaches("IntentRequest")]
ELSEWHERE = [f for f in enum_fields() if not f.reaches("IntentRequest")]
PLAYING = make_token("holidays", 1, parse_manifest(MANIFEST.read_bytes())["holidays"][0].sha256)


def spoken(response: dict[str, Any]) -> str:
    return plain_text(response["response"].get("outputSpeech", {}).get("ssml", ""))


def crisis_envelope(device: Device | None = None) -> dict[str, Any]:
    return (device or Device()).envelope(intent(intents.CRISIS, topic=topic_slot(None)))


def danger_in_a_topic(device: Device | None = None) -> dict[str, Any]:
    return (device or Device()).envelope(intent(intents.TOPIC, topic=topic_slot(DANGER)))


def test_every_enum_field_the_sdk_models_is_found() -> None:
    names = {field.name for field in enum_fields()}
    assert "context.AudioPlayer.playerActivity" in names
    assert "request.IntentRequest:dialogState" in names
    assert "request.IntentRequest:intent.slots.{}.confirmationStatus" in names
    assert "request.IntentRequest:intent.slots.{}.resolutions.resolutionsPerAuthority.[]" \
        ".status.code" in names
    assert len(IN_INTENTS) >= 25 and len(ELSEWHERE) >= 25


@pytest.mark.parametrize("field", IN_INTENTS, ids=lambda f: f.name)
@pytest.mark.parametrize("make", [crisis_envelope, danger_in_a_topic], ids=["intent", "slot"])
def test_a_crisis_reaches_the_crisis_lines_whatever_new_value_the_envelope_holds(
    field: EnumField, make: Any
) -> None:
    request = drifted(make(Device(screen=True)), field)

    response = lambda_handler(request, None)

    assert spoken(response).startswith(CRISIS.message)
    assert response["response"]["shouldEndSession"] is False


@pytest.mark.parametrize("field", ELSEWHERE, ids=lambda f: f.name)
def test_any_other_request_with_a_new_value_gets_a_valid_answer(field: EnumField) -> None:
    kind = next(s.discriminator[1] for s in field.steps if s.discriminator) \
        if field.steps[0].key == "request" else "LaunchRequest"
    request = drifted(Device().envelope(event(kind)), field)

    response = lambda_handler(request, None)

    said = check_response(request, json.loads(json.dumps(response)), clip_seconds())
    assert said.text in ("", f"{WORDS.error} {WORDS.reprompt}")


@pytest.mark.parametrize(
    "slot",
    [
        {"name": "topic", "value": "something new",
         "resolutions": {"resolutionsPerAuthority": [{
             "authority": "amzn1.er-authority.echo-sdk.x.SectionTopic",
             "status": {"code": "ER_SUCCESS_MAYBE"},
             "values": [{"value": {"name": DANGER, "id": "guilt-trips"}}]}]}},
        {"name": "topic", "confirmationStatus": "MAYBE",
         "slotValue": {"type": "List", "values": [
             {"type": "Simple", "value": "the holidays"}, {"type": "Simple", "value": DANGER}]}},
        {"name": "topic", "value": "not being here", "source": "SOMEWHERE_NEW",
         "resolutions": {"resolutionsPerAuthority": [{
             "status": {"code": "ER_SUCCESS_NEW"},
             "values": [{"value": {"name": "crisis", "id": intents.CRISIS_TOPIC}}]}]}},
    ],
    ids=["resolved-words", "multi-value", "resolved-id"],
)
def test_danger_anywhere_in_a_slot_reaches_the_crisis_lines(slot: dict[str, Any]) -> None:
    request = Device().envelope(intent(intents.REFLECT, topic=slot))
    assert spoken(lambda_handler(request, None)).startswith(CRISIS.message)


SKILL = build_skill(SkillConfig(skill_id=SKILL_ID))
DOOR = FrontDoor(SKILL, GUIDEBOOK)
SDK = handler_for(SKILL)


@pytest.mark.parametrize(
    ("device", "player", "attributes"),
    [
        (Device(), {"token": PLAYING, "offsetInMilliseconds": 9_000, "playerActivity": "PLAYING"},
         {"conversation": {"section": "regret", "offer": "more", "batch": 1}}),
        (Device(screen=True), {"token": PLAYING, "playerActivity": "IDLE"}, {}),
        (Device(locale="en-GB", audio_player=False), None,
         {"conversation": {"section": "no-such-section"}, "reminder": "20:00"}),
    ],
    ids=["speaker-playing", "screen", "app-en-GB"],
)
def test_the_raw_crisis_answer_is_the_safety_handlers_answer(
    device: Device, player: dict[str, Any] | None, attributes: dict[str, Any]
) -> None:
    for request in (crisis_envelope(device), danger_in_a_topic(device)):
        request["session"]["attributes"] = attributes
        if player is not None:
            request["context"]["AudioPlayer"] = player

        raw, parsed = DOOR.crisis(request), SDK(request)

        assert raw["response"] == parsed["response"]
        assert raw["sessionAttributes"] == parsed["sessionAttributes"]
        assert DOOR.answer(request) == raw


def test_a_crisis_addressed_to_another_skill_is_left_to_the_skill_to_refuse() -> None:
    request = crisis_envelope()
    request["context"]["System"]["application"]["applicationId"] = "amzn1.ask.skill.other"
    with pytest.raises(AskSdkException, match="Skill ID Verification failed"):
        DOOR.answer(request)


def test_a_request_the_sdk_cannot_parse_gets_an_apology_that_keeps_the_session_open() -> None:
    request = Device().envelope(intent(intents.TOPIC, topic=topic_slot("guilt", "guilt-trips")))
    request["request"]["dialogState"] = "SOMETHING_NEW"

    said = check_response(request, DOOR.answer(request), clip_seconds())

    assert said.text == f"{WORDS.error} {WORDS.reprompt}" and not said.ends


def handler_input(request: dict[str, Any]) -> HandlerInput:
    envelope = DefaultSerializer().deserialize(json.dumps(request), RequestEnvelope)
    return HandlerInput(request_envelope=envelope,
                        attributes_manager=AttributesManager(request_envelope=envelope))


RESOURCES = Resources(guidebook=GUIDEBOOK, catalog=Catalog(GUIDEBOOK))


@pytest.mark.parametrize("make", [crisis_envelope, danger_in_a_topic], ids=["intent", "slot"])
def test_a_failure_while_answering_danger_still_gives_the_crisis_lines(make: Any) -> None:
    request = make(Device(locale="en-GB"))
    request["context"]["AudioPlayer"] = {"token": PLAYING, "playerActivity": "PAUSED"}

    response = ErrorHandler(RESOURCES).handle(handler_input(request), RuntimeError("broken"))

    text = plain_text(response.output_speech.ssml)
    assert text.startswith(CRISIS.message) and "nine nine nine" in text
    assert [d.object_type for d in response.directives] == [
        "AudioPlayer.Stop", "AudioPlayer.ClearQueue",
    ]


def test_a_failure_on_anything_else_still_gets_the_apology() -> None:
    request = Device().envelope(intent(intents.TOPIC, topic=topic_slot("guilt", "guilt-trips")))
    response = ErrorHandler(RESOURCES).handle(handler_input(request), RuntimeError("broken"))
    assert plain_text(response.output_speech.ssml) == f"{WORDS.error} {WORDS.reprompt}"
