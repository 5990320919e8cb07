"""The signing certificates behind certificate URLs: downloaded within limits, cached.

Any caller can name a certificate URL, signed or not, so downloads are bounded: one download
per URL at a time (the requests that need it wait for it), a failed URL is remembered for a
short while, only a few downloads run at once, and each has one deadline for all of it (DNS,
connecting, reading). A request whose download misses the deadline is refused while the
download finishes in the background, still counted against the cap.
"""

from __future__ import annotations

import http.client
import logging
import threading
import time
import urllib.request
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa

from skill.web.errors import CertificateError, RequestVerificationError
from skill.web.logbook import Throttle, fingerprint

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

MAX_CERTIFICATE_BYTES = 64 * 1024
MAX_CACHED_CERTIFICATES = 32
MAX_REMEMBERED_FAILURES = 256
_READ_BYTES = 8192

Fetcher = Callable[[str], bytes]


@dataclass(frozen=True)
class SigningCertificate:
    """A verified signing certificate: its public key and when the chain stops being valid."""

    public_key: rsa.RSAPublicKey
    expires: datetime


# Turns a downloaded PEM chain into a verified certificate, or raises CertificateError.
Check = Callable[[bytes, datetime], SigningCertificate]


@dataclass(frozen=True)
class DownloadLimits:
    """How much work certificate downloads may cost the server."""

    # Everything one download does, DNS included; Alexa waits 8 s for the whole answer.
    deadline_seconds: float = 4.0
    # How long a URL that failed is refused without being downloaded again.
    failure_seconds: float = 30.0
    # Downloads running at once, for all URLs together.
    max_downloads: int = 4


DEFAULT_LIMITS = DownloadLimits()


def fetch_certificate(url: str, deadline_seconds: float = DEFAULT_LIMITS.deadline_seconds) -> bytes:
    """Download a PEM chain: no redirects, at most 64 KB, all of it within the deadline."""
    deadline = time.monotonic() + deadline_seconds
    opener = urllib.request.build_opener(_RefuseRedirects)
    data = bytearray()
    try:
        with opener.open(url, timeout=deadline_seconds) as response:
            while chunk := response.read1(_READ_BYTES):
                data += chunk
                if len(data) > MAX_CERTIFICATE_BYTES:
                    raise CertificateError("signing certificate is too large")
                if time.monotonic() > deadline:
                    raise CertificateError("signing certificate took too long to download")
    except (OSError, ValueError, http.client.HTTPException) as error:
        # The cause stays attached for the log, which names its type only.
        raise CertificateError("could not download the signing certificate") from error
    return bytes(data)


@dataclass
class _Flight:
    """One download in progress and the answer its waiting requests will share."""

    started: float
    outcome: Future = field(default_factory=Future)


class CertificateCache:
    """Verified certificates by canonical URL, downloaded once each within `DownloadLimits`."""

    def __init__(
        self,
        fetcher: Fetcher,
        check: Check,
        limits: DownloadLimits = DEFAULT_LIMITS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetcher = fetcher
        self._check = check
        self.limits = limits
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._verified: dict[str, SigningCertificate] = {}
        # URL -> (until when it is refused, the reason).
        self._failed: dict[str, tuple[float, str]] = {}
        self._flights: dict[str, _Flight] = {}
        self._warnings = Throttle(logger)

    def get(self, url: str, now: datetime) -> SigningCertificate:
        """The verified certificate for a canonical URL; CertificateError when there is none."""
        with self._lock:
            cached = self._verified.get(url)
            if cached is not None and now < cached.expires:
                return cached
            failure = self._failed.get(url)
            if failure is not None and self._monotonic() < failure[0]:
                raise CertificateError(failure[1])
            flight = self._flights.get(url) or self._take_off(url, now)
        remaining = flight.started + self.limits.deadline_seconds - self._monotonic()
        try:
            outcome = flight.outcome.result(timeout=max(0.0, remaining))
        except FutureTimeout:
            raise CertificateError("signing certificate took too long to download") from None
        if isinstance(outcome, str):
            raise CertificateError(outcome)
        return outcome

    def _take_off(self, url: str, now: datetime) -> _Flight:
        """Start a download in the background; the lock is held."""
        if len(self._flights) >= self.limits.max_downloads:
            self._warnings.log(logging.WARNING, "Certificate downloads are at the cap; refusing")
            raise CertificateError("too many signing certificates are downloading; try again")
        flight = _Flight(started=self._monotonic())
        self._flights[url] = flight
        threading.Thread(
            target=self._download, args=(url, now, flight), name="certificate-download",
            daemon=True,
        ).start()
        return flight

    def _download(self, url: str, now: datetime, flight: _Flight) -> None:
        # Whatever happens, the flight lands: its requests get an answer and the cap a slot.
        outcome: SigningCertificate | str = "could not download the signing certificate"
        try:
            outcome = self._check(self._fetcher(url), now)
        except RequestVerificationError as error:
            outcome = str(error)
            # The URL is the caller's choice, so the log holds only its fingerprint.
            cause = f" ({type(error.__cause__).__name__})" if error.__cause__ else ""
            self._warnings.log(
                logging.WARNING, "Refused the signing certificate at URL %s: %s%s",
                fingerprint(url), outcome, cause,
            )
        finally:
            with self._lock:
                if isinstance(outcome, str):
                    self._remember_failure(url, outcome)
                else:
                    self._keep(url, outcome, now)
                del self._flights[url]
            flight.outcome.set_result(outcome)

    def _keep(self, url: str, certificate: SigningCertificate, now: datetime) -> None:
        self._verified = {u: c for u, c in self._verified.items() if now < c.expires}
        if len(self._verified) >= MAX_CACHED_CERTIFICATES:
            self._verified.pop(next(iter(self._verified)))
        self._verified[url] = certificate
        self._failed.pop(url, None)

    def _remember_failure(self, url: str, reason: str) -> None:
        moment = self._monotonic()
        self._failed = {u: f for u, f in self._failed.items() if moment < f[0]}
        if len(self._failed) >= MAX_REMEMBERED_FAILURES:
            self._failed.pop(next(iter(self._failed)))
        self._failed[url] = (moment + self.limits.failure_seconds, reason)


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """A certificate must come from the URL that was checked, not wherever it redirects."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None
