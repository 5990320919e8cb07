"""Certificate downloads stay bounded whatever callers send: through create_app, against a
loopback certificate server that counts what it is asked for."""

from __future__ import annotations

import http.client
import http.server
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from flask.testing import FlaskClient

from skill.runtime.config import SkillConfig
from skill.web.certificates import DownloadLimits, fetch_certificate
from skill.web.errors import CertificateError
from skill.web.logbook import fingerprint
from skill.web.verify import RequestVerifier, certificate_url
from skill.web.webservice import WebConfig, create_app
from tests.skill.alexa_requests import SKILL_ID, authority, body_of, envelope, signed_headers

LOOPBACK = "127.0.0.1"
AMAZON = "https://s3.amazonaws.com"


class _Host(http.server.BaseHTTPRequestHandler):
    """/echo.api/slow*: the chain after a pause; /echo.api/hang*: nothing until released;
    /echo.api/trickle.pem: a byte at a time; anything else: 404. Every GET is counted."""

    server: CertificateServer

    def do_GET(self) -> None:
        self.server.count(self.path)
        if self.path.startswith("/echo.api/slow"):
            time.sleep(0.3)
            self._send(authority().chain_pem())
        elif self.path.startswith("/echo.api/hang"):
            self.server.release.wait(10)
            self.send_error(404)
        elif self.path == "/echo.api/trickle.pem":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            for _ in range(1000):
                if self.server.release.wait(0.02):
                    return
                self.wfile.write(b"A")
                self.wfile.flush()
        else:
            self.send_error(404)

    def _send(self, body: bytes) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class CertificateServer(http.server.ThreadingHTTPServer):
    """Stands in for s3.amazonaws.com on loopback."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__((LOOPBACK, 0), _Host)
        self.downloads: Counter[str] = Counter()
        self.release = threading.Event()
        self._lock = threading.Lock()

    def count(self, path: str) -> None:
        with self._lock:
            self.downloads[path] += 1

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.server_address[1]}"

    def fetcher(self, deadline: float = 2.0) -> Callable[[str], bytes]:
        """The real downloader, sent here instead of to Amazon."""
        return lambda url: fetch_certificate(url.replace(AMAZON, self.url), deadline)


@pytest.fixture
def certificates() -> Iterator[CertificateServer]:
    server = CertificateServer()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()


def app_for(fetcher: Callable[[str], bytes], **limits: Any) -> Any:
    verifier = RequestVerifier(
        skill_id=SKILL_ID, trust_store=authority().store(), fetcher=fetcher,
        limits=DownloadLimits(**limits),
    )
    config = WebConfig(skill=SkillConfig(skill_id=SKILL_ID), host=LOOPBACK)
    return create_app(config, verifier=verifier)


def post(client: FlaskClient, path: str) -> Any:
    body = body_of(envelope())
    return client.post("/alexa", data=body, headers=signed_headers(body, url=AMAZON + path))


def test_concurrent_cold_cache_requests_download_the_certificate_once(
    certificates: CertificateServer,
) -> None:
    import waitress

    server = waitress.create_server(
        app_for(certificates.fetcher()), host=LOOPBACK, port=0, threads=16
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()

    def send(_: int) -> int:
        body = body_of(envelope())
        connection = http.client.HTTPConnection(LOOPBACK, server.effective_port, timeout=10)
        connection.request("POST", "/alexa", body=body,
                           headers=signed_headers(body, url=f"{AMAZON}/echo.api/slow.pem"))
        status = connection.getresponse().status
        connection.close()
        return status

    try:
        with ThreadPoolExecutor(16) as pool:
            statuses = list(pool.map(send, range(16)))
    finally:
        server.close()
        thread.join(5)
    assert statuses == [200] * 16
    assert certificates.downloads == {"/echo.api/slow.pem": 1}


def test_a_failed_certificate_is_not_downloaded_again_for_a_while(
    certificates: CertificateServer,
) -> None:
    client = app_for(certificates.fetcher(), failure_seconds=0.5).test_client()
    for _ in range(20):
        response = post(client, "/echo.api/missing.pem")
        assert response.status_code == 400
        assert "could not download" in response.get_json()["error"]
    assert certificates.downloads["/echo.api/missing.pem"] == 1
    time.sleep(0.6)
    post(client, "/echo.api/missing.pem")
    assert certificates.downloads["/echo.api/missing.pem"] == 2


def test_only_a_few_downloads_run_at_once(certificates: CertificateServer) -> None:
    app = app_for(certificates.fetcher(), max_downloads=2, deadline_seconds=1.0)

    def send(n: int) -> Any:
        return post(app.test_client(), f"/echo.api/hang-{n}.pem")

    with ThreadPoolExecutor(8) as pool:
        responses = list(pool.map(send, range(8)))
    reasons = [r.get_json()["error"] for r in responses]
    assert all(r.status_code == 400 for r in responses)
    assert sum(certificates.downloads.values()) <= 2
    assert sum("too many" in reason for reason in reasons) >= 6
    # Downloads still hanging past their deadline keep their places under the cap.
    assert "too many" in post(app.test_client(), "/echo.api/hang-new.pem").get_json()["error"]


def test_one_deadline_covers_the_whole_download_name_lookup_included(
    certificates: CertificateServer,
) -> None:
    def stalled_lookup(url: str) -> bytes:
        time.sleep(3)  # a resolver that does not answer: no socket timeout applies yet
        raise CertificateError("could not download the signing certificate")

    client = app_for(stalled_lookup, deadline_seconds=0.3).test_client()
    started = time.monotonic()
    response = post(client, "/echo.api/echo-api-cert.pem")
    assert time.monotonic() - started < 1.5
    assert response.status_code == 400
    assert "took too long" in response.get_json()["error"]


def test_a_certificate_sent_a_byte_at_a_time_is_abandoned_at_the_deadline(
    certificates: CertificateServer,
) -> None:
    started = time.monotonic()
    with pytest.raises(CertificateError, match="took too long"):
        fetch_certificate(f"{certificates.url}/echo.api/trickle.pem", deadline_seconds=0.5)
    assert time.monotonic() - started < 1.5


def test_certificate_urls_reach_the_log_only_as_fingerprints_and_rarely(
    certificates: CertificateServer, caplog: pytest.LogCaptureFixture
) -> None:
    client = app_for(certificates.fetcher()).test_client()
    with caplog.at_level("INFO", logger="skill.web"):
        for n in range(30):
            post(client, f"/echo.api/attacker-chosen-{n}.pem")
    assert sum(certificates.downloads.values()) == 30
    assert "attacker-chosen" not in caplog.text
    first = certificate_url(f"{AMAZON}/echo.api/attacker-chosen-0.pem")
    assert fingerprint(first) in caplog.text
    warnings = [r for r in caplog.records if "signing certificate at URL" in r.getMessage()]
    refusals = [r for r in caplog.records if r.getMessage().startswith("Refused a request")]
    assert len(warnings) == 1 and len(refusals) == 1
