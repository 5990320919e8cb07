"""skill/smapi/profiler.py: the Utterance Profiler's answer as plain values."""

from __future__ import annotations

import pytest

from skill.smapi import SmapiError
from skill.smapi.pacing import Pace
from skill.smapi.profiler import profile_utterance
from tests.skill.smapi.conftest import FakeClock, Waits
from tests.skill.smapi_api import SKILL_ID, SmapiApi

AUTHORITY = f"amzn1.er-authority.echo-sdk.{SKILL_ID}.SectionTopic"
GUILT = {
    "selectedIntent": {
        "name": "TopicIntent",
        "confirmationStatus": "NONE",
        "slots": {
            "topic": {
                "name": "topic",
                "value": "guilt",
                "confirmationStatus": "NONE",
                "resolutions": {
                    "resolutionsPerAuthority": [
                        {
                            "authority": AUTHORITY,
                            "status": {"code": "ER_SUCCESS_MATCH"},
                            "values": [{"name": "guilt trips", "id": "guilt-trips"}],
                        }
                    ]
                },
            }
        },
    },
    "consideredIntents": [
        {"name": "GuiltTripsSectionIntent", "confirmationStatus": "NONE", "slots": {}},
        {"name": "AMAZON.FallbackIntent", "confirmationStatus": "NONE", "slots": {}},
    ],
}


def test_the_selected_intent_its_resolved_slot_and_the_considered_intents(
    smapi, smapi_api: SmapiApi, waits: Waits
) -> None:
    smapi_api.profiles["help with guilt"] = GUILT

    profile = profile_utterance(smapi, SKILL_ID, "en-US", "help with guilt", sleep=waits)

    assert profile.selected is not None and profile.selected.name == "TopicIntent"
    topic = profile.selected.slot("topic")
    assert topic is not None and topic.value == "guilt"
    assert topic.resolved_ids == ("guilt-trips",)
    assert [i.name for i in profile.considered] == [
        "GuiltTripsSectionIntent",
        "AMAZON.FallbackIntent",
    ]
    assert smapi_api.calls[-1] == (
        "POST",
        f"/v1/skills/{SKILL_ID}/stages/development/interactionModel/locales/en-US/profileNlu",
    )


def test_an_utterance_alexa_does_not_place_is_the_fallback(
    smapi, smapi_api: SmapiApi, waits: Waits
) -> None:
    profile = profile_utterance(smapi, SKILL_ID, "en-GB", "what is the weather", sleep=waits)

    assert profile.selected is not None and profile.selected.name == "AMAZON.FallbackIntent"
    assert profile.considered == ()


def test_a_throttled_profile_is_retried(smapi, smapi_api: SmapiApi, waits: Waits) -> None:
    smapi_api.profiles["help with guilt"] = GUILT
    smapi_api.fail_next(429, retry_after="2")

    profile = profile_utterance(smapi, SKILL_ID, "en-US", "help with guilt", sleep=waits)

    assert profile.selected is not None and profile.selected.name == "TopicIntent"
    assert waits == [2.0]


def test_paced_profiles_start_a_second_apart_and_a_retry_waits_its_turn_too(
    smapi, smapi_api: SmapiApi
) -> None:
    clock = FakeClock()
    pace = Pace.per_second(1.0, clock=clock.now, sleep=clock.sleep)
    smapi_api.profiles["help with guilt"] = GUILT

    for _ in range(2):
        profile_utterance(smapi, SKILL_ID, "en-US", "help with guilt",
                          sleep=clock.sleep, pace=pace.wait)
    smapi_api.fail_next(429, retry_after="0.5")
    profile = profile_utterance(smapi, SKILL_ID, "en-US", "help with guilt",
                                sleep=clock.sleep, pace=pace.wait)

    assert profile.selected is not None and profile.selected.name == "TopicIntent"
    # a second between starts; the 429's half second, then half a second more for the retry
    assert clock.waits == [1.0, 1.0, 0.5, 0.5]
    assert smapi_api.token_requests == 1


def test_an_empty_utterance_is_refused_with_a_sentence(smapi, waits: Waits) -> None:
    with pytest.raises(SmapiError, match="refused the request"):
        profile_utterance(smapi, SKILL_ID, "en-US", " ", sleep=waits)
