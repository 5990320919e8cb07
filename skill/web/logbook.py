"""Logging what requests cause without logging what they carry.

Anything a request controls (a certificate URL, a Host header) reaches the log only as a short
fingerprint, and a warning that any caller can trigger is written at most once a minute, with
a count of how many like it were held back.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable

THROTTLE_SECONDS = 60.0


def fingerprint(text: str) -> str:
    """A short, stable stand-in for request-controlled text: the start of its SHA-256."""
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:12]


class Throttle:
    """Writes each message (by its format string) at most once per interval."""

    def __init__(
        self,
        logger: logging.Logger,
        interval: float = THROTTLE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.logger = logger
        self.interval = interval
        self._clock = clock
        self._lock = threading.Lock()
        # Format string -> (when it was last written, how many were held back since).
        self._seen: dict[str, tuple[float, int]] = {}

    def log(self, level: int, message: str, *args: object) -> None:
        """Log now, or count it when the same message was written within the interval."""
        now = self._clock()
        with self._lock:
            last, held = self._seen.get(message, (None, 0))
            if last is not None and now - last < self.interval:
                self._seen[message] = (last, held + 1)
                return
            self._seen[message] = (now, 0)
        if held:
            message = f"{message} ({held} more like it held back since the last one)"
        self.logger.log(level, message, *args)
