"""Requests as Alexa sends them, for the web service's tests and benchmark.

A private certificate authority stands in for Amazon's: a root CA, an intermediate and a leaf
issued to `echo-api.amazon.com` with the extensions the web PKI requires, plus leaves that
break one rule each. Bodies are signed the way Alexa signs them (RSA PKCS#1 v1.5, SHA-256,
base64 in `Signature-256`). Envelopes are real-shaped, and a small local audio store holds
one clip for the skill to play.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from cryptography.x509.verification import Store

from audio.manifest import clip_key
from skill.runtime.intents import section_intent
from skill.web.errors import CertificateError
from skill.web.verify import Clock, RequestVerifier, utc_now

CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert.pem"
SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000001"
CLIP_BYTES = bytes(range(256)) * 40
CLIP_KEY = clip_key("introduction", hashlib.sha256(CLIP_BYTES).hexdigest(), 1)
CLIP_PATH = f"/audio/{CLIP_KEY}"
SIGNING_NAME = "echo-api.amazon.com"
DAY = timedelta(days=1)


@functools.cache
def rsa_key(label: str) -> rsa.RSAPrivateKey:
    """One 2048-bit key per label (the label is the cache key), generated once per run."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(
    subject: str,
    key: rsa.RSAPrivateKey,
    issuer: x509.Certificate | None,
    issuer_key: rsa.RSAPrivateKey,
    *,
    ca: bool,
    names: Sequence[str] = (),
    not_before: datetime,
    not_after: datetime,
    digital_signature: bool = True,
) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer.subject if issuer else _name(subject))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False,
        )
    )
    if ca:
        usage = {"key_cert_sign": True, "crl_sign": True, "digital_signature": False}
    else:
        usage = {
            "key_cert_sign": False, "crl_sign": False, "digital_signature": digital_signature
        }
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
    builder = builder.add_extension(
        x509.KeyUsage(
            content_commitment=False, key_encipherment=not ca, data_encipherment=False,
            key_agreement=False, encipher_only=False, decipher_only=False, **usage,
        ),
        critical=True,
    )
    if names:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(n) for n in names]), critical=False
        )
    return builder.sign(issuer_key, hashes.SHA256())


def _pem(*certificates: x509.Certificate) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certificates)


@dataclass(frozen=True)
class CertificateAuthority:
    """A root and an intermediate that issue leaves for the signing certificate URL."""

    root: x509.Certificate
    intermediate: x509.Certificate
    intermediate_key: rsa.RSAPrivateKey = field(repr=False)
    leaf_key: rsa.RSAPrivateKey = field(repr=False)

    def store(self) -> Store:
        """A trust store holding only this authority's root."""
        return Store([self.root])

    def leaf(
        self,
        *,
        names: Sequence[str] = (SIGNING_NAME,),
        valid_from: timedelta = -DAY,
        valid_for: timedelta = 30 * DAY,
        digital_signature: bool = True,
    ) -> x509.Certificate:
        """A leaf signed by the intermediate; `valid_from` is relative to now."""
        start = datetime.now(UTC) + valid_from
        return _certificate(
            "Test echo-api leaf", self.leaf_key, self.intermediate, self.intermediate_key,
            ca=False, names=names, not_before=start, not_after=start + valid_for,
            digital_signature=digital_signature,
        )

    def chain_pem(self, leaf: x509.Certificate | None = None) -> bytes:
        """The PEM Amazon would publish: leaf first, then the intermediate."""
        return _pem(leaf or self.leaf(), self.intermediate)

    def self_signed_pem(self) -> bytes:
        """A leaf with the right name that signs itself instead of chaining to the root."""
        now = datetime.now(UTC)
        leaf = _certificate(
            SIGNING_NAME, self.leaf_key, None, self.leaf_key, ca=False,
            names=(SIGNING_NAME,), not_before=now - DAY, not_after=now + 30 * DAY,
        )
        return _pem(leaf)


