"""skill/runtime/metrics.py: every request leaves one EMF record in the function's log, holding
counts, a duration, the locale and the family, and never an id, a slot value, a token or words
said; an error a handler raised is counted too; skills other than the Lambda write none."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter

from skill.runtime import metrics
from skill.runtime.builder import build_skill
from skill.runtime.config import SkillConfig
from tests.skill.conftest import (
    SKILL_ID,
    USER_ID,
    Device,
    Handler,
    Session,
    event,
    handler_for,
    launch,
    topic_slot,
)

ALLOWED_METRICS = {"Answers", "Fallbacks", "CrisisAnswers", "SectionsStarted", "SectionsFinished",
                   "ReflectionsFinished", "RemindersSet", "Errors", "Duration"}
DIMENSION_SETS = [["service"], ["service", "locale"], ["service", "family"]]
ALLOWED_KEYS = {"_aws", "service", "locale", "family", *ALLOWED_METRICS}
DANGER = "my stepdad keeps hurting me"


def records(output: str) -> list[dict[str, Any]]:
    found = []
    for line in output.splitlines():
        if line.startswith("{") and '"_aws"' in line:
            found.append(json.loads(line))
    return found


def value(number: float | list[float]) -> float:
    """EMF writes a metric added more than once in a record as a list of values."""
    return sum(number) if isinstance(number, list) else number


@pytest.fixture(scope="module")
def measured_skill(audio_config: SkillConfig) -> Handler:
    """The skill as the Lambda builds it: recording its metrics."""
    return handler_for(build_skill(replace(audio_config, metrics=True)))


class BrokenStore(AbstractPersistenceAdapter):
    """Listening positions that cannot be read: the guide's handlers fail."""

    def get_attributes(self, request_envelope: Any) -> dict[str, Any]:
        raise RuntimeError("the table is unreachable")

    def save_attributes(self, request_envelope: Any, attributes: dict[str, Any]) -> None:
        raise RuntimeError("the table is unreachable")

    def delete_attributes(self, request_envelope: Any) -> None:
        raise RuntimeError("the table is unreachable")


@pytest.fixture
def conversation(
    measured_skill: Handler, capsys: pytest.CaptureFixture[str]
) -> list[dict[str, Any]]:
    """A conversation with danger said in a slot, then the records it left in the log."""
    capsys.readouterr()
    session = Session(measured_skill, Device(locale="en-GB"))
    session.send(launch(), new=True)
    session.say("TopicIntent", topic=topic_slot("guilt", "guilt-trips"))
    session.say("TopicIntent", topic=topic_slot(DANGER))
    session.say("AMAZON.FallbackIntent")
    session.say("PlayGuideIntent")
    session.send(event("AudioPlayer.PlaybackStarted", token="guilt-trips:1:0123456789abcdef",
                       offsetInMilliseconds=0))
    return records(capsys.readouterr().out)


def test_every_request_leaves_one_record_of_counts_a_duration_the_locale_and_the_family(
    conversation: list[dict[str, Any]]
) -> None:
    assert len(conversation) == 6
    for record in conversation:
        text = json.dumps(record)
        assert set(record) <= ALLOWED_KEYS, record
        assert USER_ID not in text and SKILL_ID not in text and "amzn1" not in text
        assert "guilt trip" not in text.replace("guilt_trips", "") and DANGER not in text
        assert "hurting" not in text and "0123456789abcdef" not in text
        directive = record["_aws"]["CloudWatchMetrics"][0]
        assert directive["Namespace"] == metrics.NAMESPACE
        assert {m["Name"] for m in directive["Metrics"]} <= ALLOWED_METRICS
        assert directive["Dimensions"] == DIMENSION_SETS
        assert [list(dims) for dims in metrics.DIMENSION_SETS] == DIMENSION_SETS
        assert record["service"] == metrics.SERVICE


def test_the_crisis_answer_the_fallback_and_a_started_section_are_counted(
    conversation: list[dict[str, Any]]
) -> None:
    total = {name: sum(value(r.get(name, 0)) for r in conversation) for name in ALLOWED_METRICS}

    assert {r["locale"] for r in conversation} == {"en-GB"}
    assert total["Answers"] == 5
    assert total["CrisisAnswers"] == 1 and total["Fallbacks"] == 1
    assert total["SectionsStarted"] == 1 and total["Errors"] == 0
    assert all(value(r["Duration"]) >= 0 for r in conversation)
    families = sorted(r["family"] for r in conversation)
    assert families == ["event", "fallback", "launch", "listening", "topic", "topic"]


def test_an_error_a_handler_raised_is_answered_and_counted_once(
    audio_config: SkillConfig, capsys: pytest.CaptureFixture[str]
) -> None:
    skill = handler_for(build_skill(replace(audio_config, metrics=True), BrokenStore()))
    capsys.readouterr()

    said = Session(skill).say("ContinueListeningIntent")

    found = records(capsys.readouterr().out)
    assert said.text  # the apology
    assert [(value(r.get("Errors", 0)), value(r["Answers"]), r["family"]) for r in found] == [
        (1, 1, "listening")
    ]


def test_a_skill_other_than_the_lambda_writes_no_records(
    audio_skill: Handler, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    Session(audio_skill).send(launch(), new=True)

    assert records(capsys.readouterr().out) == []


@pytest.mark.parametrize(
    ("kind", "intent_name", "expected"),
    [("LaunchRequest", None, "launch"), ("IntentRequest", "CrisisIntent", "crisis"),
     ("IntentRequest", "HealingSectionIntent", "topic"),
     ("IntentRequest", "AMAZON.NextIntent", "navigation"),
     ("AudioPlayer.PlaybackFinished", None, "event")],
)
def test_families_are_a_small_fixed_set(kind: str, intent_name: str | None, expected: str) -> None:
    assert metrics.family(kind, intent_name) == expected


def test_the_lambda_writes_a_record_even_for_a_request_it_cannot_read(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from skill.runtime.lambda_function import lambda_handler

    capsys.readouterr()
    lambda_handler({"request": {"type": "IntentRequest", "intent": 7}}, None)

    found = records(capsys.readouterr().out)
    assert [(value(r.get("Errors", 0)), r["family"]) for r in found] == [(1, metrics.UNREADABLE)]
    assert value(found[0]["Duration"]) >= 0


def test_every_family_a_request_can_have_is_one_stats_and_the_dashboard_know() -> None:
    from pathlib import Path

    package = Path(__file__).resolve().parents[3] / "skill-package" / "interactionModels"
    names = {intent["name"] for path in package.rglob("*.json")
             for intent in json.loads(path.read_text())["interactionModel"]["languageModel"][
                 "intents"]}
    kinds = ("LaunchRequest", "SessionEndedRequest", "AudioPlayer.PlaybackStarted")

    found = {metrics.family("IntentRequest", name) for name in names}
    found |= {metrics.family(kind, None) for kind in kinds}

    assert found <= set(metrics.FAMILIES)
    assert "other" not in found  # every intent of the model has a family of its own
