"""`nocontact serve`: a real server process, verification on by default, loud when it is off."""

from __future__ import annotations

import argparse
import json
import os
import re
import selectors
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

from scripts.cli import build_parser, main
from scripts.run import DEFAULT_PERSISTENCE, serve_config
from scripts.serve import SIMULATOR_OFF, web_config
from tests.skill.alexa_requests import (
    CLIP_BYTES,
    CLIP_PATH,
    body_of,
    envelope,
    section_request,
    write_store,
)

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 60


@contextmanager
def serving(
    *options: str, cwd: Path = ROOT, **settings: str
) -> Iterator[tuple[str, subprocess.Popen]]:
    """`nocontact serve --port 0 ...` in its own process; yields its address once it is up."""
    process = subprocess.Popen(
        [sys.executable, "-m", "scripts.cli", "serve", "--port", "0", *options],
        cwd=cwd, env=clean_environment(**settings), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
        preexec_fn=_interruptible,  # noqa: PLW1509  (runs before the child execs; it starts no thread)
    )
    try:
        yield _address(process), process
    finally:
        if process.poll() is None:
            stop(process)


def _interruptible() -> None:
    """Let Ctrl+C reach the server even if this run inherited SIGINT ignored (a background job)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def clean_environment(**settings: str) -> dict[str, str]:
    """This process's environment without the skill's settings, plus the given ones."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("NOCONTACT_")}
    return {**environ, "PYTHONPATH": str(ROOT), **settings}


def stop(process: subprocess.Popen) -> tuple[str, str]:
    """Ctrl+C the server; returns the rest of its output and its error stream.

    Both streams are read while it shuts down, so a server with a full pipe still exits.
    """
    process.send_signal(signal.SIGINT)
    with ThreadPoolExecutor(max_workers=2) as pool:
        out, err = pool.submit(process.stdout.read), pool.submit(process.stderr.read)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()  # ends the reads too, so the failure shows rather than a hang
            raise
        return out.result(10), err.result(10)


