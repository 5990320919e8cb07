"""Skill events: disabling the skill deletes the listener's place, and skill.json asks for it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from content import default_guide
from skill.exports.interaction_model import skill_manifest
from skill.runtime.builder import build_skill
from skill.runtime.config import SkillConfig
from skill.runtime.handlers.privacy import SKILL_DISABLED
from skill.runtime.persistence import SqliteAdapter
from tests.skill.conftest import Device, event, handler_for

PLACE = {"token": "regret:2:0123456789abcdef", "offset_ms": 61_250, "enqueued": ""}


def disabled() -> dict[str, Any]:
    """The SkillDisabled event as Alexa sends it: no session, the user in the context."""
    body = {"userInformation": {"persistenceStatus": "PERSISTED"}}
    request = event(SKILL_DISABLED, body=body, eventCreationTime="2024-11-21T19:04:12Z",
                    eventPublishingTime="2024-11-21T19:04:12Z")
    return Device().envelope(request, in_session=False)


def keep_place(database: Path, envelope: dict[str, Any]) -> SqliteAdapter:
    adapter = SqliteAdapter(database)
    request = DefaultSerializer().deserialize(json.dumps(envelope), RequestEnvelope)
    adapter.save_attributes(request, PLACE)
    return adapter


def test_disabling_the_skill_deletes_the_listeners_place(tmp_path: Path) -> None:
    database = tmp_path / "listening.sqlite3"
    envelope = disabled()
    adapter = keep_place(database, envelope)
    skill = handler_for(build_skill(SkillConfig(persistence=f"sqlite:{database}")))
    answer = skill(envelope)["response"]
    assert answer == {}
    request = DefaultSerializer().deserialize(json.dumps(envelope), RequestEnvelope)
    assert adapter.get_attributes(request) == {}
    assert b"regret" not in database.read_bytes()


def test_without_storage_disabling_the_skill_answers_quietly(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level("WARNING"):
        answer = handler_for(build_skill(SkillConfig()))(disabled())["response"]
    assert answer == {}
    assert caplog.text == ""


def test_unreachable_storage_is_logged_by_type_and_the_event_still_answered(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    database = tmp_path / "listening.sqlite3"
    skill = handler_for(build_skill(SkillConfig(persistence=f"sqlite:{database}")))
    database.unlink()
    database.mkdir()  # a folder where the file was: SQLite cannot open it
    with caplog.at_level("ERROR"):
        answer = skill(disabled())["response"]
    assert answer == {}
    assert "not deleted" in caplog.text and "amzn1.ask.account" not in caplog.text


@pytest.mark.parametrize("endpoint", [None, "arn:aws:lambda:us-east-1:1:function:nc"])
def test_skill_json_subscribes_to_the_event_the_skill_handles(endpoint: str | None) -> None:
    events = skill_manifest(default_guide(), endpoint)["manifest"]["events"]
    # skill.json spells AlexaSkillEvent.SkillDisabled as SKILL_DISABLED.
    assert events["subscriptions"] == [{"eventName": "SKILL_DISABLED"}]
    assert SKILL_DISABLED == "AlexaSkillEvent.SkillDisabled"
    if endpoint:
        assert events["endpoint"] == {"uri": endpoint}
    else:
        assert "endpoint" not in events
