"""skill/runtime/metrics.py: every request leaves EMF records in the function's log, holding
counts, a duration and the locale, and never an id, a slot value, a token or words said."""

from __future__ import annotations

import json
from typing import Any

import pytest

from skill.runtime import metrics
from tests.skill.conftest import (
    SKILL_ID, USER_ID, Device, Handler, Session, event, intent, launch, topic_slot,
)

ALLOWED_METRICS = {"Answers", "Fallbacks", "CrisisAnswers", "SectionsStarted", "SectionsFinished",
                   "ReflectionsFinished", "RemindersSet", "Errors", "Duration"}
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


@pytest.fixture
def conversation(audio_skill: Handler, capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    """A conversation with danger said in a slot, then the records it left in the log."""
    capsys.readouterr()
    session = Session(audio_skill, Device(locale="en-GB"))
    session.send(launch(), new=True)
    session.say("TopicIntent", topic=topic_slot("guilt", "guilt-trips"))
    session.say("TopicIntent", topic=topic_slot(DANGER))
    session.say("AMAZON.FallbackIntent")
    session.say("PlayGuideIntent")
    session.send(event("AudioPlayer.PlaybackStarted", token="guilt-trips:1:0123456789abcdef",
                       offsetInMilliseconds=0))
    return records(capsys.readouterr().out)


def test_every_record_holds_only_counts_a_duration_and_the_locale(
    conversation: list[dict[str, Any]]
) -> None:
    assert conversation
    for record in conversation:
        text = json.dumps(record)
        assert set(record) <= ALLOWED_KEYS, record
        assert USER_ID not in text and SKILL_ID not in text and "amzn1" not in text
        assert "guilt trip" not in text.replace("guilt_trips", "") and DANGER not in text
        assert "hurting" not in text and "0123456789abcdef" not in text
        directive = record["_aws"]["CloudWatchMetrics"][0]
        assert directive["Namespace"] == metrics.NAMESPACE
        assert {m["Name"] for m in directive["Metrics"]} <= ALLOWED_METRICS
        assert {d for dims in directive["Dimensions"] for d in dims} <= {"service", "locale", "family"}


def test_the_crisis_answer_the_fallback_and_a_started_section_are_counted(
    conversation: list[dict[str, Any]]
) -> None:
    by_locale = [r for r in conversation if "locale" in r]
    total = {name: sum(value(r.get(name, 0)) for r in by_locale) for name in ALLOWED_METRICS}

    assert {r["locale"] for r in by_locale} == {"en-GB"}
    assert total["Answers"] == 5
    assert total["CrisisAnswers"] == 1 and total["Fallbacks"] == 1
    assert total["SectionsStarted"] == 1
    assert all(value(r["Duration"]) >= 0 for r in by_locale)
    families = sorted(r["family"] for r in conversation if "family" in r)
    assert families == ["fallback", "launch", "listening", "topic", "topic"]


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
    assert [value(r.get("Errors", 0)) for r in found] == [1]
