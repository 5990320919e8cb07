"""The time budget: a backend call is made only when it fits, retried once, never past it."""

from __future__ import annotations

from typing import Any

import pytest
from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.skill_builder import CustomSkillBuilder

from skill.runtime import budget
from skill.runtime.budget import (
    BACKEND_TIMEOUT_SECONDS,
    COLD_START_SECONDS,
    REQUEST_BUDGET_SECONDS,
    BudgetedSkill,
    attempt,
    attempt_seconds,
    botocore_config,
    within,
)
from tests.skill.conftest import Clock, Device, handler_for, launch

# Alexa waits 8 s; the skill answers within 3 s, whatever a backend does.
ALEXA_WAITS_SECONDS = 8.0
ANSWER_SECONDS = 3.0


class Failing(Exception):
    pass


class Backend:
    """A call that takes `seconds` on the clock and fails the first `failures` times."""

    def __init__(self, clock: Clock, seconds: float, failures: int = 0) -> None:
        self.clock, self.seconds, self.failures, self.calls = clock, seconds, failures, 0

    def __call__(self) -> str:
        self.calls += 1
        self.clock.now += self.seconds
        if self.calls <= self.failures:
            raise Failing(f"attempt {self.calls} failed")
        return "answer"


def test_a_call_that_works_is_made_once() -> None:
    clock = Clock()
    backend = Backend(clock, 0.1)
    with within(2.0, clock):
        assert attempt(backend, 1.0, Failing) == "answer"
    assert backend.calls == 1


def test_a_failed_call_is_tried_once_more_when_a_second_attempt_fits() -> None:
    clock = Clock()
    backend = Backend(clock, 0.5, failures=1)
    with within(2.0, clock):
        assert attempt(backend, 1.0, Failing) == "answer"
    assert backend.calls == 2


def test_no_retry_goes_past_the_budget_and_the_real_failure_is_raised() -> None:
    clock = Clock()
    backend = Backend(clock, 1.5, failures=2)
    with within(2.0, clock), pytest.raises(Failing, match="attempt 1"):
        attempt(backend, 1.0, Failing)
    assert backend.calls == 1


def test_nothing_is_called_when_a_whole_attempt_no_longer_fits() -> None:
    clock = Clock()
    backend = Backend(clock, 0.1)
    with within(0.9, clock), pytest.raises(Failing, match="not tried"):
        attempt(backend, 1.0, Failing)
    assert backend.calls == 0


def test_two_failures_in_a_row_raise_the_second() -> None:
    clock = Clock()
    with within(5.0, clock), pytest.raises(Failing, match="attempt 2"):
        attempt(Backend(clock, 0.1, failures=5), 1.0, Failing)


def test_outside_a_request_there_is_no_limit_and_a_budget_ends_with_its_block() -> None:
    assert budget.current().remaining() == float("inf")
    clock = Clock()
    with within(2.0, clock) as inside:
        assert budget.current() is inside and inside.remaining() == 2.0
        clock.now += 5
        assert inside.remaining() == 0.0
    assert budget.current().remaining() == float("inf")


def test_botocore_never_retries_and_times_out_as_configured() -> None:
    config = botocore_config(0.3)
    assert (config.connect_timeout, config.read_timeout) == (0.3, 0.3)
    assert config.retries == {"total_max_attempts": 1, "mode": "standard"}
    assert attempt_seconds(0.3) == pytest.approx(0.6)


def test_the_defaults_answer_within_three_seconds_and_a_cold_start_within_eight() -> None:
    assert REQUEST_BUDGET_SECONDS < ANSWER_SECONDS
    # A read and a write, each with its retry, fit when the store is slow but answering.
    assert 2 * attempt_seconds(BACKEND_TIMEOUT_SECONDS) <= REQUEST_BUDGET_SECONDS
    # The first request's eight seconds include the cold start's manifest read.
    assert COLD_START_SECONDS + ANSWER_SECONDS < ALEXA_WAITS_SECONDS


class Remaining(AbstractRequestHandler):
    """Notes how much budget each request it handles has."""

    def __init__(self) -> None:
        self.seen: list[float] = []

    def can_handle(self, handler_input: Any) -> bool:
        return True

    def handle(self, handler_input: Any) -> Any:
        self.seen.append(budget.current().remaining())
        return handler_input.response_builder.response


def test_every_invocation_runs_inside_its_own_budget() -> None:
    remaining = Remaining()
    builder = CustomSkillBuilder()
    builder.add_request_handler(remaining)
    handle = handler_for(BudgetedSkill(builder.skill_configuration, budget_seconds=1.5))
    handle(Device().envelope(launch()))
    handle(Device().envelope(launch()))
    assert len(remaining.seen) == 2 and all(1.0 < left <= 1.5 for left in remaining.seen)
    assert budget.current().remaining() == float("inf")
