"""Amazon's SMAPI and Login with Amazon on loopback, for tests: nothing leaves the machine.

A small threaded `http.server` implementing the documented requests the project makes:
- `POST /auth/o2/token` (LWA; form-encoded `grant_type=refresh_token`, `client_id`,
  `client_secret`, `refresh_token`): 200 with `access_token`, `token_type`, `expires_in`;
  400 `invalid_grant` for an unknown refresh token, 401 `invalid_client` for a wrong client.
- `POST /v1/skills/{skillId}/stages/{stage}/validations` (`{"locales": [...]}`): 202 with
  `id` and `status` IN_PROGRESS and a `Location`; `GET .../validations/{id}`: IN_PROGRESS for
  `polls_before_done` polls, then SUCCESSFUL or FAILED with `result.validations`.
- `POST /v1/skills/{skillId}/stages/{stage}/interactionModel/locales/{locale}/profileNlu`
  (`{"utterance": ...}`, optionally `multiTurnToken`; anything else is 400): `sessionEnded`,
  `selectedIntent`, `consideredIntents`, from `profiles` (by utterance) or from `profiler`, a
  function of the locale and the utterance giving the selected intent (`profiled_intent`
  builds one as the API documents it), else `AMAZON.FallbackIntent`.
Every SMAPI call needs `Authorization: Bearer <a token LWA issued>` (401 `{"message"}`
otherwise); an unknown skill is 404; `fail_next(status, retry_after)` makes the next SMAPI
call answer 429 (with `Retry-After`), 500, 503 or anything else, and `fail_calls(first, ...)`
the calls from the `first`-th on. `requests` keeps each SMAPI call's method, path and body.

It speaks HTTPS, as Amazon's SDK refuses anything else, with a certificate for 127.0.0.1 made
for the session; `ca_file` is what clients trust (requests reads it from REQUESTS_CA_BUNDLE).
"""

from __future__ import annotations

import functools
import ipaddress
import json
import re
import secrets
import ssl
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

CLIENT_ID = "amzn1.application-oa2-client.loopback"
CLIENT_SECRET = "loopback-secret"
REFRESH_TOKEN = "Atzr|loopback-refresh"
SKILL_ID = "amzn1.ask.skill.11111111-2222-4333-8444-555555555555"
_VALIDATIONS = re.compile(r"/v1/skills/([\w.-]+)/stages/(\w+)/validations(?:/([\w-]+))?")
_PROFILE = re.compile(
    r"/v1/skills/([\w.-]+)/stages/(\w+)/interactionModel/locales/([\w-]+)/profileNlu"
)
_STAGES = {"development", "live", "certification"}


@dataclass
class SmapiApi:
    """The state behind the server: tokens issued, validation runs, profiles, failures."""

    url: str = ""
    skills: set[str] = field(default_factory=lambda: {SKILL_ID})
    tokens: set[str] = field(default_factory=set)
    token_requests: int = 0
    calls: list[tuple[str, str]] = field(default_factory=list)
    requests: list[tuple[str, str, Any]] = field(default_factory=list)
    failures: list[tuple[int, str | None]] = field(default_factory=list)
    # Failures planned by call number (the first SMAPI call is 1).
    planned: dict[int, tuple[int, str | None]] = field(default_factory=dict)
    # What Amazon's validations report, and how many polls they stay IN_PROGRESS.
    validations: list[dict[str, Any]] = field(default_factory=list)
    polls_before_done: int = 1
    runs: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Utterance → the intent Alexa selects (a profileNlu `selectedIntent`) and considered ones.
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    # (locale, utterance) → the `selectedIntent` Alexa gives it, or None for no intent.
    profiler: Callable[[str, str], dict[str, Any] | None] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail_next(self, status: int, retry_after: str | None = None) -> None:
        """The next SMAPI call answers `status` (with Retry-After, when given)."""
        self.failures.append((status, retry_after))

    def fail_calls(
        self, first: int, status: int, retry_after: str | None = None, times: int = 1
    ) -> None:
        """SMAPI calls `first` to `first + times - 1` (counting from 1) answer `status`."""
        for number in range(first, first + times):
            self.planned[number] = (status, retry_after)

    def revoke_tokens(self) -> None:
        """Access tokens already issued stop working, as when they expire or are revoked."""
        self.tokens.clear()

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, Any], dict[str, str]]:
        self.token_requests += 1
        if form.get("grant_type") != "refresh_token":
            return 400, {"error": "unsupported_grant_type"}, {}
        if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
            return 401, {"error": "invalid_client",
                         "error_description": "Client authentication failed"}, {}
        if form.get("refresh_token") != REFRESH_TOKEN:
            return 400, {"error": "invalid_grant",
                         "error_description": "The request has an invalid grant parameter"}, {}
        token = f"Atza|{secrets.token_hex(8)}"
        self.tokens.add(token)
        return 200, {"access_token": token, "refresh_token": REFRESH_TOKEN,
                     "token_type": "bearer", "expires_in": 3600}, {}

    def answer(
        self, method: str, path: str, headers: Any, body: bytes
    ) -> tuple[int, Any, dict[str, str]]:
        """The status, JSON body and headers SMAPI gives this request."""
        self.calls.append((method, path))
        self.requests.append((method, path, _json_or_text(body)))
        planned = self.planned.pop(len(self.calls), None)
        if planned or self.failures:
            status, retry_after = planned or self.failures.pop(0)
            extra = {"Retry-After": retry_after} if retry_after else {}
            return status, {"message": f"Loopback failure {status}"}, extra
        auth = headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or auth.removeprefix("Bearer ") not in self.tokens:
            return 401, {"message": "The auth token is invalid/expired or doesn't have access "
                                    "to the resource."}, {}
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            return 400, {"message": "The request body is not JSON."}, {}
        validations, profile = _VALIDATIONS.fullmatch(path), _PROFILE.fullmatch(path)
        match = validations or profile
        if match is None:
            return 404, {"message": f"No such resource: {path}"}, {}
        skill_id, stage = match.group(1), match.group(2)
        if skill_id not in self.skills or stage not in _STAGES:
            return 404, {"message": f"Skill {skill_id} or stage {stage} does not exist."}, {}
        if validations and method == "POST" and not validations.group(3):
            return self._start(skill_id, stage, data)
        if validations and method == "GET" and validations.group(3):
            return self._poll(validations.group(3))
        if profile and method == "POST":
            return self._profile(profile.group(3), data)
        return 405, {"message": f"{method} is not allowed on {path}"}, {}

    def _start(self, skill_id: str, stage: str, data: dict) -> tuple[int, Any, dict[str, str]]:
        locales = data.get("locales")
        if not isinstance(locales, list) or not locales:
            return 400, {"message": "locales is required", "violations": [
                {"code": "MISSING_PARAMETER", "message": "locales"}]}, {}
        run_id = str(uuid.uuid4())
        self.runs[run_id] = {"polls": 0, "locales": locales}
        location = f"/v1/skills/{skill_id}/stages/{stage}/validations/{run_id}"
        return 202, {"id": run_id, "status": "IN_PROGRESS"}, {"Location": location}

    def _poll(self, run_id: str) -> tuple[int, Any, dict[str, str]]:
        run = self.runs.get(run_id)
        if run is None:
            return 404, {"message": f"Validation {run_id} does not exist."}, {}
        run["polls"] += 1
        if run["polls"] <= self.polls_before_done:
            return 200, {"id": run_id, "status": "IN_PROGRESS"}, {}
        failed = any(v["status"] == "FAILED" and v["importance"] == "REQUIRED"
                     for v in self.validations)
        return 200, {"id": run_id, "status": "FAILED" if failed else "SUCCESSFUL",
                     "result": {"validations": self.validations}}, {}

    def _profile(self, locale: str, data: dict) -> tuple[int, Any, dict[str, str]]:
        utterance = data.get("utterance")
        if not isinstance(utterance, str) or not utterance.strip():
            return 400, {"message": "utterance is required"}, {}
        unknown = sorted(set(data) - {"utterance", "multiTurnToken"})
        if unknown:
            return 400, {"message": f"Unknown fields: {', '.join(unknown)}"}, {}
        found = self.profiles.get(utterance.lower())
        if found is None and self.profiler is not None:
            selected = self.profiler(locale, utterance)
            found = {"consideredIntents": [], **({"selectedIntent": selected} if selected else {})}
        if found is None:
            found = {"selectedIntent": profiled_intent("AMAZON.FallbackIntent"),
                     "consideredIntents": []}
        return 200, {"sessionEnded": False, **found}, {}


