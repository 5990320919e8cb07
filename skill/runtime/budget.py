"""A time budget per request: a call to a backend is made only when it fits in what is left.

Alexa waits 8 seconds for an answer; the skill answers within 3, even with DynamoDB or S3
hanging. Every invocation of the skill runs inside a budget (`BudgetedSkill`), and a call to
a backend (DynamoDB, S3, Alexa's APIs) is made only when a whole attempt fits in what is left
of it: tried once more after a failure when a second attempt fits too, never past it. The
budget lives in a context variable, so the persistence adapter and the manifest source, which
the SDK calls without the request, find the request's own; each web-server thread has its own.
The crisis answer calls no backend, so it never waits on one.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from ask_sdk_core.skill import CustomSkill, SkillConfiguration

if TYPE_CHECKING:
    from ask_sdk_model import RequestEnvelope, ResponseEnvelope

# Seconds a request may spend waiting on backends; the rest of the 3 s is the skill's own work.
REQUEST_BUDGET_SECONDS = 2.0
# The connect timeout and the read timeout (each) of one call to DynamoDB or S3: both answer a
# small item in tens of milliseconds, so half a second is a backend in trouble.
BACKEND_TIMEOUT_SECONDS = 0.5
# The manifest read during a cold start (Lambda's init phase) has its own, short, deadline:
# the first request's 8 seconds include the init.
COLD_START_SECONDS = 1.5

T = TypeVar("T")
E = TypeVar("E", bound=Exception)


class Budget(NamedTuple):
    """Time left until a deadline, on a monotonic clock."""

    deadline: float
    clock: Callable[[], float] = time.monotonic

    def remaining(self) -> float:
        """Seconds left, never below zero."""
        return max(0.0, self.deadline - self.clock())

    def allows(self, seconds: float) -> bool:
        """Whether something that may take `seconds` still fits."""
        return self.remaining() >= seconds


UNLIMITED = Budget(math.inf)
_current: ContextVar[Budget] = ContextVar("budget", default=UNLIMITED)


def current() -> Budget:
    """The running request's budget; unlimited outside any request."""
    return _current.get()


@contextmanager
def within(seconds: float, clock: Callable[[], float] = time.monotonic) -> Iterator[Budget]:
    """Run the block inside a budget of `seconds`, starting now."""
    token = _current.set(Budget(clock() + seconds, clock))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def attempt_seconds(timeout_seconds: float) -> float:
    """The longest one call can take: its connect timeout, then its read timeout."""
    return 2 * timeout_seconds


def attempt(call: Callable[[], T], seconds: float, failure: type[E], tries: int = 2) -> T:
    """`call()`, tried again after a `failure` up to `tries` times in all, each attempt only
    when `seconds` still fit in the budget; the last failure is raised, or a new one when
    no attempt fitted."""
    last: E | None = None
    for _ in range(tries):
        if not current().allows(seconds):
            break
        try:
            return call()
        except failure as error:
            last = error
    if last is not None:
        raise last
    raise failure(f"not tried: less than {seconds:g} s left of this request's time budget")


def botocore_config(timeout_seconds: float) -> Any:
    """botocore's settings for a backend called inside a request's budget.

    Connect and read each time out after `timeout_seconds`, so an attempt lasts at most
    `attempt_seconds(timeout_seconds)`. botocore itself never retries (one attempt in all):
    its standard mode would try three times with back-off, whatever the budget; the skill
    retries once itself, and only when the budget has room (`attempt`).
    """
    from botocore.config import Config

    return Config(
        connect_timeout=timeout_seconds,
        read_timeout=timeout_seconds,
        retries={"total_max_attempts": 1, "mode": "standard"},
    )


class BudgetedSkill(CustomSkill):
    """A skill whose every invocation runs inside a budget of `budget_seconds`."""

    def __init__(self, skill_configuration: SkillConfiguration, budget_seconds: float) -> None:
        super().__init__(skill_configuration=skill_configuration)
        self.budget_seconds = budget_seconds

    def invoke(self, request_envelope: RequestEnvelope, context: Any) -> ResponseEnvelope:
        with within(self.budget_seconds):
            return super().invoke(request_envelope, context)
