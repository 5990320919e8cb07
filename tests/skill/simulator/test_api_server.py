"""The simulator's own Alexa APIs on loopback, reached over real HTTP."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from skill.runtime.intents import REMINDERS_SCOPE
from skill.simulator.alexa_apis import REMINDERS_PATH, AlexaAccount
from skill.simulator.api_server import SimulatedAlexa, serving, shared_alexa

TOKEN = "simulator.token"


def call(alexa: SimulatedAlexa, method: str, path: str, token: str = TOKEN,
         body: Any = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        alexa.url + path, data=data, method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            raw = reply.read()
            return reply.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_an_open_account_is_answered_and_closing_takes_it_back() -> None:
    with serving() as alexa:
        alexa.open(TOKEN, time_zone="Europe/London", scopes=(REMINDERS_SCOPE,))
        assert call(alexa, "GET", "/v2/devices/d/settings/System.timeZone") == (
            200, "Europe/London")
        assert call(alexa, "GET", REMINDERS_PATH)[1]["alerts"] == []
        account = alexa.close(TOKEN)
        assert account == AlexaAccount()
        assert call(alexa, "GET", REMINDERS_PATH)[0] == 401


def test_a_token_no_one_opened_is_unauthorized_unless_any_token_is_taken() -> None:
    with serving() as alexa:
        assert call(alexa, "GET", REMINDERS_PATH, token="stranger")[1]["code"] == "UNAUTHORIZED"
    with serving(any_token=True) as alexa:
        assert call(alexa, "GET", REMINDERS_PATH, token="stranger")[0] == 200


@pytest.mark.parametrize(
    ("status", "code"),
    [(429, "TOO_MANY_REQUESTS"), (500, "INTERNAL_SERVER_ERROR"), (503, "SERVICE_UNAVAILABLE")],
)
def test_the_documented_errors_are_there_for_tests(status: int, code: str) -> None:
    with serving() as alexa:
        alexa.open(TOKEN, time_zone=None, scopes=(REMINDERS_SCOPE,))
        alexa.fail_next(status, "POST")
        assert call(alexa, "GET", REMINDERS_PATH)[0] == 200  # another method: answered
        assert call(alexa, "POST", REMINDERS_PATH, body={}) == (
            status, {"code": code, "message": "Injected failure"})
        alexa.revoke(TOKEN)
        assert call(alexa, "GET", REMINDERS_PATH)[1]["code"] == "FORBIDDEN"
        assert list(alexa.calls)[-1] == ("GET", REMINDERS_PATH)


def test_one_process_shares_one_server() -> None:
    assert shared_alexa() is shared_alexa() and shared_alexa().url.startswith("http://127.0.0.1:")
