"""Amazon request verification: genuine requests pass, each kind of forgery is refused."""

from __future__ import annotations

import base64
import http.server
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from skill.web.certificates import MAX_CERTIFICATE_BYTES, fetch_certificate
from skill.web.errors import (
    CertificateError,
    CertificateUrlError,
    SignatureError,
    SkillIdError,
    TimestampError,
)
from skill.web.verify import (
    RequestVerifier,
    certificate_url,
    default_trust_store,
    load_roots,
    utc_now,
    verify_chain,
)
from tests.skill.alexa_requests import (
    CERT_URL,
    DAY,
    SKILL_ID,
    Downloads,
    authority,
    body_of,
    envelope,
    rsa_key,
    sign,
    trusting_verifier,
)

CANONICAL = "https://s3.amazonaws.com/echo.api/echo-api-cert.pem"


def verify(verifier: RequestVerifier, data: dict, *, body: bytes | None = None, **headers) -> None:
    """Run the verifier on an envelope signed as Alexa would, with optional overrides."""
    raw = body_of(data)
    verifier.verify(
        cert_url=headers.get("cert_url", CERT_URL),
        signature=headers.get("signature", sign(raw)),
        body=raw if body is None else body,
        envelope=data,
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem",
        "HTTPS://S3.AmazonAWS.com/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api/./echo-api-cert.pem",
    ],
)
def test_amazon_certificate_urls_are_accepted_in_canonical_form(url: str) -> None:
    assert certificate_url(url) == CANONICAL


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://s3.amazonaws.com/echo.api/echo-api-cert.pem", "https"),
        ("https://notamazon.com/echo.api/echo-api-cert.pem", "s3.amazonaws.com"),
        ("https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem", "/echo.api/"),
        ("https://s3.amazonaws.com/invalid.path/echo-api-cert.pem", "/echo.api/"),
        ("https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem", "port 443"),
        ("https://s3.amazonaws.com/echo.api/../evil/echo-api-cert.pem", "/echo.api/"),
        ("https://s3.amazonaws.com/echo.api/../../echo.api.evil/cert.pem", "/echo.api/"),
        ("https://s3.amazonaws.com/echo.api/%2e%2e/evil/cert.pem", "may hold only"),
        ("https://s3.amazonaws.com/echo.api/..%2Fevil/cert.pem", "may hold only"),
        ("https://s3.amazonaws.com/echo.api/cert\n.pem", "no URL may hold"),
        ("https://s3.amazonaws.com/echo.api/\tcert.pem", "no URL may hold"),
        ("https://s3.amazonaws.com/echo.api/cert .pem", "may hold only"),
        ("https://s3.amazonaws.com/echo.api/\x1b[31mcert.pem", "no URL may hold"),
        ("https://s3.amazonaws.com/echo.api/c\u00e9rt.pem", "no URL may hold"),
        ("https://s3.amazonaws.com/echo.api/cert;x.pem", "may hold only"),
        ("https://s3.amazonaws.com/echo.api", "/echo.api/"),
        ("https://s3.amazonaws.com.evil.com/echo.api/echo-api-cert.pem", "s3.amazonaws.com"),
        ("https://s3.amazonaws.com@evil.com/echo.api/echo-api-cert.pem", "s3.amazonaws.com"),
        ("https://s3.amazonaws.com:https/echo.api/echo-api-cert.pem", "not a valid URL"),
        ("file:///echo.api/echo-api-cert.pem", "https"),
        ("", "https"),
    ],
)
def test_certificate_urls_breaking_amazon_rules_are_refused(url: str, reason: str) -> None:
    with pytest.raises(CertificateUrlError, match=reason):
        certificate_url(url)


def test_credentials_in_a_certificate_url_never_reach_the_download() -> None:
    url = "https://someone@s3.amazonaws.com/echo.api/echo-api-cert.pem"
    assert certificate_url(url) == CANONICAL


def test_genuine_request_passes() -> None:
    verify(trusting_verifier(), envelope())


def test_certificate_is_downloaded_once_and_reused_from_the_cache() -> None:
    downloads = Downloads({CANONICAL: authority().chain_pem()})
    verifier = RequestVerifier(
        skill_id=SKILL_ID, trust_store=authority().store(), fetcher=downloads
    )
    verify(verifier, envelope())
    verify(verifier, envelope(), cert_url="https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem")
    verify(verifier, envelope("IntentRequest"))
    assert downloads.count == 1


