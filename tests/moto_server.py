"""A pytest plugin: moto's AWS server on loopback for the whole test session.

Tests that need it name the plugin (`pytest_plugins = ("tests.moto_server",)`) and take the
`moto_endpoint` fixture; boto3 clients point at it with `endpoint_url` and fake credentials,
so nothing ever reaches AWS.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

REGION = "us-east-1"


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """The URL of a moto server on 127.0.0.1, on a free port."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials and a region, so boto3 never looks for real ones."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
