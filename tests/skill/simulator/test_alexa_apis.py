"""The Reminders and Settings APIs as the simulator answers them: documented bodies and errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from content import LOCALES
from skill.simulator.alexa_apis import (
    MAX_SPOKEN_TEXT,
    REMINDERS_PATH,
    TIME_ZONES,
    AlexaAccount,
    Call,
    answer,
)

NOW = datetime(2026, 12, 7, 19, 30, tzinfo=UTC)
ZONE_PATH = "/v2/devices/amzn1.ask.device.X/settings/System.timeZone"


def reminder(text: str = "Time to reflect", **trigger: Any) -> dict[str, Any]:
    return {
        "requestTime": "2026-12-07T11:30:00.000",
        "trigger": {"type": "SCHEDULED_ABSOLUTE", "timeZoneId": "Europe/London",
                    "recurrence": {"startDateTime": "2026-12-07T20:00:00.000",
                                   "recurrenceRules": ["FREQ=DAILY;BYHOUR=20;BYMINUTE=0"]},
                    **trigger},
        "alertInfo": {"spokenInfo": {"content": [{"locale": "en-GB", "text": text}]}},
        "pushNotification": {"status": "ENABLED"},
    }


NO_ONE = AlexaAccount()


def ask(call: Call, account: AlexaAccount = NO_ONE, *, may_remind: bool = True,
        time_zone: str | None = "Europe/London") -> Any:
    return answer(call, account, time_zone=time_zone, may_remind=may_remind, now=NOW)


def create(account: AlexaAccount = NO_ONE, body: Any = None) -> Any:
    raw = json.dumps(reminder() if body is None else body).encode()
    return ask(Call("POST", REMINDERS_PATH, raw), account)


def test_every_locale_has_a_time_zone() -> None:
    assert set(TIME_ZONES) == set(LOCALES)


def test_the_settings_api_gives_the_devices_zone_or_no_content() -> None:
    assert (ask(Call("GET", ZONE_PATH)).status, ask(Call("GET", ZONE_PATH)).body) == (
        200, "Europe/London")
    assert ask(Call("GET", ZONE_PATH), time_zone=None).status == 204


def test_a_created_reminder_is_listed_with_its_trigger_and_can_be_deleted() -> None:
    created = create()
    assert created.status == 201
    token = created.body["alertToken"]
    assert created.body["status"] == "ON"
    assert created.body["createdTime"].startswith("2026-12-07T19:30")
    listed = ask(Call("GET", REMINDERS_PATH), created.account)
    assert listed.status == 200 and listed.body["totalCount"] == "1"
    (alert,) = listed.body["alerts"]
    assert alert["trigger"] == reminder()["trigger"] and alert["alertToken"] == token
    assert ask(Call("GET", f"{REMINDERS_PATH}/{token}"), created.account).body == alert
    deleted = ask(Call("DELETE", f"{REMINDERS_PATH}/{token}"), created.account)
    assert (deleted.status, deleted.account) == (200, AlexaAccount())
    assert created.account.reminders and AlexaAccount().reminders == {}  # values, not shared


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ([], "INVALID_REQUEST"),
        (reminder(type="NOW"), "INVALID_TRIGGER_TYPE"),
        (reminder(recurrence=None), "INVALID_TRIGGER_SCHEDULED_TIME"),
        (reminder(recurrence={"startDateTime": "tomorrow"}),
         "INVALID_TRIGGER_SCHEDULED_TIME_FORMAT"),
        (reminder(recurrence={"recurrenceRules": ["DAILY"]}), "INVALID_RECURRENCE_RULE"),
        (reminder(text=""), "INVALID_ALERT_INFO"),
        (reminder(text="x" * (MAX_SPOKEN_TEXT + 1)), "INVALID_ALERT_INFO"),
    ],
)
def test_a_reminder_the_api_refuses_is_a_400_with_its_code(body: Any, code: str) -> None:
    refused = create(body=body)
    assert (refused.status, refused.body["code"]) == (400, code)
    assert refused.account == AlexaAccount()


def test_a_body_that_is_not_json_is_a_400() -> None:
    refused = ask(Call("POST", REMINDERS_PATH, b"{"))
    assert (refused.status, refused.body["code"]) == (400, "INVALID_REQUEST")


def test_without_the_permission_reminders_are_unauthorized_and_the_zone_still_answers() -> None:
    for call in (Call("GET", REMINDERS_PATH), Call("POST", REMINDERS_PATH, b"{}")):
        refused = ask(call, may_remind=False)
        assert (refused.status, refused.body["code"]) == (401, "UNAUTHORIZED")
    assert ask(Call("GET", ZONE_PATH), may_remind=False).status == 200


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (Call("GET", f"{REMINDERS_PATH}/unknown"), "NOT_FOUND"),
        (Call("DELETE", f"{REMINDERS_PATH}/unknown"), "NOT_FOUND"),
        (Call("GET", "/v1/elsewhere"), "NOT_FOUND"),
        (Call("GET", "/v2/devices/x/settings/System.distanceUnits"), "INVALID_URI"),
    ],
)
def test_unknown_reminders_and_resources_are_404s_in_each_apis_words(call: Call, code: str) -> None:
    missing = ask(call)
    assert (missing.status, missing.body["code"]) == (404, code)
