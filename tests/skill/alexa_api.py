"""Alexa's Reminders and Settings APIs on loopback, for tests: the simulator's own
(`skill.simulator.api_server`), with one listener's account open under `TOKEN`.

Nothing leaves the machine. The server answers the documented requests and errors; tests make
it fail with `fail_next`, take the permission back with `revoke` and slow it with `delay`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from typing import Any

from skill.runtime.intents import REMINDERS_SCOPE
from skill.simulator.alexa_apis import AlexaAccount, stored_reminder
from skill.simulator.api_server import SimulatedAlexa, serving

TOKEN = "amzn1.api-token.loopback"
TIME_ZONE = "America/Los_Angeles"


@contextmanager
def alexa_api(**settings: Any) -> Iterator[SimulatedAlexa]:
    """The APIs on a free loopback port; unless any token is taken, TOKEN's account is open,
    with the reminders permission and the device in TIME_ZONE.

    The server stops in the background once the block ends: it looks for the request to stop
    only every half second, and nothing after the block needs its port back."""
    running = ExitStack()
    alexa = running.enter_context(serving(time_zone=TIME_ZONE, **settings))
    try:
        if not alexa.any_token:
            alexa.open(TOKEN, time_zone=TIME_ZONE, scopes=(REMINDERS_SCOPE,))
        yield alexa
    finally:
        threading.Thread(target=running.close, name="alexa-apis-stop", daemon=True).start()


def reminders(alexa: SimulatedAlexa) -> dict[str, dict[str, Any]]:
    """Every reminder the APIs hold, in every open account, by alert token."""
    return {token: reminder for account in alexa.accounts().values()
            for token, reminder in account.reminders.items()}


def add_reminder(alexa: SimulatedAlexa, hour: int, minute: int = 0, status: str = "ON") -> str:
    """A daily reminder the skill set earlier in TOKEN's account; returns its alert token."""
    rule = f"FREQ=DAILY;BYHOUR={hour};BYMINUTE={minute};BYSECOND=0;INTERVAL=1"
    request = {
        "trigger": {"type": "SCHEDULED_ABSOLUTE", "timeZoneId": TIME_ZONE,
                    "recurrence": {"startDateTime": "2026-01-01T00:00:00.000",
                                   "recurrenceRules": [rule]}},
        "alertInfo": {"spokenInfo": {"content": [{"locale": "en-US", "text": "x"}]}},
        "pushNotification": {"status": "ENABLED"},
    }
    token, reminder = stored_reminder(request, datetime.now(UTC), status)
    account = alexa.account(TOKEN)
    alexa.open(TOKEN, AlexaAccount(reminders={**account.reminders, token: reminder}),
               time_zone=TIME_ZONE, scopes=(REMINDERS_SCOPE,))
    return token
