"""waitress's own refusals, answered in JSON on a real server, with fixed reasons."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator

import pytest
from flask import Flask

from skill.web.wsgi_server import create_server, refusal_reason

MAX_BODY = 1024


@pytest.fixture
def server() -> Iterator[tuple[str, int]]:
    app = Flask(__name__)
    app.get("/")(lambda: "hello")
    listener = socket.create_server(("127.0.0.1", 0))
    running = create_server(app, listener, threads=1, max_request_body_size=MAX_BODY)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    yield listener.getsockname()
    # Closed from inside its own loop, which then ends: no select on a closed socket.
    running.trigger.pull_trigger(running.close)
    thread.join(5)
    running.task_dispatcher.shutdown()


def answer(address: tuple[str, int], request: bytes) -> tuple[bytes, dict]:
    """The status (code and reason) and JSON body the server gives a raw request."""
    with socket.create_connection(address, timeout=10) as connection:
        connection.sendall(request)
        reply = b""
        while chunk := connection.recv(65536):
            reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    assert b"Content-Type: application/json" in head
    return head.split(b"\r\n")[0].split(b" ", 1)[1], json.loads(body)


@pytest.mark.parametrize(
    ("request_bytes", "status", "reason"),
    [
        (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\n\r\n",
         b"413 Request Entity Too Large", "request body is larger than 1024 bytes"),
        (b"GET / HTTP/1.1\r\nHost: x\r\nno colon here <script>\r\n\r\n",
         b"400 Bad Request", "the request is not valid HTTP"),
        (b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
         b"501 Not Implemented",
         "this server does not support the request's transfer encoding"),
    ],
)
def test_waitress_refusals_are_json_with_a_fixed_reason(
    server: tuple[str, int], request_bytes: bytes, status: bytes, reason: str
) -> None:
    assert answer(server, request_bytes) == (status, {"error": reason})


def test_a_request_the_app_answers_is_untouched(server: tuple[str, int]) -> None:
    with socket.create_connection(server, timeout=10) as connection:
        connection.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        reply = connection.makefile("rb").read()
    assert reply.startswith(b"HTTP/1.1 200") and reply.endswith(b"hello")


def test_an_unexpected_status_still_gets_a_sentence() -> None:
    assert refusal_reason(500, MAX_BODY) == "the server could not read this request"
