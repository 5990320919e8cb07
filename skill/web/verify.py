"""Verify that a request to the web-service endpoint really comes from Amazon.

Implements the five checks Alexa requires of skills hosted outside Lambda (see ALEXA.md):
the certificate URL rules, a certificate chain to a trusted root issued to
`echo-api.amazon.com`, the `Signature-256` RSA-SHA256 signature of the raw body, the
timestamp window and the skill id. Each failure raises a `RequestVerificationError` whose
message is a short reason that is safe to send back to the caller.

The checks are plain functions; `RequestVerifier` composes them with a certificate cache
and a downloader, both injectable so tests never leave the machine.
"""

from __future__ import annotations

import base64
import binascii
import functools
import logging
import posixpath
import re
import threading
import urllib.request
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

from skill.runtime import SkillError

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

CERTIFICATE_HOST = "s3.amazonaws.com"
CERTIFICATE_PATH_PREFIX = "/echo.api/"
SIGNING_NAME = "echo-api.amazon.com"
# Amazon's limits: 150 s for requests, an hour for skill events (enablement, permissions).
REQUEST_TOLERANCE = timedelta(seconds=150)
SKILL_EVENT_TOLERANCE = timedelta(seconds=3600)
SKILL_EVENT_PREFIX = "AlexaSkillEvent."
MAX_CERTIFICATE_BYTES = 64 * 1024
MAX_CACHED_CERTIFICATES = 32
DOWNLOAD_TIMEOUT_SECONDS = 5.0
# Percent-encoded dot, slash or backslash: a way to smuggle `..` past path normalisation.
_ENCODED_SEPARATOR = re.compile(r"%(2e|2f|5c)", re.IGNORECASE)
_PEM_BLOCK = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.DOTALL)

Fetcher = Callable[[str], bytes]
Clock = Callable[[], datetime]


class RequestVerificationError(SkillError):
    """A request that must be refused; `str(error)` is a short reason for the caller."""


class CertificateUrlError(RequestVerificationError):
    """The `SignatureCertChainUrl` header is missing or breaks Amazon's URL rules."""


class CertificateError(RequestVerificationError):
    """The signing certificate cannot be downloaded, parsed or trusted."""


class SignatureError(RequestVerificationError):
    """The `Signature-256` header is missing, malformed or does not match the body."""


class TimestampError(RequestVerificationError):
    """The request's timestamp is missing or outside the allowed window."""


class SkillIdError(RequestVerificationError):
    """The request is addressed to a different skill."""


@dataclass(frozen=True)
class SigningCertificate:
    """A verified signing certificate: its public key and when the chain stops being valid."""

    public_key: rsa.RSAPublicKey
    expires: datetime


def utc_now() -> datetime:
    """The current time, timezone-aware."""
    return datetime.now(UTC)