def test_cached_certificate_is_checked_again_once_it_expires() -> None:
    ca = authority()
    leaf = ca.leaf(valid_for=2 * DAY)
    downloads = Downloads({CANONICAL: ca.chain_pem(leaf)})
    now = [utc_now()]
    verifier = RequestVerifier(trust_store=ca.store(), fetcher=downloads, clock=lambda: now[0])
    verify(verifier, envelope())
    now[0] += 3 * DAY
    with pytest.raises(CertificateError, match="expired"):
        verify(verifier, envelope(timestamp=now[0]))
    assert downloads.count == 2


@pytest.mark.parametrize(
    ("pem", "reason"),
    [
        (lambda ca: ca.chain_pem(ca.leaf(valid_from=-60 * DAY, valid_for=30 * DAY)), "expired"),
        (lambda ca: ca.chain_pem(ca.leaf(valid_from=DAY)), "not valid yet"),
        (lambda ca: ca.chain_pem(ca.leaf(names=("echo-api.amazon.com.evil.com",))), "not issued"),
        (lambda ca: ca.chain_pem(ca.leaf(names=())), "not issued"),
        (lambda ca: ca.self_signed_pem(), "trusted root"),
        (lambda ca: authority("look-alike").chain_pem(), "trusted root"),
        (lambda ca: ca.chain_pem()[: ca.chain_pem().index(b"-----END")], "valid PEM"),
        (lambda ca: b"not a certificate", "valid PEM"),
        (lambda ca: ca.chain_pem(ca.leaf(digital_signature=False)), "key usage"),
    ],
    ids=["expired", "not-yet-valid", "wrong-san", "no-san", "self-signed", "untrusted-root",
         "truncated", "garbage", "no-digital-signature"],
)
def test_untrustworthy_signing_certificates_are_refused(pem, reason: str) -> None:
    with pytest.raises(CertificateError, match=reason):
        verify(trusting_verifier(pem(authority())), envelope())


def test_leaf_without_its_intermediate_does_not_chain() -> None:
    ca = authority()
    leaf_only = ca.chain_pem()[: ca.chain_pem().index(b"-----END CERTIFICATE-----") + 26]
    with pytest.raises(CertificateError, match="trusted root"):
        verify(trusting_verifier(leaf_only), envelope())


def test_test_authority_is_not_trusted_by_the_default_roots() -> None:
    with pytest.raises(CertificateError, match="trusted root"):
        verify_chain(authority().chain_pem(), default_trust_store(), utc_now())


def test_failed_download_is_refused() -> None:
    verifier = RequestVerifier(trust_store=authority().store(), fetcher=Downloads({}))
    with pytest.raises(CertificateError, match="download"):
        verify(verifier, envelope())


def test_tampered_body_is_refused() -> None:
    data = envelope()
    tampered = body_of(data).replace(b"LaunchRequest", b"SessionEndedRequest")
    with pytest.raises(SignatureError, match="does not match"):
        verify(trusting_verifier(), data, body=tampered)


@pytest.mark.parametrize(
    ("signature", "reason"),
    [
        (lambda raw: "", "missing Signature-256"),
        (lambda raw: None, "missing Signature-256"),
        (lambda raw: "!!not base64!!", "base64"),
        (lambda raw: "é", "base64"),
        (lambda raw: base64.b64encode(b"\x00" * 256).decode(), "does not match"),
        (lambda raw: sign(raw + b" "), "does not match"),
        (lambda raw: sign(raw, rsa_key("impostor")), "does not match"),
    ],
    ids=["empty", "missing", "not-base64", "non-ascii", "zeros", "other-body", "other-key"],
)
def test_missing_or_garbage_signatures_are_refused(signature, reason: str) -> None:
    data = envelope()
    with pytest.raises(SignatureError, match=reason):
        verify(trusting_verifier(), data, signature=signature(body_of(data)))


@pytest.mark.parametrize("cert_url", ["", None])
def test_missing_certificate_url_is_refused(cert_url) -> None:
    with pytest.raises(CertificateUrlError, match="missing"):
        verify(trusting_verifier(), envelope(), cert_url=cert_url)


# Timestamps carry whole seconds, so the verifier's clock stands still on one.
NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.mark.parametrize("offset", [-151, 151, -3600, 86400])
def test_stale_or_future_timestamps_are_refused(offset: int) -> None:
    moment = NOW + timedelta(seconds=offset)
    with pytest.raises(TimestampError, match="150 seconds"):
        verify(trusting_verifier(clock=lambda: NOW), envelope(timestamp=moment))