def profiled_intent(
    name: str, slots: Mapping[str, tuple[str, str | None]] | None = None
) -> dict[str, Any]:
    """An intent as profileNlu's `selectedIntent` documents it: each slot's heard `value`, and
    its entity resolution: ER_SUCCESS_MATCH with the value's name and id, or
    ER_SUCCESS_NO_MATCH when the id is None."""
    def slot(slot_name: str, value: str, value_id: str | None) -> dict[str, Any]:
        authority = f"amzn1.er-authority.echo-sdk.{SKILL_ID}.{slot_name}"
        resolution: dict[str, Any] = {
            "authority": authority,
            "status": {"code": "ER_SUCCESS_MATCH" if value_id else "ER_SUCCESS_NO_MATCH"},
        }
        if value_id:
            resolution["values"] = [{"name": value, "id": value_id}]
        return {"name": slot_name, "value": value, "confirmationStatus": "NONE",
                "resolutions": {"resolutionsPerAuthority": [resolution]}}

    filled = {slot_name: slot(slot_name, *said) for slot_name, said in (slots or {}).items()}
    return {"name": name, "confirmationStatus": "NONE", "slots": filled}


def _json_or_text(body: bytes) -> Any:
    try:
        return json.loads(body or b"null")
    except ValueError:
        return body.decode("utf-8", "replace")


class _Handler(BaseHTTPRequestHandler):
    api: SmapiApi

    def _reply(self, status: int, body: Any, headers: dict[str, str]) -> None:
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _handle(self, method: str) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with self.api.lock:
            if self.path.lower() == "/auth/o2/token" and method == "POST":
                form = {k: v[0] for k, v in parse_qs(body.decode("utf-8")).items()}
                self._reply(*self.api.token(form))
            else:
                self._reply(*self.api.answer(method, self.path, self.headers, body))

    def do_POST(self) -> None:
        self._handle("POST")

    def do_GET(self) -> None:
        self._handle("GET")

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read the api's `calls`, not the server's log."""


@functools.cache
def certificate() -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key, as PEM files, made once a run."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=7))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName(
            [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .sign(key, hashes.SHA256())
    )
    folder = Path(tempfile.mkdtemp(prefix="smapi-loopback-"))
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    return cert_file, key_file


@contextmanager
def serve_smapi(api: SmapiApi | None = None) -> Iterator[SmapiApi]:
    """SMAPI and LWA over HTTPS on 127.0.0.1, on a free port, for the length of the block."""
    api = api or SmapiApi()
    handler = type("Handler", (_Handler,), {"api": api})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    cert_file, key_file = certificate()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    api.url = f"https://127.0.0.1:{server.server_address[1]}"
    try:
        yield api
    finally:
        server.shutdown()
        server.server_close()
