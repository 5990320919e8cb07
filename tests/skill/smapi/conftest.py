"""A loopback SMAPI and Login with Amazon server, and credentials that it accepts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from skill.smapi.client import Smapi, make_client
from skill.smapi.credentials import Credentials
from tests.skill.smapi_api import (
    CLIENT_ID,
    CLIENT_SECRET,
    REFRESH_TOKEN,
    SmapiApi,
    certificate,
    serve_smapi,
)


@pytest.fixture
def smapi_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[SmapiApi]:
    """The loopback server, its certificate trusted by requests for the test."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificate()[0]))
    with serve_smapi() as api:
        yield api


@pytest.fixture
def smapi(smapi_api: SmapiApi) -> Smapi:
    credentials = Credentials(CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN)
    return make_client(credentials, api_endpoint=smapi_api.url, auth_endpoint=smapi_api.url)


class Waits(list):
    """Records the waits `call` asks for instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def waits() -> Waits:
    return Waits()


class FakeClock:
    """A monotonic clock that moves only when slept on, recording each wait."""

    def __init__(self) -> None:
        self.time = 0.0
        self.waits: list[float] = []

    def now(self) -> float:
        return self.time

    def sleep(self, seconds: float) -> None:
        self.waits.append(round(seconds, 6))
        self.time += seconds
