"""Alexa's Reminders and Settings APIs as the simulator answers them (pure: no I/O).

What a listener's Alexa account holds for this skill (`AlexaAccount`: the reminders it set) and
the answer the APIs give one call against it, as Amazon documents them: `POST`, `GET` and
`DELETE /v1/alerts/reminders[/{alertToken}]` and `GET /v2/devices/{deviceId}/settings/
System.timeZone`. Errors come as the APIs send them, a JSON body of `code` and `message`: 400
for a reminder the API refuses, 401 for a token without the reminders permission, 404 for an
unknown reminder or resource. `skill.simulator.api_server` serves these answers on loopback.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

REMINDERS_PATH = "/v1/alerts/reminders"
# A simulated device's time zone: one where people of its locale live.
TIME_ZONES = {
    "en-US": "America/Los_Angeles",
    "en-GB": "Europe/London",
    "en-CA": "America/Toronto",
    "en-AU": "Australia/Sydney",
    "en-IN": "Asia/Kolkata",
}

_REMINDER = re.compile(r"/v1/alerts/reminders/([\w.-]+)")
_TIME_ZONE = re.compile(r"/v2/devices/([\w.-]+)/settings/System\.timeZone")
_LOCAL_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?")
_LISTED = ("alertToken", "createdTime", "updatedTime", "status", "version")
# The Settings API's error codes (ask-sdk-model's ups ErrorCode), by status.
_SETTINGS_ERRORS = {401: "INVALID_TOKEN", 403: "INVALID_TOKEN", 404: "INVALID_URI"}
_ERRORS = {
    400: "INVALID_REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND",
    429: "TOO_MANY_REQUESTS", 500: "INTERNAL_SERVER_ERROR", 503: "SERVICE_UNAVAILABLE",
}
# The longest spoken text the Reminders API takes.
MAX_SPOKEN_TEXT = 250


class AlexaAccount(BaseModel):
    """What Alexa keeps for one listener and this skill: the reminders it set, by alert token,
    each as the API lists it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    reminders: dict[str, dict[str, Any]] = {}


@dataclass(frozen=True)
class Call:
    """One call to the APIs: method, path, and the body it carried."""

    method: str
    path: str
    body: bytes = b""


@dataclass(frozen=True)
class Answer:
    """The status and JSON body (None for none) the APIs give, and the account after it."""

    status: int
    body: Any
    account: AlexaAccount


def answer(
    call: Call, account: AlexaAccount, *, time_zone: str | None, may_remind: bool, now: datetime
) -> Answer:
    """What the APIs answer `call` for this account; `may_remind` says whether its token
    carries the reminders permission. `now` (UTC) stamps a new reminder."""
    if _TIME_ZONE.fullmatch(call.path) and call.method == "GET":
        return Answer(200, time_zone, account) if time_zone else Answer(204, None, account)
    if not call.path.startswith("/v1/alerts/"):
        return error(404, f"No such resource: {call.method} {call.path}", call.path, account)
    if not may_remind:
        return error(401, "The token does not carry the reminders permission", call.path, account)
    if call.path == REMINDERS_PATH and call.method == "POST":
        return _create(call.body, account, now)
    if call.path == REMINDERS_PATH and call.method == "GET":
        alerts = list(account.reminders.values())
        return Answer(200, {"totalCount": str(len(alerts)), "alerts": alerts, "links": None},
                      account)
    one = _REMINDER.fullmatch(call.path)
    if one and call.method in ("GET", "DELETE"):
        found = account.reminders.get(one[1])
        if found is None:
            return error(404, "No reminder with that alert token", call.path, account)
        if call.method == "GET":
            return Answer(200, found, account)
        kept = {token: alert for token, alert in account.reminders.items() if token != one[1]}
        return Answer(200, None, AlexaAccount(reminders=kept))
    return error(404, f"No such resource: {call.method} {call.path}", call.path, account)


def error(status: int, message: str, path: str, account: AlexaAccount) -> Answer:
    """An error as the API at `path` sends it: its code for the status, and a message."""
    codes = _SETTINGS_ERRORS if path.startswith("/v2/") else _ERRORS
    return Answer(status, {"code": codes.get(status, "ERROR"), "message": message}, account)


def stored_reminder(
    request: dict[str, Any], now: datetime, status: str = "ON"
) -> tuple[str, dict[str, Any]]:
    """A reminder as the API keeps and lists it, from a create request; (alert token, it)."""
    token = str(uuid.uuid4())
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return token, {
        "alertToken": token, "createdTime": stamp, "updatedTime": stamp, "status": status,
        "version": "1", "trigger": request["trigger"], "alertInfo": request["alertInfo"],
        "pushNotification": request.get("pushNotification"),
    }


def _create(raw: bytes, account: AlexaAccount, now: datetime) -> Answer:
    try:
        request = json.loads(raw)
    except ValueError:
        return error(400, "The body is not JSON", REMINDERS_PATH, account)
    problem = reminder_problem(request)
    if problem:
        return Answer(400, {"code": problem[0], "message": problem[1]}, account)
    token, stored = stored_reminder(request, now)
    created = AlexaAccount(reminders={**account.reminders, token: stored})
    return Answer(201, {key: stored[key] for key in _LISTED}, created)


def reminder_problem(body: Any) -> tuple[str, str] | None:
    """What the Reminders API refuses in a create request, as (code, message)."""
    if not isinstance(body, dict):
        return "INVALID_REQUEST", "The body must be an object"
    trigger = body.get("trigger") or {}
    if trigger.get("type") not in ("SCHEDULED_ABSOLUTE", "SCHEDULED_RELATIVE"):
        return "INVALID_TRIGGER_TYPE", "trigger.type is missing or unknown"
    recurrence = trigger.get("recurrence")
    scheduled = trigger.get("scheduledTime")
    if recurrence is None and scheduled is None:
        return "INVALID_TRIGGER_SCHEDULED_TIME", "Give scheduledTime or a recurrence"
    for moment in (scheduled, (recurrence or {}).get("startDateTime")):
        if moment is not None and not _LOCAL_TIME.fullmatch(str(moment)):
            return "INVALID_TRIGGER_SCHEDULED_TIME_FORMAT", f"Not a local time: {moment}"
    for rule in (recurrence or {}).get("recurrenceRules") or ():
        if not str(rule).startswith("FREQ="):
            return "INVALID_RECURRENCE_RULE", f"Not an RFC 5545 rule: {rule}"
    content = ((body.get("alertInfo") or {}).get("spokenInfo") or {}).get("content") or []
    if not content or not all(
        isinstance(item, dict) and item.get("locale") and item.get("text") for item in content
    ):
        return "INVALID_ALERT_INFO", "alertInfo.spokenInfo.content needs a locale and text"
    if len(str(content[0]["text"])) > MAX_SPOKEN_TEXT:
        return "INVALID_ALERT_INFO", "The spoken text is too long"
    return None
