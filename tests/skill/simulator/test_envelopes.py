"""Device-like request envelopes: the JSON Alexa would send, read back by the SDK itself."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import IntentRequest, LaunchRequest, RequestEnvelope, SessionEndedRequest
from ask_sdk_model.interfaces.audioplayer import PlaybackStartedRequest
from ask_sdk_model.interfaces.playbackcontroller import NextCommandIssuedRequest
from ask_sdk_model.slu.entityresolution import StatusCode
from pydantic import ValidationError

from skill.simulator.envelopes import (
    DEVICES,
    Caller,
    Player,
    Session,
    Stream,
    envelope_problem,
    intent_request,
    launch_request,
    player_request,
    session_ended_request,
    slot_json,
)
from skill.simulator.language_model import FilledSlot, ResolvedIntent, SlotValue

NOW = datetime(2025, 3, 1, 12, 30, 5, tzinfo=UTC)
SKILL_ID = "amzn1.ask.skill.11111111-2222-3333-4444-555555555555"
GUILT = SlotValue(id="guilt-trips", name="guilt", synonyms=("guilt trips",))
PLAYING = Player(
    activity="PLAYING",
    current=Stream(token="regret:1:0123456789abcdef", url="https://a.example/r.mp3"),
    offset_ms=4200,
)


def parsed(envelope: dict) -> RequestEnvelope:
    return DefaultSerializer().deserialize(json.dumps(envelope), RequestEnvelope)


@pytest.fixture
def caller() -> Caller:
    return Caller.new(device="echo", locale="en-GB", skill_id=SKILL_ID)


def topic_intent(heard: str | None, value: SlotValue | None) -> ResolvedIntent:
    return ResolvedIntent(
        name="TopicIntent", slots=(FilledSlot("topic", "SectionTopic", heard, value),)
    )


def test_a_matched_slot_carries_the_value_id_as_alexa_sends_it(caller: Caller) -> None:
    envelope = intent_request(caller, Session(), Player(), topic_intent("guilt trips", GUILT), NOW)
    slot = parsed(envelope).request.intent.slots["topic"]
    assert slot.value == "guilt trips"
    (authority,) = slot.resolutions.resolutions_per_authority
    assert authority.authority == f"amzn1.er-authority.echo-sdk.{SKILL_ID}.SectionTopic"
    assert authority.status.code == StatusCode.ER_SUCCESS_MATCH
    value = authority.values[0].value
    assert (value.id, value.name) == ("guilt-trips", "guilt")
    assert envelope["request"]["intent"]["slots"]["topic"]["slotValue"]["value"] == "guilt trips"


def test_an_unlisted_slot_value_is_er_success_no_match(caller: Caller) -> None:
    slot = slot_json(FilledSlot("topic", "SectionTopic", "astrology", None), SKILL_ID)
    (authority,) = slot["resolutions"]["resolutionsPerAuthority"]
    assert authority["status"] == {"code": "ER_SUCCESS_NO_MATCH"}
    assert "values" not in authority


def test_an_empty_slot_has_only_its_name(caller: Caller) -> None:
    assert slot_json(FilledSlot("topic", "SectionTopic"), SKILL_ID) == {
        "name": "topic", "confirmationStatus": "NONE",
    }


def test_a_built_in_slot_type_has_no_entity_resolution() -> None:
    slot = slot_json(FilledSlot("number", "AMAZON.NUMBER", "3"), SKILL_ID)
    assert slot["value"] == "3" and "resolutions" not in slot


def test_a_new_session_is_new_and_starts_without_attributes(caller: Caller) -> None:
    envelope = launch_request(caller, Session(), Player(), NOW)
    request = parsed(envelope)
    assert isinstance(request.request, LaunchRequest)
    assert request.session.new is True and request.session.attributes == {}
    assert request.request.locale == "en-GB"
    assert envelope["request"]["timestamp"] == "2025-03-01T12:30:05Z"


def test_a_continuing_session_keeps_its_id_and_attributes(caller: Caller) -> None:
    session = Session(id="amzn1.echo-api.session.abc", open=True, attributes={"last": "regret"})
    yes = ResolvedIntent("AMAZON.YesIntent")
    request = parsed(intent_request(caller, session, Player(), yes, NOW))
    assert isinstance(request.request, IntentRequest)
    assert request.session.new is False
    assert request.session.session_id == "amzn1.echo-api.session.abc"
    assert request.session.attributes == {"last": "regret"}


def test_each_conversation_has_its_own_random_user(caller: Caller) -> None:
    other = Caller.new()
    assert caller.user_id != other.user_id and caller.device_id != other.device_id
    assert caller.user_id.startswith("amzn1.ask.account.")


def test_a_speaker_reports_audio_player_and_its_state(caller: Caller) -> None:
    request = parsed(launch_request(caller, Session(), PLAYING, NOW))
    assert request.context.system.device.supported_interfaces.audio_player is not None
    assert request.context.audio_player.token == "regret:1:0123456789abcdef"
    assert request.context.audio_player.offset_in_milliseconds == 4200


def test_a_screen_device_reports_apl_and_its_viewport() -> None:
    caller = Caller.new(device="echo-show")
    envelope = launch_request(caller, Session(), Player(), NOW)
    interfaces = envelope["context"]["System"]["device"]["supportedInterfaces"]
    assert {"AudioPlayer", "Alexa.Presentation.APL"} <= interfaces.keys()
    assert envelope["context"]["Viewport"]["shape"] == "RECTANGLE"


def test_the_app_text_box_has_neither_audio_player_nor_screen() -> None:
    envelope = launch_request(Caller.new(device="app-text-only"), Session(), PLAYING, NOW)
    assert envelope["context"]["System"]["device"]["supportedInterfaces"] == {}
    assert "AudioPlayer" not in envelope["context"]


def test_audio_player_events_arrive_outside_any_session(caller: Caller) -> None:
    envelope = player_request(caller, PLAYING, "AudioPlayer.PlaybackStarted", NOW)
    assert "session" not in envelope
    request = parsed(envelope).request
    assert isinstance(request, PlaybackStartedRequest)
    assert (request.token, request.offset_in_milliseconds) == ("regret:1:0123456789abcdef", 4200)


def test_a_device_button_is_a_playback_controller_request(caller: Caller) -> None:
    envelope = player_request(caller, PLAYING, "PlaybackController.NextCommandIssued", NOW)
    assert "session" not in envelope and "token" not in envelope["request"]
    assert isinstance(parsed(envelope).request, NextCommandIssuedRequest)


def test_a_session_can_end_from_the_device_side(caller: Caller) -> None:
    session = Session(id="amzn1.echo-api.session.abc", open=True)
    request = parsed(session_ended_request(caller, session, Player(), "USER_INITIATED", NOW))
    assert isinstance(request.request, SessionEndedRequest)
    assert request.request.reason.value == "USER_INITIATED"


@pytest.mark.parametrize("device", DEVICES)
def test_every_simulated_device_sends_a_request_the_sdk_reads(device: str) -> None:
    envelope = launch_request(Caller.new(device=device), Session(), Player(), NOW)
    assert isinstance(parsed(envelope).request, LaunchRequest)


@pytest.mark.parametrize(
    ("field", "value"), [("device", "xecho-show"), ("device", "toaster"), ("locale", "fr-FR")]
)
def test_a_device_or_locale_the_simulator_lacks_is_refused(field: str, value: str) -> None:
    with pytest.raises(ValidationError):
        Caller(user_id="amzn1.ask.account.A", device_id="amzn1.ask.device.A", **{field: value})


def test_the_skill_id_is_not_saved_with_the_conversation(caller: Caller) -> None:
    saved = caller.model_dump_json()
    assert SKILL_ID not in saved
    assert Caller.model_validate_json(saved).device == caller.device


def test_a_device_request_has_no_problem_and_each_missing_part_is_named() -> None:
    envelope = launch_request(Caller.new(), Session(), Player(), NOW)
    assert envelope_problem(envelope) is None
    broken = {
        "request object with a type": {**envelope, "request": {"type": 3}},
        "context object with System": {**envelope, "context": {}},
        "session must be an object": {**envelope, "session": "open"},
        "intent object with a name": {**envelope, "request": {"type": "IntentRequest"}},
    }
    for reason, body in broken.items():
        assert reason in (envelope_problem(body) or "")