@functools.cache
def authority(label: str = "test") -> CertificateAuthority:
    """A fresh authority per label (a second label gives an untrusted look-alike)."""
    now = datetime.now(UTC)
    root_key, intermediate_key = rsa_key(f"{label}-root"), rsa_key(f"{label}-intermediate")
    root = _certificate(
        f"{label} root CA", root_key, None, root_key, ca=True,
        not_before=now - 365 * DAY, not_after=now + 3650 * DAY,
    )
    intermediate = _certificate(
        f"{label} intermediate CA", intermediate_key, root, root_key, ca=True,
        not_before=now - 365 * DAY, not_after=now + 1825 * DAY,
    )
    return CertificateAuthority(root, intermediate, intermediate_key, rsa_key("leaf"))


class Downloads:
    """A certificate fetcher over a fixed table of URLs that counts every download."""

    def __init__(self, pems: dict[str, bytes]) -> None:
        self.pems = pems
        self.count = 0

    def __call__(self, url: str) -> bytes:
        self.count += 1
        if url not in self.pems:
            raise CertificateError("could not download the signing certificate")
        return self.pems[url]


def trusting_verifier(
    pem: bytes | None = None, *, skill_id: str | None = SKILL_ID, clock: Clock = utc_now
) -> RequestVerifier:
    """A verifier trusting only the test authority, serving `pem` at CERT_URL."""
    ca = authority()
    downloads = Downloads({CERT_URL: pem if pem is not None else ca.chain_pem()})
    return RequestVerifier(
        skill_id=skill_id, trust_store=ca.store(), fetcher=downloads, clock=clock
    )


def envelope(
    request_type: str = "LaunchRequest",
    *,
    timestamp: datetime | None = None,
    application_id: Any = SKILL_ID,
) -> dict[str, Any]:
    """A real-shaped request envelope, timestamped now unless told otherwise."""
    moment = timestamp or datetime.now(UTC)
    application = {"applicationId": application_id}
    return {
        "version": "1.0",
        "session": {
            "new": True, "sessionId": "amzn1.echo-api.session.test", "application": application,
            "user": {"userId": "amzn1.ask.account.test"}, "attributes": {},
        },
        "context": {
            "System": {
                "application": application, "user": {"userId": "amzn1.ask.account.test"},
                "device": {"deviceId": "amzn1.ask.device.test", "supportedInterfaces": {}},
                "apiEndpoint": "https://api.amazonalexa.com",
            }
        },
        "request": {
            "type": request_type, "requestId": "amzn1.echo-api.request.test", "locale": "en-US",
            "timestamp": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        },
    }


def body_of(data: dict[str, Any]) -> bytes:
    """The raw bytes Alexa would send for an envelope."""
    return json.dumps(data).encode()


def sign(body: bytes, key: rsa.RSAPrivateKey | None = None) -> str:
    """The `Signature-256` header value for a raw body."""
    key = key or authority().leaf_key
    return base64.b64encode(key.sign(body, padding.PKCS1v15(), hashes.SHA256())).decode()


def signed_headers(body: bytes, *, url: str = CERT_URL) -> dict[str, str]:
    """Headers of a genuine Alexa request carrying `body`."""
    return {
        "Content-Type": "application/json; charset=utf-8",
        "SignatureCertChainUrl": url,
        "Signature-256": sign(body),
    }


def section_request(section_id: str = "introduction") -> dict[str, Any]:
    """"Alexa, ask ... to play the introduction": the section's dedicated intent."""
    data = envelope("IntentRequest")
    data["request"]["intent"] = {"name": section_intent(section_id), "confirmationStatus": "NONE"}
    return data


def write_store(root: Path) -> Path:
    """A local audio store as the audio build leaves it: one clip and its manifest."""
    (root / "clips" / "introduction").mkdir(parents=True)
    (root / CLIP_KEY).write_bytes(CLIP_BYTES)
    part = {"key": CLIP_KEY, "sha256": hashlib.sha256(CLIP_BYTES).hexdigest(),
            "bytes": len(CLIP_BYTES), "duration": 3.5}
    section = {"id": "introduction", "title": "Introduction", "fingerprint": "0" * 64,
               "parts": [part]}
    manifest = {"schema_version": 1, "voice": "test", "render": "test", "sections": [section]}
    (root / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return root
