"""Where the simulated device sends requests over HTTP."""

from __future__ import annotations

import pytest

from skill.simulator.device import SimulatorError
from skill.simulator.transports import SIMULATOR_ROUTE, endpoint_urls


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8000", "http://127.0.0.1:8000/", "http://localhost:8000/alexa",
     "http://[::1]:8000"],
)
def test_on_this_machine_the_pages_own_route_comes_first_then_the_endpoint(url: str) -> None:
    origin = url.removesuffix("/alexa").rstrip("/")
    assert endpoint_urls(url) == (origin + SIMULATOR_ROUTE, origin + "/alexa")


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("https://skill.example.org", "https://skill.example.org/alexa"),
        ("http://127.0.0.1:8000/elsewhere", "http://127.0.0.1:8000/elsewhere"),
        ("http://192.168.1.5:8000/alexa", "http://192.168.1.5:8000/alexa"),
    ],
)
def test_elsewhere_requests_go_where_the_address_says(url: str, target: str) -> None:
    assert endpoint_urls(url) == (target,)


def test_an_address_that_is_not_http_is_explained() -> None:
    with pytest.raises(SimulatorError, match="not an http"):
        endpoint_urls("ftp://example.org")
