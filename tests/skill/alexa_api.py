"""Alexa's Reminders and Settings APIs on loopback, for tests: nothing leaves the machine.

A small threaded `http.server` that implements the documented requests: `POST`, `GET` and
`DELETE /v1/alerts/reminders[/{alertToken}]` with `Authorization: Bearer <token>` and JSON
bodies, and `GET /v2/devices/{deviceId}/settings/System.timeZone`. Errors come as the API
sends them, with a JSON body of `code` and `message`: 400 for a reminder the API would refuse,
401 for a missing or unknown token, 403 for a token whose permission was taken back, 404 for
an unknown reminder; `fail_next` makes the next call answer 429, 500 or anything else, and
`delay` makes every answer late.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOKEN = "amzn1.api-token.loopback"
TIME_ZONE = "America/Los_Angeles"
_REMINDER = re.compile(r"/v1/alerts/reminders/([\w.-]+)")
_TIME_ZONE = re.compile(r"/v2/devices/([\w.-]+)/settings/System\.timeZone")
_LOCAL_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?")
# The Settings API's error codes (ask-sdk-model's ups ErrorCode), by status.
_SETTINGS_ERRORS = {401: "INVALID_TOKEN", 403: "INVALID_TOKEN", 404: "INVALID_URI"}
_ERRORS = {
    400: "INVALID_REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND",
    429: "TOO_MANY_REQUESTS", 500: "INTERNAL_SERVER_ERROR", 503: "SERVICE_UNAVAILABLE",
}


@dataclass
class AlexaApi:
    """The state behind the server: reminders by alert token, tokens, injected failures."""

    url: str = ""
    time_zone: str | None = TIME_ZONE
    # The tokens the API accepts; None accepts any (a simulator's conversation makes its own).
    tokens: set[str] | None = field(default_factory=lambda: {TOKEN})
    revoked: set[str] = field(default_factory=set)
    reminders: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[tuple[str, str]] = field(default_factory=list)
    failures: list[tuple[int, str | None]] = field(default_factory=list)
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail_next(self, status: int, method: str | None = None) -> None:
        """The next call (with `method`, when given) answers `status` with an error body."""
        self.failures.append((status, method))

    def add(self, hour: int, minute: int = 0, status: str = "ON") -> str:
        """A reminder this skill set earlier; returns its alert token."""
        rule = f"FREQ=DAILY;BYHOUR={hour};BYMINUTE={minute};BYSECOND=0;INTERVAL=1"
        body = {
            "trigger": {"type": "SCHEDULED_ABSOLUTE", "timeZoneId": TIME_ZONE,
                        "recurrence": {"startDateTime": "2026-01-01T00:00:00.000",
                                       "recurrenceRules": [rule]}},
            "alertInfo": {"spokenInfo": {"content": [{"locale": "en-US", "text": "x"}]}},
            "pushNotification": {"status": "ENABLED"},
        }
        return self._store(body, status)

    def _store(self, body: dict[str, Any], status: str = "ON") -> str:
        token = str(uuid.uuid4())
        now = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
        self.reminders[token] = {
            "alertToken": token, "createdTime": now, "updatedTime": now, "status": status,
            "version": "1", "trigger": body["trigger"], "alertInfo": body["alertInfo"],
            "pushNotification": body["pushNotification"],
        }
        return token

    def answer(self, method: str, path: str, headers: Any, body: bytes) -> tuple[int, Any]:
        """The status and JSON body the API gives this request."""
        with self.lock:
            self.calls.append((method, path))
            failure = next((f for f in self.failures if f[1] in (None, method)), None)
            if failure is not None:
                self.failures.remove(failure)
                return failure[0], _error(failure[0], "Injected failure", path)
        auth = headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else None
        if not token or (self.tokens is not None and token not in self.tokens):
            return 401, _error(401, "The authentication token is missing or invalid", path)
        if token in self.revoked and path.startswith("/v1/alerts/"):
            return 403, _error(403, "The skill does not have permission for reminders", path)
        zone = _TIME_ZONE.fullmatch(path)
        if zone and method == "GET":
            if self.time_zone is None:
                return 204, None
            return 200, self.time_zone
        if path == "/v1/alerts/reminders" and method == "POST":
            return self._create(body)
        if path == "/v1/alerts/reminders" and method == "GET":
            with self.lock:
                alerts = list(self.reminders.values())
            return 200, {"totalCount": str(len(alerts)), "alerts": alerts, "links": None}
        one = _REMINDER.fullmatch(path)
        if one and method in ("GET", "DELETE"):
            with self.lock:
                found = self.reminders.get(one[1])
                if found is not None and method == "DELETE":
                    del self.reminders[one[1]]
            if found is None:
                return 404, _error(404, "No reminder with that alert token")
            return 200, (found if method == "GET" else None)
        return 404, _error(404, f"No such resource: {method} {path}")

    def _create(self, raw: bytes) -> tuple[int, Any]:
        try:
            body = json.loads(raw)
        except ValueError:
            return 400, _error(400, "The body is not JSON")
        problem = _reminder_problem(body)
        if problem:
            return 400, {"code": problem[0], "message": problem[1]}
        with self.lock:
            token = self._store(body)
            created = self.reminders[token]
        return 201, {key: created[key] for key in
                     ("alertToken", "createdTime", "updatedTime", "status", "version")}


def _reminder_problem(body: Any) -> tuple[str, str] | None:
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
        if moment is not None and not _LOCAL_TIME.fullmatch(moment):
            return "INVALID_TRIGGER_SCHEDULED_TIME_FORMAT", f"Not a local time: {moment}"
    for rule in (recurrence or {}).get("recurrenceRules") or ():
        if not rule.startswith("FREQ="):
            return "INVALID_RECURRENCE_RULE", f"Not an RFC 5545 rule: {rule}"
    content = ((body.get("alertInfo") or {}).get("spokenInfo") or {}).get("content") or []
    if not content or not all(item.get("locale") and item.get("text") for item in content):
        return "INVALID_ALERT_INFO", "alertInfo.spokenInfo.content needs a locale and text"
    if len(content[0]["text"]) > 250:
        return "INVALID_ALERT_INFO", "The spoken text is too long"
    return None


def _error(status: int, message: str, path: str = "") -> dict[str, str]:
    if path.startswith("/v2/"):
        return {"code": _SETTINGS_ERRORS.get(status, "UNKNOWN_ERROR"), "message": message}
    return {"code": _ERRORS.get(status, "ERROR"), "message": message}


def _handler(api: AlexaApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if api.delay:
                time.sleep(api.delay)
            status, data = api.answer(self.command, self.path, self.headers, body)
            payload = b"" if data is None else json.dumps(data).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:
                pass  # the client gave up waiting (a timeout test)

        do_GET = do_POST = do_DELETE = do_PUT = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def alexa_api(**settings: Any) -> Iterator[AlexaApi]:
    """The APIs on 127.0.0.1 at a free port for the duration of the block."""
    api = AlexaApi(**settings)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(api))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    api.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield api
    finally:
        server.shutdown()
        server.server_close()
