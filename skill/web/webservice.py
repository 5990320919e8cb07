"""The skill as a web service: `create_app(config)` builds the Flask application.

Routes: `POST /alexa` (the skill endpoint; every request verified as Amazon requires unless
verification is switched off for local testing), `GET /healthz`, `GET /audio/<key>` serving
a local audio store with HTTP Range support, and, when enabled, the simulator page
(`skill.web.simulator_page`) at `GET /`. When a store is served, the skill's audio URLs point at
this server's `/audio/`.

Anything refused, or too malformed to verify, gets a 4xx with a short JSON reason
(`{"error": "..."}`); a verified request is always answered through the skill's front door
(skill.runtime.front_door: danger first, an apology for what the SDK cannot parse). Nothing
ever answers with a traceback.

Run it with `nocontact serve`, or under any WSGI server; with no argument `create_app()`
reads `WebConfig.from_env(os.environ)`:

    waitress-serve --host 127.0.0.1 --port 8000 --call skill.web.webservice:create_app
    gunicorn --bind 127.0.0.1:8000 --workers 2 'skill.web.webservice:create_app()'

Environment: the skill's own variables (`SkillConfig.from_env`), plus NOCONTACT_HOST (the
address the server listens on; unset, the server counts as reachable by others),
NOCONTACT_STORE (a local audio store to serve), NOCONTACT_PUBLIC_URL (this server's address
as listeners' devices reach it), NOCONTACT_VERIFY=0 and NOCONTACT_SIMULATOR=1 (unsigned
requests: only on a loopback NOCONTACT_HOST without a public URL) and
NOCONTACT_ALLOW_ANY_SKILL=1 (a reachable server without NOCONTACT_SKILL_ID). The rules are
checked here, whatever starts the app (skill.web.settings); a way of serving they refuse
raises ExposureError before anything is served.
"""

from __future__ import annotations

import json
import logging
import os
import stat
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ask_sdk_core.skill import CustomSkill
from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    request,
    send_file,
)
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge, SecurityError

from audio.manifest import MANIFEST_KEY
from skill.runtime.builder import build_skill
from skill.runtime.front_door import FrontDoor
from skill.runtime.guidebook import load_guidebook
from skill.web import simulator_page
from skill.web.errors import RequestVerificationError
from skill.web.logbook import Throttle
from skill.web.settings import WebConfig, check_exposure
from skill.web.verify import RequestVerifier, check_skill_id

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

# Clip keys carry their content hash, so a clip never changes under its URL.
CLIP_CACHE = "public, max-age=31536000, immutable"
MANIFEST_CACHE = "no-cache"
NO_VERIFY_WARNING = (
    "Request verification is OFF: this server accepts requests that did not come from Amazon. "
    "Use it for local testing only and never expose it to the internet."
)


def create_app(
    config: WebConfig | None = None,
    *,
    skill: CustomSkill | None = None,
    verifier: RequestVerifier | None = None,
) -> Flask:
    """The Flask application; `skill` and `verifier` default to those the config describes.

    ExposureError, before anything is built, when the configuration would let others around
    verification (skill.web.settings).
    """
    config = config or WebConfig.from_env(os.environ)
    check_exposure(config)
    if skill is None:
        skill = build_skill(config.skill_config())
    if not config.verify:
        logger.warning(NO_VERIFY_WARNING)
        verifier = None
    elif verifier is None:
        verifier = RequestVerifier(skill_id=config.skill.skill_id)
    # Only where others can send requests: on loopback no one but this machine's own can.
    if config.verify and config.skill.skill_id is None and not config.local_only:
        logger.warning(
            "NOCONTACT_SKILL_ID is not set: requests Amazon signs for any skill are accepted"
        )
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes
    app.config["TRUSTED_HOSTS"] = config.trusted_hosts()
    app.extensions["nocontact"] = Endpoint(
        skill, FrontDoor(skill, load_guidebook()), verifier, config.store_dir, Throttle(logger)
    )
    app.register_blueprint(blueprint)
    if config.simulator:
        simulator_page.register(app, config.skill_config().audio_base_url)
    app.after_request(_no_sniffing)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)
    return app


@dataclass(frozen=True)
class Endpoint:
    """What the routes serve: the skill and the front door every request enters it by, the
    verifier (None when off) and the audio store; refusals, which any caller can cause, are
    logged through a throttle."""

    skill: CustomSkill
    front_door: FrontDoor
    verifier: RequestVerifier | None
    store_dir: Path | None
    refusals: Throttle


blueprint = Blueprint("webservice", __name__)


def _endpoint() -> Endpoint:
    return current_app.extensions["nocontact"]


@blueprint.get("/healthz")
def healthz() -> Response:
    """Liveness for load balancers and `nocontact serve`."""
    return _json({"status": "ok"})


