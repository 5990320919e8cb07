"""waitress, the WSGI server `nocontact serve` runs, with its own refusals answered in JSON.

waitress refuses some requests before the app sees them (a body past its size limit, a request
that is not valid HTTP, headers too large) with a plain-text page. Here they get the app's
`{"error": reason}` instead, so every error a client of this server reads is JSON. The reasons
are fixed sentences: waitress's own messages may quote what the request carried.
"""

from __future__ import annotations

import json
import socket
from typing import Any

import waitress
from waitress.channel import HTTPChannel
from waitress.task import ErrorTask

_REASONS = {
    400: "the request is not valid HTTP",
    431: "the request's headers are too large",
    501: "this server does not support the request's transfer encoding",
}
_DEFAULT_REASON = "the server could not read this request"


class JsonErrorTask(ErrorTask):
    """waitress's error answer, with a JSON body of one reason."""

    def execute(self) -> None:
        error = self.request.error
        body = json.dumps({"error": refusal_reason(error.code, self._max_body())}).encode()
        self.status = f"{error.code} {error.reason}"
        self.response_headers.extend([
            ("Content-Type", "application/json"),
            ("X-Content-Type-Options", "nosniff"),
        ])
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)

    def _max_body(self) -> int:
        return int(self.channel.server.adj.max_request_body_size)


class JsonErrorChannel(HTTPChannel):
    """A connection whose refusals are JSON (waitress makes one per client connection)."""

    error_task_class = JsonErrorTask


def refusal_reason(status: int, max_body: int) -> str:
    """The sentence a client reads when waitress refuses its request with `status`."""
    if status == 413:
        return f"request body is larger than {max_body} bytes"
    return _REASONS.get(status, _DEFAULT_REASON)


def create_server(app: Any, listener: socket.socket, **settings: Any) -> Any:
    """A waitress server for `app` on one listening socket, refusing in JSON."""
    server = waitress.create_server(app, sockets=[listener], **settings)
    server.channel_class = JsonErrorChannel
    return server
