"""A loopback fault proxy in front of moto's server: DynamoDB and S3 failing as AWS fails.

boto3 clients point at `FaultProxy.url` instead of moto's; the proxy forwards each request,
or fails it the way `mode` says:

    pass           forward to moto
    refuse         nothing listens on the port: every connection is refused
    hang           read the request and never answer (until the mode changes or it closes)
    throttle       the service's throttling error: DynamoDB's HTTP 400
                   ProvisionedThroughputExceededException, S3's HTTP 503 SlowDown
    500            the service's internal error: DynamoDB's InternalServerError, S3's
                   InternalError, both HTTP 500
    throttle-half  every other request throttled (the first one included), the rest forwarded

`operations` narrows a fault to some DynamoDB operations ({"PutItem", "DeleteItem"}: writes
fail while reads work); other requests pass. `seen` lists the operation of every request that
reached the proxy ("GetItem", ..., or "S3").
"""

from __future__ import annotations

import http.client
import itertools
import json
import threading
from collections.abc import Collection
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

MODES = ("pass", "refuse", "hang", "throttle", "500", "throttle-half")
FAULTS = MODES[1:]
DYNAMODB_TARGET = "DynamoDB_20120810."
_DYNAMODB_ERROR = "com.amazonaws.dynamodb.v20120810#"
# Hop-by-hop headers, which belong to one connection and are never forwarded.
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade"}


class FaultProxy:
    """An HTTP proxy on 127.0.0.1 forwarding to `upstream` (moto), or failing on purpose."""

    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.seen: list[str] = []
        self._arrived = threading.Condition()
        self._mode = "pass"
        self._operations: frozenset[str] = frozenset()
        self._turns = itertools.count()
        self._lock = threading.Lock()
        self._released = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._port = 0
        self._listen()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    @property
    def mode(self) -> str:
        return self._mode

    @property
    def requests(self) -> int:
        """How many requests have reached the proxy."""
        return len(self.seen)

    def wait_for(self, count: int, timeout: float = 10) -> None:
        """Block until `count` requests in all have reached the proxy."""
        with self._arrived:
            if not self._arrived.wait_for(lambda: self.requests >= count, timeout):
                raise TimeoutError(f"{self.requests} of {count} requests reached the proxy")

    def fail(self, mode: str, operations: Collection[str] = ()) -> FaultProxy:
        """Fail from now on as `mode` says, only `operations` when named (DynamoDB's)."""
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}; use one of {', '.join(MODES)}")
        if mode == "refuse" and operations:
            raise ValueError("a port refuses every connection, whatever the operation")
        with self._lock:
            self._released.set()  # requests left hanging by the previous mode end now
            self._released = threading.Event()
            self._mode, self._operations = mode, frozenset(operations)
            self._turns = itertools.count()
        if mode == "refuse":
            self._stop_listening()
        elif self._server is None:
            self._listen()
        return self

    def heal(self) -> FaultProxy:
        """Forward everything again."""
        return self.fail("pass")

    def close(self) -> None:
        self._released.set()
        self._stop_listening()

    def decide(self, operation: str) -> tuple[str, threading.Event]:
        """What to do with one request: its mode (a turn of throttle-half counted), and the
        event that ends a hang."""
        with self._lock:
            mode, released = self._mode, self._released
            if self._operations and operation not in self._operations:
                mode = "pass"
            elif mode == "throttle-half":
                mode = "throttle" if next(self._turns) % 2 == 0 else "pass"
        with self._arrived:
            self.seen.append(operation)
            self._arrived.notify_all()
        return mode, released

    def _listen(self) -> None:
        server = ThreadingHTTPServer(("127.0.0.1", self._port), _Handler)
        server.daemon_threads = True
        server.proxy = self  # type: ignore[attr-defined]
        self._port = server.server_port
        self._server = server
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()

    def _stop_listening(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()


class _Handler(BaseHTTPRequestHandler):
    """One request through the proxy; HTTP/1.0, so every answer closes its connection."""

    def do_GET(self) -> None:
        self._handle()

    do_HEAD = do_PUT = do_POST = do_DELETE = do_GET

    def _handle(self) -> None:
        proxy: FaultProxy = self.server.proxy  # type: ignore[attr-defined]
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        target = self.headers.get("X-Amz-Target") or ""
        dynamodb = target.startswith(DYNAMODB_TARGET)
        mode, released = proxy.decide(target.removeprefix(DYNAMODB_TARGET) if dynamodb else "S3")
        if mode == "hang":
            released.wait(timeout=60)
            self.close_connection = True
        elif mode == "throttle":
            self._fail(dynamodb, 400, "ProvisionedThroughputExceededException", 503, "SlowDown")
        elif mode == "500":
            self._fail(dynamodb, 500, "InternalServerError", 500, "InternalError")
        else:
            self._forward(proxy.upstream, body)

    def _fail(self, dynamodb: bool, status: int, code: str, s3_status: int, s3_code: str) -> None:
        """The error as the service sends it: JSON with `__type` from DynamoDB, XML from S3."""
        if dynamodb:
            payload = json.dumps({"__type": _DYNAMODB_ERROR + code, "message": code}).encode()
            self._send(status, "application/x-amz-json-1.0", payload)
        else:
            payload = (f"<?xml version='1.0' encoding='UTF-8'?><Error><Code>{s3_code}</Code>"
                       f"<Message>{s3_code}</Message><RequestId>fault</RequestId></Error>")
            self._send(s3_status, "application/xml", payload.encode())

    def _send(self, status: int, content_type: str, payload: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("x-amzn-RequestId", "fault")
        self.end_headers()
        self.wfile.write(payload)

    def _forward(self, upstream: tuple[str, int], body: bytes) -> None:
        connection = http.client.HTTPConnection(*upstream, timeout=30)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
            connection.request(self.command, self.path, body=body or None, headers=headers)
            answer = connection.getresponse()
            payload = answer.read()
        finally:
            connection.close()
        self.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in _HOP_BY_HOP | {"content-length"}:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: tests read the count, not a log."""
