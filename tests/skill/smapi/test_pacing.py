"""skill/smapi/pacing.py: calls start at most one interval apart, and a pace never sleeps
when the time has already passed."""

from __future__ import annotations

import pytest

from skill.smapi.pacing import CALLS_PER_SECOND, Pace
from tests.skill.smapi.conftest import FakeClock


def paced(calls_per_second: float) -> tuple[Pace, FakeClock]:
    clock = FakeClock()
    return Pace.per_second(calls_per_second, clock=clock.now, sleep=clock.sleep), clock


def test_the_first_call_starts_at_once_and_the_next_wait_an_interval() -> None:
    pace, clock = paced(2.0)

    for _ in range(4):
        pace.wait()

    assert clock.waits == [0.5, 0.5, 0.5]


def test_time_spent_between_calls_counts_towards_the_interval() -> None:
    pace, clock = paced(1.0)

    pace.wait()
    clock.time += 0.25  # the call itself took a quarter of a second
    pace.wait()
    clock.time += 3.0  # a long call: the next may start at once
    pace.wait()

    assert clock.waits == [0.75]


def test_the_default_is_one_call_a_second() -> None:
    assert CALLS_PER_SECOND == 1.0
    assert Pace.per_second().interval == 1.0


@pytest.mark.parametrize("calls", [0, -1])
def test_a_pace_needs_a_positive_rate(calls: float) -> None:
    with pytest.raises(ValueError, match="positive"):
        Pace.per_second(calls)
