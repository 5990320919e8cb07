"""Bounded retries: how many attempts, how long the waits, which errors are worth retrying."""

from __future__ import annotations

import pytest

from audio.voices.backoff import Backoff
from tests.audio.conftest import Sleeps


class Flaky:
    """Fails with the given errors in turn, then returns "done"."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "done"


def test_a_passing_call_runs_once_without_waiting(record_sleeps: Sleeps) -> None:
    delays, sleep = record_sleeps
    assert Backoff(sleep=sleep).run(Flaky(), lambda error: True) == "done"
    assert delays == []


def test_waits_double_between_attempts(record_sleeps: Sleeps) -> None:
    delays, sleep = record_sleeps
    call = Flaky(TimeoutError(), TimeoutError(), TimeoutError())
    assert Backoff(attempts=4, first_delay=0.5, sleep=sleep).run(call, lambda e: True) == "done"
    assert delays == [0.5, 1.0, 2.0]


def test_the_last_error_is_raised_when_attempts_run_out(record_sleeps: Sleeps) -> None:
    call = Flaky(TimeoutError("one"), TimeoutError("two"), TimeoutError("three"))
    with pytest.raises(TimeoutError, match="two"):
        Backoff(attempts=2, sleep=record_sleeps[1]).run(call, lambda e: True)
    assert call.calls == 2


def test_errors_not_worth_retrying_are_raised_at_once(record_sleeps: Sleeps) -> None:
    call = Flaky(PermissionError("no"))
    with pytest.raises(PermissionError):
        Backoff(sleep=record_sleeps[1]).run(call, lambda e: isinstance(e, TimeoutError))
    assert call.calls == 1 and record_sleeps[0] == []


def test_at_least_one_attempt_is_required() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        Backoff(attempts=0)