@pytest.mark.parametrize("offset", [-150, 150])
def test_timestamps_inside_the_window_pass(offset: int) -> None:
    moment = NOW + timedelta(seconds=offset)
    verify(trusting_verifier(clock=lambda: NOW), envelope(timestamp=moment))


def test_skill_events_get_an_hour() -> None:
    event = "AlexaSkillEvent.SkillEnabled"
    now = datetime.now(UTC)
    verify(trusting_verifier(), envelope(event, timestamp=now - timedelta(minutes=50)))
    with pytest.raises(TimestampError, match="3600 seconds"):
        verify(trusting_verifier(), envelope(event, timestamp=now - timedelta(minutes=70)))


@pytest.mark.parametrize("stamp", [None, "", "yesterday", 1700000000000, ["2024"]])
def test_missing_or_unreadable_timestamps_are_refused(stamp) -> None:
    data = envelope()
    data["request"]["timestamp"] = stamp
    with pytest.raises(TimestampError, match="missing or not"):
        verify(trusting_verifier(), data)


@pytest.mark.parametrize("application_id", ["amzn1.ask.skill.someone-else", ["a", "list"], None])
def test_request_for_another_skill_is_refused(application_id) -> None:
    with pytest.raises(SkillIdError, match="different skill"):
        verify(trusting_verifier(), envelope(application_id=application_id))


@pytest.mark.parametrize("where", ["session", "context"])
def test_one_mismatched_application_id_is_enough_to_refuse(where: str) -> None:
    data = envelope()
    other = {"applicationId": "amzn1.ask.skill.someone-else"}
    if where == "session":
        data["session"]["application"] = other
    else:
        data["context"]["System"]["application"] = other
    with pytest.raises(SkillIdError):
        verify(trusting_verifier(), data)


def test_request_without_the_context_application_id_is_refused_when_a_skill_id_is_set() -> None:
    data = envelope()
    del data["context"]["System"]["application"]
    with pytest.raises(SkillIdError):
        verify(trusting_verifier(), data)


def test_requests_outside_a_session_carry_the_skill_id_in_their_context() -> None:
    data = envelope("AudioPlayer.PlaybackStarted")
    del data["session"]
    verify(trusting_verifier(), data)


def test_any_skill_passes_when_no_skill_id_is_configured() -> None:
    verify(trusting_verifier(skill_id=None), envelope(application_id="amzn1.ask.skill.other"))


class _CertificateHost(http.server.BaseHTTPRequestHandler):
    """Serves a certificate at /echo.api/cert.pem, a redirect to it, and an oversized file."""

    def do_GET(self) -> None:
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/echo.api/cert.pem")
            self.end_headers()
            return
        sizes = {"/echo.api/cert.pem": None, "/huge.pem": MAX_CERTIFICATE_BYTES + 1}
        if self.path not in sizes:
            self.send_error(404)
            return
        size = sizes[self.path]
        body = authority().root.public_bytes(Encoding.PEM) if size is None else b"A" * size
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def certificate_host() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _CertificateHost)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_downloader_fetches_the_chain(certificate_host: str) -> None:
    pem = fetch_certificate(f"{certificate_host}/echo.api/cert.pem")
    assert pem == authority().root.public_bytes(Encoding.PEM)


@pytest.mark.parametrize(
    ("path", "reason"),
    [("/moved", "could not download"), ("/missing.pem", "could not download"),
     ("/huge.pem", "too large")],
)
def test_downloader_refuses_redirects_errors_and_huge_files(certificate_host, path, reason) -> None:
    with pytest.raises(CertificateError, match=reason):
        fetch_certificate(f"{certificate_host}{path}")


def test_unreachable_certificate_host_is_a_refusal_not_a_crash() -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    with pytest.raises(CertificateError, match="could not download"):
        fetch_certificate(f"http://127.0.0.1:{port}/echo.api/cert.pem")


def test_root_bundle_keeps_every_certificate_that_parses() -> None:
    ca = authority()
    broken = b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
    root, intermediate = (c.public_bytes(Encoding.PEM) for c in (ca.root, ca.intermediate))
    bundle = root + broken + intermediate
    assert load_roots(bundle) == [ca.root, ca.intermediate]