def _address(process: subprocess.Popen) -> str:
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(STARTUP_SECONDS):
            raise AssertionError("the server did not start in time")
    line = process.stdout.readline()
    found = re.search(r"http://127\.0\.0\.1:\d+", line)
    assert found, (line, process.stderr.read() if process.poll() is not None else "")
    return found.group()


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def post(url: str, data: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"{url}/alexa", data=body_of(data), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_every_serve_option_is_documented() -> None:
    serve = build_parser()._subparsers._group_actions[0].choices["serve"]
    assert serve.description
    for action in serve._actions:
        assert action.help, action.dest


@pytest.mark.slow
def test_server_verifies_requests_by_default(tmp_path: Path) -> None:
    with serving("--store", str(write_store(tmp_path / "store"))) as (url, process):
        with urllib.request.urlopen(f"{url}/healthz", timeout=10) as health:
            assert json.loads(health.read()) == {"status": "ok"}
        status, answer = post(url, envelope())
        assert status == 400
        assert answer == {
            "error": "request verification failed: missing SignatureCertChainUrl header"
        }
        assert get(f"{url}/")[0] == 200
        out, err = stop(process)
    assert process.returncode == 0
    assert "Stopped." in out
    assert "verification is OFF" not in err


@pytest.mark.slow
def test_no_verify_warns_loudly_and_plays_clips_from_this_server(tmp_path: Path) -> None:
    with serving("--store", str(write_store(tmp_path / "store")), "--no-verify") as (url, process):
        status, answer = post(url, section_request())
        assert status == 200
        assert f'<audio src="{url}{CLIP_PATH}"/>' in answer["response"]["outputSpeech"]["ssml"]
        with urllib.request.urlopen(f"{url}{CLIP_PATH}", timeout=10) as clip:
            assert clip.headers["Content-Type"] == "audio/mpeg"
        _, err = stop(process)
    assert "WARNING: Request verification is OFF" in err
    assert "local testing only" in err


def test_busy_port_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        with pytest.raises(SystemExit) as exit_info:
            main(["serve", "--port", str(port)])
    assert str(exit_info.value).startswith(f"nocontact serve: cannot listen on 127.0.0.1:{port}")
    assert "choose another --port" in str(exit_info.value)


@pytest.mark.slow
def test_behind_a_public_url_the_simulator_is_off_and_says_so(tmp_path: Path) -> None:
    store = str(write_store(tmp_path / "store"))
    public = ("--public-url", "https://companion.example.org", "--allow-any-skill")
    with serving("--store", store, *public) as (
        url, process,
    ):
        assert get(f"{url}/")[0] == 404
        assert get(f"{url}/simulator/setup")[0] == 404
        out, _ = stop(process)
    assert SIMULATOR_OFF in out


@pytest.mark.slow
def test_a_relative_store_is_served_from_the_working_directory(tmp_path: Path) -> None:
    manifest = (write_store(tmp_path / "store") / "manifest.json").read_bytes()
    with serving("--store", "store", cwd=tmp_path) as (url, _):
        assert get(f"{url}/audio/manifest.json") == (200, manifest)
        assert get(f"{url}{CLIP_PATH}") == (200, CLIP_BYTES)


def serve_args(*options: str) -> argparse.Namespace:
    return build_parser().parse_args(["serve", *options])


@pytest.mark.parametrize(
    ("options", "served"),
    [
        ((), True),
        (("--host", "localhost"), True),
        (("--host", "::1"), True),
        (("--no-simulator",), False),
        (("--public-url", "https://companion.example.org"), False),
        (("--host", "0.0.0.0"), False),
        (("--host", "192.168.1.20"), False),
    ],
)
def test_the_simulator_is_served_only_where_no_one_else_can_reach_it(
    options: tuple[str, ...], served: bool
) -> None:
    assert web_config(serve_args(*options), {}).simulator is served


def test_run_serves_the_simulator_and_keeps_listening_positions_locally() -> None:
    config = serve_config(serve_args(), {})
    assert config.simulator and config.skill.persistence == DEFAULT_PERSISTENCE
    chosen = serve_config(serve_args(), {"NOCONTACT_PERSISTENCE": "sqlite:elsewhere.sqlite3"})
    assert chosen.skill.persistence == "sqlite:elsewhere.sqlite3"


@pytest.mark.parametrize("command", ["serve", "run"])
def test_an_unusable_skill_setting_is_one_sentence(
    command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOCONTACT_MANIFEST_REFRESH_SECONDS", "abc")
    with pytest.raises(SystemExit) as stopped:
        main([command, "--port", "0"])
    message = str(stopped.value)
    assert message.startswith(f"nocontact {command}: NOCONTACT_MANIFEST_REFRESH_SECONDS='abc'")
    assert "\n" not in message


@pytest.mark.parametrize("command", ["serve", "run"])
@pytest.mark.parametrize("port", ["99999", "-1", "eighty"])
def test_a_port_that_is_not_one_is_refused_before_anything_runs(
    command: str, port: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main([command, "--port", port])
    assert stopped.value.code == 2
    assert f"{port!r} is not a port number" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.parametrize(
    ("options", "reason"),
    [
        (("--no-verify", "--public-url", "https://companion.example.org"),
         "verification can be off only for local testing, but this server has a public URL"),
        (("--no-verify", "--host", "0.0.0.0"), "it listens on 0.0.0.0, which others can reach"),
        (("--public-url", "https://companion.example.org"), "--allow-any-skill"),
        (("--host", "0.0.0.0"), "NOCONTACT_SKILL_ID is not set"),
    ],
    ids=["unverified-public-url", "unverified-any-address", "any-skill-public-url",
         "any-skill-any-address"],
)
def test_ways_around_verification_stop_the_server_with_one_sentence(
    options: tuple[str, ...], reason: str
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "scripts.cli", "serve", "--port", "0", *options],
        cwd=ROOT, env=clean_environment(), capture_output=True, text=True, timeout=STARTUP_SECONDS,
        check=False,
    )
    assert result.returncode != 0
    assert result.stderr.startswith("nocontact serve: ") and reason in result.stderr
    assert result.stderr.count("\n") == 1
    assert "Serving" not in result.stdout and "WARNING" not in result.stderr


@pytest.mark.slow
def test_a_public_server_naming_its_skill_starts(tmp_path: Path) -> None:
    public = ("--public-url", "https://companion.example.org")
    with serving(*public, NOCONTACT_SKILL_ID="amzn1.ask.skill.test") as (url, _):
        assert get(f"{url}/healthz")[0] == 200


def _raw(url: str, request: bytes) -> bytes:
    """Send raw bytes to the server; its whole answer, once it closes the connection."""
    host, port = url.removeprefix("http://").split(":")
    answer = b""
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(request)
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


@pytest.mark.slow
def test_the_local_server_refuses_foreign_host_names_and_huge_bodies(tmp_path: Path) -> None:
    with serving("--store", str(write_store(tmp_path / "store")), "--no-verify") as (url, _):
        port = url.rsplit(":", 1)[1]
        rebound = _raw(url, b"GET /healthz HTTP/1.1\r\nHost: evil.example:" + port.encode()
                       + b"\r\nConnection: close\r\n\r\n")
        assert rebound.startswith(b"HTTP/1.1 400") and b"loopback name" in rebound
        assert b"nosniff" in rebound
        own = _raw(url, b"GET /healthz HTTP/1.1\r\nHost: localhost:" + port.encode()
                   + b"\r\nConnection: close\r\n\r\n")
        assert own.startswith(b"HTTP/1.1 200")
        huge = _raw(url, b"POST /alexa HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                    b"application/json\r\nContent-Length: 10485760\r\nConnection: close"
                    b"\r\n\r\n{}")
        assert huge.startswith(b"HTTP/1.1 413")
        head, _, body = huge.partition(b"\r\n\r\n")
        assert b"Content-Type: application/json" in head
        assert json.loads(body) == {"error": "request body is larger than 1048576 bytes"}
        malformed = _raw(url, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nBad header line"
                         b"\r\n\r\n")
        head, _, body = malformed.partition(b"\r\n\r\n")
        assert b" 400 Bad Request" in head and b"application/json" in head
        assert json.loads(body) == {"error": "the request is not valid HTTP"}
        chunked = _raw(url, b"POST /alexa HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                       b"application/json\r\nTransfer-Encoding: chunked\r\nConnection: close"
                       b"\r\n\r\n" + b"".join(b"4000\r\n" + b" " * 0x4000 + b"\r\n"
                                                for _ in range(12)) + b"0\r\n\r\n")
        assert chunked.startswith(b"HTTP/1.1 413") and b"larger than 131072 bytes" in chunked
