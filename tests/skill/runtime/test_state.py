"""Conversation state in session attributes: small, round-trips, and survives tampering."""

from __future__ import annotations

import json

import pytest

from skill.runtime.state import ATTRIBUTE, Conversation, Offer, Turn


def test_a_fresh_conversation_stores_nothing() -> None:
    assert Conversation().to_attributes() == {}


def test_every_field_survives_a_round_trip_through_json() -> None:
    state = Conversation(
        section="healing", batch=1, offer=Offer.FOLLOW_UP, follow_up=1, reflections=3,
        last=Turn.REFLECTION,
    )
    stored = json.loads(json.dumps({ATTRIBUTE: state.to_attributes()}))
    assert Conversation.from_attributes(stored) == state


def test_the_stored_state_stays_small() -> None:
    state = Conversation("politics-and-values", 4, Offer.MORE, 1, 12, Turn.SECTION)
    assert len(json.dumps(state.to_attributes())) < 150


@pytest.mark.parametrize(
    "stored",
    [
        None,
        {},
        {ATTRIBUTE: "guilt-trips"},
        {ATTRIBUTE: ["guilt-trips"]},
        {"someone-else": {"section": "regret"}},
        "garbage",
        [1],
        7,
    ],
)
def test_missing_or_foreign_attributes_read_as_a_fresh_conversation(stored: object) -> None:
    assert Conversation.from_attributes(stored) == Conversation()  # type: ignore[arg-type]


def test_values_of_the_wrong_kind_fall_back_to_defaults() -> None:
    stored = {
        ATTRIBUTE: {
            "section": 7, "batch": "2", "offer": "maybe", "followUp": -1, "reflections": True,
            "last": "song",
        }
    }
    assert Conversation.from_attributes(stored) == Conversation()


def test_but_changes_only_the_fields_named() -> None:
    state = Conversation(section="regret", batch=1, offer=Offer.MORE)
    assert state.but(offer=None) == Conversation(section="regret", batch=1)
