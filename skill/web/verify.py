"""Verify that a request to the web-service endpoint really comes from Amazon.

Implements the five checks Alexa requires of skills hosted outside Lambda (see ALEXA.md):
the certificate URL rules, a certificate chain to a trusted root issued to
`echo-api.amazon.com`, the `Signature-256` RSA-SHA256 signature of the raw body, the
timestamp window and the skill id. Each failure raises a `RequestVerificationError` whose
message is a short reason that is safe to send back to the caller.

The checks are plain functions; `RequestVerifier` composes them with the certificate cache
(skill.web.certificates), whose downloader is injectable so tests never leave the machine.
"""

from __future__ import annotations

import base64
import binascii
import functools
import logging
import posixpath
import re
import warnings
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

from skill.web.certificates import (
    DEFAULT_LIMITS,
    CertificateCache,
    DownloadLimits,
    Fetcher,
    SigningCertificate,
    fetch_certificate,
)
from skill.web.errors import (
    CertificateError,
    CertificateUrlError,
    SignatureError,
    SkillIdError,
    TimestampError,
)

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

CERTIFICATE_HOST = "s3.amazonaws.com"
CERTIFICATE_PATH_PREFIX = "/echo.api/"
SIGNING_NAME = "echo-api.amazon.com"
# Amazon's limits: 150 s for requests, an hour for skill events (enablement, permissions).
REQUEST_TOLERANCE = timedelta(seconds=150)
SKILL_EVENT_TOLERANCE = timedelta(seconds=3600)
SKILL_EVENT_PREFIX = "AlexaSkillEvent."
# What an S3 key under /echo.api/ is made of: letters, digits, `.`, `_`, `~`, `-` and `/`.
# Anything else (percent escapes that could smuggle `..`, spaces, control characters) is
# refused before the URL goes anywhere near a download or a log.
_CERTIFICATE_PATH = re.compile(r"[A-Za-z0-9._~/-]*")
_PEM_BLOCK = re.compile(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", re.DOTALL)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The current time, timezone-aware."""
    return datetime.now(UTC)


def certificate_url(url: str) -> str:
    """The canonical form of a certificate URL; `CertificateUrlError` if Amazon's rules refuse it.

    Scheme and host compare case-insensitively, the path case-sensitively after `.` and `..`
    segments are resolved; the canonical URL (default port, resolved path) is what gets
    downloaded and cached, so a tricky spelling can never reach another location.
    """
    # urlsplit silently drops tabs and newlines, so the raw text is checked first.
    if not (url.isascii() and url.isprintable()):
        raise CertificateUrlError("certificate URL holds characters no URL may hold")
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
    if not _CERTIFICATE_PATH.fullmatch(parts.path):
        raise CertificateUrlError(
            "certificate URL path may hold only letters, digits, '.', '_', '~', '-' and '/'"
        )
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
    if not _signs_digitally(leaf):
        raise CertificateError("signing certificate's key usage does not allow signatures")
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
    """Runs every check on one request; certificates come from a bounded, caching downloader."""

    def __init__(
        self,
        *,
        skill_id: str | None = None,
        trust_store: Store | None = None,
        fetcher: Fetcher = fetch_certificate,
        clock: Clock = utc_now,
        limits: DownloadLimits = DEFAULT_LIMITS,
    ) -> None:
        self.skill_id = skill_id
        self._trust_store = trust_store
        self._clock = clock
        self._certificates = CertificateCache(fetcher, self._check_chain, limits)

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
        url = certificate_url(cert_url)
        check_signature(self._certificates.get(url, now), signature, body)

    def _check_chain(self, pem: bytes, now: datetime) -> SigningCertificate:
        store = self._trust_store if self._trust_store is not None else default_trust_store()
        return verify_chain(pem, store, now)


def _signs_digitally(certificate: x509.Certificate) -> bool:
    """Whether the key usage extension allows digital signatures (Amazon's SDK requires it)."""
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage)
    except (x509.ExtensionNotFound, ValueError):
        return False
    return usage.value.digital_signature


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
