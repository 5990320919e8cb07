"""Bounded retries with exponential backoff, for voices that call a network service."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

logger = logging.getLogger(__name__)
Result = TypeVar("Result")


@dataclass(frozen=True)
class Backoff:
    """Try up to `attempts` times, waiting `first_delay`, then `factor` times longer each time."""

    attempts: int = 4
    first_delay: float = 1.0
    factor: float = 2.0
    sleep: Callable[[float], None] = time.sleep

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("attempts must be at least 1")

    def run(
        self, attempt: Callable[[], Result], retryable: Callable[[Exception], bool]
    ) -> Result:
        """The result of the first attempt that succeeds; the last error once retries run out.

        Errors `retryable` rejects are raised at once.
        """
        number = 1
        while True:
            try:
                return attempt()
            except Exception as error:
                if number >= self.attempts or not retryable(error):
                    raise
                delay = self.first_delay * self.factor ** (number - 1)
                logger.info("attempt %d failed (%s); retrying in %.1f s", number, error, delay)
            self.sleep(delay)
            number += 1
