"""The simulator's own Alexa APIs on loopback: Reminders and Settings for simulated devices.

A small threaded `http.server` on 127.0.0.1, at a free port, answering as
`skill.simulator.alexa_apis` says for each conversation that opened its account here, found by
the `apiAccessToken` its requests carry. The skill reaches it exactly as it reaches Alexa: with
its own HTTP client, at the `apiEndpoint` the request names. A simulated device opens its
account before each request (the reminders it holds, its time zone, the permissions granted)
and closes it after, taking the account back: the conversation (a session file, the page's
state) keeps the reminders, and the server keeps nothing between requests.

For tests, the documented errors on demand: `fail_next(status, method)` makes the next call
answer 429, 500 or any other status with the API's error body, `revoke(token)` takes the
permission back (403), and `delay` makes every answer late.
"""

from __future__ import annotations

import functools
import json
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from skill.runtime.intents import REMINDERS_SCOPE
from skill.simulator.alexa_apis import AlexaAccount, Answer, Call, answer, error

# Bodies the skill sends are a few hundred bytes; anything far larger is not a reminder.
_MAX_BODY = 64 * 1024
# The latest calls (method and path), in memory only, for tests to see what the skill asked.
_CALLS_KEPT = 100


@dataclass
class _Opened:
    account: AlexaAccount
    time_zone: str | None
    scopes: tuple[str, ...]


@dataclass
class SimulatedAlexa:
    """The accounts open at the moment, the calls made, and any failures asked for.

    With `any_token`, a token no one opened gets an account of its own with the reminders
    permission and `time_zone`: a stand-in for Alexa that `nocontact say --api-endpoint`
    reaches from another process.
    """

    any_token: bool = False
    time_zone: str | None = "America/Los_Angeles"
    url: str = ""
    delay: float = 0.0
    calls: deque[tuple[str, str]] = field(default_factory=lambda: deque(maxlen=_CALLS_KEPT))
    _opened: dict[str, _Opened] = field(default_factory=dict)
    _revoked: set[str] = field(default_factory=set)
    _failures: list[tuple[int, str | None]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def open(
        self,
        token: str,
        account: AlexaAccount | None = None,
        *,
        time_zone: str | None,
        scopes: tuple[str, ...] = (),
    ) -> None:
        """Answer calls carrying `token` from this account until it is closed."""
        with self._lock:
            self._opened[token] = _Opened(account or AlexaAccount(), time_zone, tuple(scopes))

    def close(self, token: str) -> AlexaAccount:
        """The account as the calls left it; the token is no longer answered."""
        with self._lock:
            opened = self._opened.pop(token, None)
        return opened.account if opened else AlexaAccount()

    def account(self, token: str) -> AlexaAccount:
        """The account open under `token` (empty when none is)."""
        with self._lock:
            opened = self._opened.get(token)
        return opened.account if opened else AlexaAccount()

    def accounts(self) -> dict[str, AlexaAccount]:
        """Every open account, by token."""
        with self._lock:
            return {token: opened.account for token, opened in self._opened.items()}

    def revoke(self, token: str) -> None:
        """The listener took the reminders permission back: reminder calls answer 403."""
        with self._lock:
            self._revoked.add(token)

    def fail_next(self, status: int, method: str | None = None) -> None:
        """The next call (with `method`, when given) answers `status` with the API's error."""
        with self._lock:
            self._failures.append((status, method))

    def handle(self, method: str, path: str, authorization: str, body: bytes) -> Answer:
        """The answer to one call, and the account kept as it leaves it."""
        with self._lock:
            self.calls.append((method, path))
            failure = next((f for f in self._failures if f[1] in (None, method)), None)
            if failure is not None:
                self._failures.remove(failure)
                return error(failure[0], "Injected failure", path, AlexaAccount())
            token = authorization.removeprefix("Bearer ")
            opened = self._opened.get(token) if authorization.startswith("Bearer ") else None
            if opened is None and self.any_token and token:
                opened = self._opened[token] = _Opened(
                    AlexaAccount(), self.time_zone, (REMINDERS_SCOPE,)
                )
            if opened is None:
                return error(401, "The authentication token is missing or invalid", path,
                             AlexaAccount())
            if token in self._revoked and path.startswith("/v1/alerts/"):
                return error(403, "The skill no longer has permission for reminders", path,
                             opened.account)
            result = answer(
                Call(method, path, body), opened.account, time_zone=opened.time_zone,
                may_remind=REMINDERS_SCOPE in opened.scopes, now=datetime.now(UTC),
            )
            opened.account = result.account
            return result


def _handler(alexa: SimulatedAlexa) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = min(int(self.headers.get("Content-Length") or 0), _MAX_BODY)
            body = self.rfile.read(length) if length > 0 else b""
            if alexa.delay:
                time.sleep(alexa.delay)
            result = alexa.handle(
                self.command, self.path, self.headers.get("Authorization", ""), body
            )
            payload = b"" if result.body is None else json.dumps(result.body).encode()
            try:
                self.send_response(result.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:
                pass  # the skill gave up waiting (its deadline passed)

        do_GET = do_POST = do_DELETE = do_PUT = _serve

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: what the skill asks for is no one's business in a log."""

    return Handler


@contextmanager
def serving(**settings: Any) -> Iterator[SimulatedAlexa]:
    """The APIs on 127.0.0.1 at a free port for the duration of the block."""
    alexa, server = _start(SimulatedAlexa(**settings))
    try:
        yield alexa
    finally:
        server.shutdown()
        server.server_close()


@lru_cache(maxsize=1)
def shared_alexa() -> SimulatedAlexa:
    """The APIs every simulated device of this process talks to, started at the first use."""
    alexa, _ = _start(SimulatedAlexa())
    return alexa


def _start(alexa: SimulatedAlexa) -> tuple[SimulatedAlexa, ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(alexa))
    server.daemon_threads = True
    # Checked for shutdown every 50 ms rather than the default 0.5 s: a session ends promptly.
    serve = functools.partial(server.serve_forever, poll_interval=0.05)
    threading.Thread(target=serve, name="alexa-apis", daemon=True).start()
    alexa.url = f"http://127.0.0.1:{server.server_address[1]}"
    return alexa, server