@blueprint.post("/alexa")
def alexa() -> Response:
    """The skill endpoint: verify, then answer through the front door (danger first).

    A request that passed verification is always answered: one the SDK cannot parse gets
    the skill's apology, or the crisis lines when it speaks of danger, never a 400.
    """
    endpoint = _endpoint()
    if request.mimetype != "application/json":
        abort(415, "send the request body as application/json")
    body = request.get_data(cache=False)
    envelope = parse_envelope(body)
    skill = endpoint.skill
    try:
        if endpoint.verifier is not None:
            endpoint.verifier.verify(
                cert_url=request.headers.get("SignatureCertChainUrl"),
                signature=request.headers.get("Signature-256"),
                body=body,
                envelope=envelope,
            )
        # Checked even without verification: the SDK would fail on a mismatch with a 500.
        check_skill_id(envelope, skill.skill_id)
    except RequestVerificationError as error:
        # Reasons are the verifier's own fixed sentences, never what the request carried.
        endpoint.refusals.log(logging.INFO, "Refused a request: %s", error)
        abort(400, f"request verification failed: {error}")
    return _json(endpoint.front_door.answer(envelope))


@blueprint.get("/audio/<path:key>")
def audio(key: str) -> Response:
    """A clip or the manifest from the local store, with Range support and cache headers."""
    store_dir = _endpoint().store_dir
    if store_dir is None:
        abort(404, "this server does not serve a local audio store")
    if key == MANIFEST_KEY:
        mimetype, cache = "application/json", MANIFEST_CACHE
    elif key.endswith(".mp3"):
        mimetype, cache = "audio/mpeg", CLIP_CACHE
    elif key.endswith(".vtt"):
        mimetype, cache = "text/vtt", CLIP_CACHE
    else:
        abort(404, "only clips, their captions and the manifest are served")
    response = send_file(
        stored_file(store_dir, key), mimetype=mimetype, conditional=True, etag=True
    )
    response.headers["Cache-Control"] = cache
    return response


def stored_file(store_dir: Path, key: str) -> Path:
    """The regular file a key names inside the store, wherever links point; otherwise a 404.

    The key and the file it resolves to are both checked: no hidden step, and the resolved
    path stays inside the resolved store, so no symlink reaches outside it.
    """
    if any(step.startswith(".") or not step for step in key.split("/")):
        abort(404, "hidden files and parent folders are not served")
    try:
        root = store_dir.resolve()
        path = (root / key).resolve()
        inside = path.relative_to(root)
        is_regular = stat.S_ISREG(path.stat().st_mode)
    except (OSError, ValueError):
        abort(404, "no such clip in the store")
    if any(step.startswith(".") for step in inside.parts) or not is_regular:
        abort(404, "no such clip in the store")
    return path


def parse_envelope(body: bytes) -> dict[str, Any]:
    """The request body as a JSON object with the fields verification reads, or a 400.

    Nothing more is required here: the rest is the skill's to read, and a verified request
    it cannot parse still gets an answer.
    """
    try:
        envelope = json.loads(body.decode("utf-8"))
    except (ValueError, RecursionError):
        abort(400, "request body is not valid UTF-8 JSON")
    if not isinstance(envelope, dict):
        abort(400, "request body must be a JSON object")
    alexa_request = envelope.get("request")
    if not isinstance(alexa_request, dict) or not isinstance(alexa_request.get("type"), str):
        abort(400, "request envelope needs a request object with a type")
    system = envelope.get("context")
    if not isinstance(system, dict) or not isinstance(system.get("System"), dict):
        abort(400, "request envelope needs a context object with System")
    return envelope


def _json(payload: Any, status: int = 200) -> Response:
    return Response(json.dumps(payload), status=status, mimetype="application/json")


def _http_error(error: HTTPException) -> Response:
    """Every HTTP error as `{"error": reason}`, keeping headers such as Allow."""
    reason = error.description
    if isinstance(error, SecurityError):
        # The refused Host header is the caller's text: not echoed back.
        reason = "this server answers only requests addressed to it by a loopback name"
    elif isinstance(error, RequestEntityTooLarge):
        reason = f"request body is larger than {current_app.config['MAX_CONTENT_LENGTH']} bytes"
    response = error.get_response()
    response.set_data(json.dumps({"error": reason}))
    response.mimetype = "application/json"
    return response


def _no_sniffing(response: Response) -> Response:
    """Every answer is read as the type it declares, never sniffed into HTML or script."""
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _unexpected_error(error: Exception) -> Response:
    """A fault in the skill itself: logged with its frames, reported to the caller in one line."""
    # The message may quote a request's values, so only the type and the frames are logged.
    logger.error(
        "The skill failed to answer a request with %s\n%s",
        type(error).__name__,
        "".join(traceback.format_tb(error.__traceback__)),
    )
    return _json({"error": "the skill could not answer this request"}, status=500)
