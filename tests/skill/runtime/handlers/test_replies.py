"""The bridge to ask-sdk: requests read into `Heard`, replies that never leave a dead end."""

from __future__ import annotations

import json
from typing import Any

import pytest
from ask_sdk_core.attributes_manager import AttributesManager
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from skill.runtime import intents
from skill.runtime.guidebook import load_guidebook
from skill.runtime.handlers.replies import Heard, Reply, hear
from skill.runtime.speech import Speech
from skill.runtime.state import Conversation, Offer
from tests.skill.conftest import Device, event, intent, launch, topic_slot

GUIDEBOOK = load_guidebook()


def heard_from(envelope: dict[str, Any]) -> Heard:
    request = DefaultSerializer().deserialize(json.dumps(envelope), RequestEnvelope)
    manager = AttributesManager(request_envelope=request)
    return hear(HandlerInput(request_envelope=request, attributes_manager=manager), GUIDEBOOK)


def test_an_intent_is_heard_by_name_with_its_resolved_topic_and_state() -> None:
    envelope = Device(locale="en-IN").envelope(
        intent(intents.TOPIC, topic=topic_slot("christmas", "holidays")),
        attributes={"conversation": {"section": "regret", "offer": "more"}},
    )
    heard = heard_from(envelope)
    assert (heard.name, heard.locale, heard.topic, heard.topic_heard) == (
        intents.TOPIC, "en-IN", "holidays", True,
    )
    assert heard.state == Conversation(section="regret", offer=Offer.MORE)


def test_other_requests_are_heard_by_their_type() -> None:
    assert heard_from(Device().envelope(launch())).name == "LaunchRequest"


def test_a_request_outside_any_session_has_a_fresh_state() -> None:
    envelope = Device().envelope(event("AudioPlayer.PlaybackStopped"), in_session=False)
    heard = heard_from(envelope)
    assert heard.state == Conversation() and heard.topic is None


def test_words_that_name_a_section_resolve_when_entity_resolution_did_not() -> None:
    heard = heard_from(Device().envelope(intent(intents.TOPIC, topic=topic_slot("Christmas?"))))
    assert heard.topic == "holidays"


def test_unmatched_words_are_heard_but_not_resolved() -> None:
    heard = heard_from(Device().envelope(intent(intents.TOPIC, topic=topic_slot("cooking"))))
    assert (heard.topic, heard.topic_heard) == (None, True)


def test_an_empty_slot_is_not_heard() -> None:
    heard = heard_from(Device().envelope(intent(intents.TOPIC, topic=topic_slot(None))))
    assert (heard.topic, heard.topic_heard) == (None, False)


def test_a_reply_that_keeps_the_session_open_must_have_a_reprompt() -> None:
    with pytest.raises(ValueError, match="needs a reprompt"):
        Reply(speech=Speech().say("Anything else?"))
    assert Reply(speech=Speech().say("Goodbye."), end_session=True).reprompt is None