def certificate_url(url: str) -> str:
    """The canonical form of a certificate URL; `CertificateUrlError` if Amazon's rules refuse it.

    Scheme and host compare case-insensitively, the path case-sensitively after `.` and `..`
    segments are resolved; the canonical URL (default port, resolved path) is what gets
    downloaded and cached, so a tricky spelling can never reach another location.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise CertificateUrlError("certificate URL is not a valid URL") from None
    if parts.scheme.lower() != "https":
        raise CertificateUrlError("certificate URL must use https")
    if parts.hostname != CERTIFICATE_HOST:
        raise CertificateUrlError(f"certificate URL must be on {CERTIFICATE_HOST}")
    if port not in (None, 443):
        raise CertificateUrlError("certificate URL must use port 443")
    if _ENCODED_SEPARATOR.search(parts.path):
        raise CertificateUrlError("certificate URL path must not encode dots or slashes")
    path = posixpath.normpath(parts.path) if parts.path else ""
    if not path.startswith(CERTIFICATE_PATH_PREFIX):
        raise CertificateUrlError(f"certificate URL path must start with {CERTIFICATE_PATH_PREFIX}")
    return f"https://{CERTIFICATE_HOST}{path}"


def verify_chain(pem: bytes, store: Store, now: datetime) -> SigningCertificate:
    """Check a PEM chain (leaf first): dates, the `echo-api.amazon.com` name, a trusted root."""
    try:
        certificates = x509.load_pem_x509_certificates(pem)
    except ValueError:
        raise CertificateError("signing certificate is not a valid PEM chain") from None
    leaf, intermediates = certificates[0], certificates[1:]
    if now < leaf.not_valid_before_utc:
        raise CertificateError("signing certificate is not valid yet")
    if now > leaf.not_valid_after_utc:
        raise CertificateError("signing certificate has expired")
    if SIGNING_NAME not in _dns_names(leaf):
        raise CertificateError(f"signing certificate is not issued to {SIGNING_NAME}")
    public_key = leaf.public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise CertificateError("signing certificate does not hold an RSA key")
    verifier = PolicyBuilder().store(store).time(now).build_server_verifier(
        x509.DNSName(SIGNING_NAME)
    )
    try:
        chain = verifier.verify(leaf, intermediates)
    except (VerificationError, ValueError):
        raise CertificateError("signing certificate does not chain to a trusted root") from None
    return SigningCertificate(public_key, min(c.not_valid_after_utc for c in chain))


def check_signature(certificate: SigningCertificate, signature: str, body: bytes) -> None:
    """Check the base64 RSA PKCS#1 v1.5 SHA-256 signature of the raw request body."""
    try:
        raw = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError("Signature-256 header is not valid base64") from None
    try:
        certificate.public_key.verify(raw, body, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise SignatureError("signature does not match the request body") from None


def check_timestamp(envelope: Mapping[str, Any], now: datetime) -> None:
    """Check `request.timestamp` is close to now: 150 s, or an hour for skill events."""
    stamp = _field(envelope, "request", "timestamp")
    try:
        moment = datetime.fromisoformat(stamp) if isinstance(stamp, str) else None
    except ValueError:
        moment = None
    if moment is None:
        raise TimestampError("request timestamp is missing or not an ISO 8601 time")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    request_type = _field(envelope, "request", "type")
    is_event = isinstance(request_type, str) and request_type.startswith(SKILL_EVENT_PREFIX)
    tolerance = SKILL_EVENT_TOLERANCE if is_event else REQUEST_TOLERANCE
    if abs(now - moment) > tolerance:
        raise TimestampError(
            f"request timestamp is more than {int(tolerance.total_seconds())} seconds from now"
        )


def check_skill_id(envelope: Mapping[str, Any], skill_id: str | None) -> None:
    """When a skill id is configured, the request must name it: in `context.System` (which
    every request carries) and in `session` when there is one."""
    if skill_id is None:
        return
    in_context = _field(envelope, "context", "System", "application", "applicationId")
    in_session = _field(envelope, "session", "application", "applicationId")
    if in_context != skill_id or in_session not in (None, skill_id):
        raise SkillIdError("request is for a different skill")


def fetch_certificate(url: str) -> bytes:
    """Download a PEM chain: no redirects, at most 64 KB, within a few seconds."""
    opener = urllib.request.build_opener(_RefuseRedirects)
    try:
        with opener.open(url, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response:
            data = response.read(MAX_CERTIFICATE_BYTES + 1)
    except (OSError, ValueError) as error:
        logger.warning("Could not download %s: %s", url, error)
        raise CertificateError("could not download the signing certificate") from None
    if len(data) > MAX_CERTIFICATE_BYTES:
        raise CertificateError("signing certificate is too large")
    return data


@functools.cache
def default_trust_store() -> Store:
    """The public web's root certificates, as shipped by certifi."""
    import certifi

    with open(certifi.where(), "rb") as bundle:
        return Store(load_roots(bundle.read()))


def load_roots(bundle: bytes) -> list[x509.Certificate]:
    """Every certificate in a PEM bundle that still parses; a few old roots break RFC 5280."""
    roots = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        for block in _PEM_BLOCK.findall(bundle):
            try:
                roots.append(x509.load_pem_x509_certificate(block))
            except ValueError:
                logger.debug("Skipped a root certificate that no longer parses")
    return roots


class RequestVerifier:
    """Runs every check on one request, caching verified certificates by URL until they expire."""

    def __init__(
        self,
        *,
        skill_id: str | None = None,
        trust_store: Store | None = None,
        fetcher: Fetcher = fetch_certificate,
        clock: Clock = utc_now,
    ) -> None:
        self.skill_id = skill_id
        self._trust_store = trust_store
        self._fetcher = fetcher
        self._clock = clock
        self._cache: dict[str, SigningCertificate] = {}
        self._lock = threading.Lock()

    def verify(
        self,
        *,
        cert_url: str | None,
        signature: str | None,
        body: bytes,
        envelope: Mapping[str, Any],
    ) -> None:
        """Raise `RequestVerificationError` unless the request passes every check.

        The cheap checks run first, so a request that fails them never costs a download.
        """
        if not cert_url:
            raise CertificateUrlError("missing SignatureCertChainUrl header")
        if not signature:
            raise SignatureError("missing Signature-256 header")
        now = self._clock()
        check_timestamp(envelope, now)
        check_skill_id(envelope, self.skill_id)
        check_signature(self.signing_certificate(cert_url, now), signature, body)

    def signing_certificate(self, cert_url: str, now: datetime) -> SigningCertificate:
        """The verified certificate behind a URL, downloaded only when not cached or expired."""
        url = certificate_url(cert_url)
        with self._lock:
            cached = self._cache.get(url)
        if cached is not None and now < cached.expires:
            return cached
        store = self._trust_store if self._trust_store is not None else default_trust_store()
        certificate = verify_chain(self._fetcher(url), store, now)
        with self._lock:
            self._cache = {u: c for u, c in self._cache.items() if now < c.expires}
            if len(self._cache) >= MAX_CACHED_CERTIFICATES:
                self._cache.pop(next(iter(self._cache)))
            self._cache[url] = certificate
        return certificate


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """A certificate must come from the URL that was checked, not wherever it redirects."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _dns_names(certificate: x509.Certificate) -> set[str]:
    try:
        names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except (x509.ExtensionNotFound, ValueError):
        return set()
    return {name.lower() for name in names.value.get_values_for_type(x509.DNSName)}


def _field(data: Any, *path: str) -> Any:
    """The value at a path of keys in nested JSON objects, or None where the path breaks."""
    for key in path:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data
