"""Requests per second of the verified skill endpoint against a bare Flask endpoint.

Each server runs in its own process under waitress on loopback; one client process sends
a signed LaunchRequest from 16 threads over keep-alive connections. The verified server
checks every request in full (certificate from its cache after the first request, RSA
signature, timestamp, skill id) before the skill answers; the bare endpoint only parses the
JSON and returns a fixed response; the unverified server runs the same skill without the
checks, which separates the cost of verification from the cost of the skill. The three are
loaded in interleaved rounds, in a rotating order, so that machine noise hits all alike;
each round signs a fresh request, since Amazon's timestamps are good for 150 seconds.

    .venv/bin/python bench/webservice.py [--requests 4000] [--rounds 10] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

KINDS = ("bare", "unverified", "verified")
THREADS = 8


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=4000, help="Requests per server.")
    parser.add_argument("--rounds", type=int, default=10, help="Interleaved rounds.")
    parser.add_argument("--concurrency", type=int, default=16, help="Client threads.")
    parser.add_argument("--serve", choices=KINDS, help=argparse.SUPPRESS)
    parser.add_argument("--certificates", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve(args.serve, args.certificates)
    return compare(args.requests, args.rounds, args.concurrency)


def compare(requests: int, rounds: int, concurrency: int) -> int:
    """Start the servers, load them round by round, print requests per second and latency."""
    from cryptography.hazmat.primitives.serialization import Encoding

    from tests.skill.alexa_requests import authority

    per_round = max(concurrency, requests // rounds)
    seconds = dict.fromkeys(KINDS, 0.0)
    latencies: dict[str, list[float]] = {kind: [] for kind in KINDS}
    with tempfile.TemporaryDirectory() as folder, contextlib.ExitStack() as servers:
        certificates = Path(folder)
        ca = authority()
        (certificates / "root.pem").write_bytes(ca.root.public_bytes(Encoding.PEM))
        (certificates / "chain.pem").write_bytes(ca.chain_pem())
        ports = {kind: servers.enter_context(_server(kind, certificates)) for kind in KINDS}
        print(f"{rounds} rounds of {per_round} requests per server, {concurrency} client "
              f"threads, waitress with {THREADS} threads, loopback")
        for port in ports.values():
            _load(port, *_signed(), 200, concurrency)  # warm up: imports, certificate cache
        for number in range(rounds):
            body, headers = _signed()
            for kind in KINDS[number % 3 :] + KINDS[: number % 3]:
                spent, times = _load(ports[kind], body, headers, per_round, concurrency)
                seconds[kind] += spent
                latencies[kind] += times
    rates = {kind: len(latencies[kind]) / seconds[kind] for kind in KINDS}
    for kind in KINDS:
        p50 = statistics.median(latencies[kind])
        p95 = statistics.quantiles(latencies[kind], n=20)[18]
        print(f"  {kind:<11} {rates[kind]:8.0f} req/s   p50 {p50 * 1000:6.2f} ms   "
              f"p95 {p95 * 1000:6.2f} ms")
    print(f"verified / bare: {rates['verified'] / rates['bare']:.2f}   "
          f"verified / unverified: {rates['verified'] / rates['unverified']:.2f}")
    return 0


def _signed() -> tuple[bytes, dict[str, str]]:
    """A LaunchRequest timestamped now, and the headers Alexa would sign it with."""
    from tests.skill.alexa_requests import body_of, envelope, signed_headers

    body = body_of(envelope())
    return body, {**signed_headers(body), "Content-Length": str(len(body))}


class _server:
    """A server process for one kind of endpoint; the context value is its port."""

    def __init__(self, kind: str, certificates: Path) -> None:
        self.command = [
            sys.executable, __file__, "--serve", kind, "--certificates", str(certificates)
        ]

    def __enter__(self) -> int:
        self.process = subprocess.Popen(self.command, stdout=subprocess.PIPE, text=True)
        return int(self.process.stdout.readline())

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        self.process.wait(10)


def _load(
    port: int, body: bytes, headers: dict[str, str], requests: int, concurrency: int
) -> tuple[float, list[float]]:
    """Send `requests` POSTs over `concurrency` keep-alive connections; every one must be 200."""

    def worker(count: int) -> list[float]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        latencies = []
        for _ in range(count):
            start = time.perf_counter()
            connection.request("POST", "/alexa", body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            latencies.append(time.perf_counter() - start)
            if response.status != 200 or "response" not in json.loads(payload):
                raise SystemExit(f"bench: unexpected answer {response.status}: {payload[:200]!r}")
        connection.close()
        return latencies

    shares = [requests // concurrency + (n < requests % concurrency) for n in range(concurrency)]
    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        latencies = [value for part in pool.map(worker, shares) for value in part]
    return time.perf_counter() - start, latencies


def serve(kind: str, certificates: Path) -> int:
    """Run one server on a free port and print the port."""
    import logging

    import waitress

    # More connections than threads is the point of the exercise; waitress warns about it.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    app = _bare_app() if kind == "bare" else _skill_app(kind == "verified", certificates)
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=THREADS)
    print(server.effective_port, flush=True)
    server.run()
    return 0


def _bare_app():
    from flask import Flask, Response, request

    app = Flask(__name__)
    answer = json.dumps({"version": "1.0", "response": {"shouldEndSession": True}})

    @app.post("/alexa")
    def alexa() -> Response:
        json.loads(request.get_data())
        return Response(answer, mimetype="application/json")

    return app


def _skill_app(verify: bool, certificates: Path):
    from cryptography import x509
    from cryptography.x509.verification import Store

    from skill.runtime.config import SkillConfig
    from skill.web.verify import RequestVerifier
    from skill.web.webservice import WebConfig, create_app
    from tests.skill.alexa_requests import CERT_URL, SKILL_ID, Downloads

    root = x509.load_pem_x509_certificate((certificates / "root.pem").read_bytes())
    verifier = RequestVerifier(
        skill_id=SKILL_ID,
        trust_store=Store([root]),
        fetcher=Downloads({CERT_URL: (certificates / "chain.pem").read_bytes()}),
    )
    # Loopback: verification may be off only there (skill.web.settings).
    config = WebConfig(skill=SkillConfig(skill_id=SKILL_ID), host="127.0.0.1", verify=verify)
    return create_app(config, verifier=verifier)


if __name__ == "__main__":
    sys.exit(main())
