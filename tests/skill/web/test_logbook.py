"""Log hygiene: fingerprints stand in for request text, and repeated warnings are throttled."""

from __future__ import annotations

import logging

import pytest

from skill.web.logbook import Throttle, fingerprint


def test_a_fingerprint_is_short_stable_and_holds_none_of_the_text() -> None:
    text = "https://s3.amazonaws.com/echo.api/\x1b[31mforged\nline"
    assert fingerprint(text) == fingerprint(text)
    assert len(fingerprint(text)) == 12 and fingerprint(text).isalnum()
    assert fingerprint(text) != fingerprint(text + "x")


def test_a_repeated_message_is_written_once_per_interval_with_a_count(
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = [0.0]
    throttle = Throttle(logging.getLogger("tests.logbook"), interval=60, clock=lambda: now[0])
    with caplog.at_level("WARNING", logger="tests.logbook"):
        for _ in range(5):
            throttle.log(logging.WARNING, "Refused %s", "a")
        throttle.log(logging.WARNING, "Another kind")
        now[0] = 61.0
        throttle.log(logging.WARNING, "Refused %s", "b")
    assert [r.getMessage() for r in caplog.records] == [
        "Refused a", "Another kind", "Refused b (4 more like it held back since the last one)",
    ]
