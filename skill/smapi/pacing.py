"""How fast to call SMAPI: a pace that starts one call at most every so many seconds.

Amazon publishes no number for the Utterance Profiler's rate limit, nor for SMAPI's. What it
documents: SMAPI answers a throttled request with 429 ("All SMAPI v1 APIs will throw ...
HTTP/1.1 429 TooManyRequestsException if a request is throttled, and HTTP/1.1 503 if a service
is unavailable", https://developer.amazon.com/docs/smapi/skill-invocation-api-v1.html; the
SDK's profileNlu: "API user has exceeded the permitted request rate"), and its guidance for
the throttled REST APIs on the same host, api.amazonalexa.com, is to retry a 429 after a wait
that doubles each time, with a sample that waits 1,000 ms between calls (`apiDelay: 1000`,
"Handle API Throttling", written for Alexa Smart Properties,
https://developer.amazon.com/en-US/docs/alexa/alexa-smart-properties/handle-api-throttling.html).
So the default is that: one call a second, every attempt counted; a 429 still waits as long
as its Retry-After says (`client.call`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

CALLS_PER_SECOND = 1.0


@dataclass
class Pace:
    """Spaces calls at least `interval` seconds apart, start to start; the clock and the sleep
    are injectable, so tests wait for nothing."""

    interval: float
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _last: float | None = field(default=None, init=False, repr=False)

    @classmethod
    def per_second(
        cls,
        calls: float = CALLS_PER_SECOND,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> Pace:
        """A pace of `calls` calls a second at most."""
        if calls <= 0:
            raise ValueError(f"a pace needs a positive number of calls a second, not {calls}")
        return cls(1.0 / calls, clock, sleep)

    def wait(self) -> None:
        """Sleep until the next call may start, then count it as started."""
        if self._last is not None:
            gap = self._last + self.interval - self.clock()
            if gap > 0:
                self.sleep(gap)
        self._last = self.clock()
