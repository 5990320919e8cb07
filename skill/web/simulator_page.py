"""The simulator page at `GET /` and its JSON API: talk to the skill from a browser.

The page keeps no secrets and the server keeps no conversations: each call carries the
device state the previous answer returned. The server resolves the utterance, builds the
device's requests, calls the skill in this process and answers with readable turns, the raw
JSON, the new device state (session and player included) and the titles of what the player
holds.

    POST /simulator/say    {"utterance": "help with guilt", "state": {...} | null,
                            "device": "echo", "locale": "en-US", "offset_ms": 0}
    POST /simulator/event  {"event": "play" | "pause" | "next" | "previous" | "finished"
                            | "failed" | "end-session", "state": {...}, "offset_ms": 1200}
    GET  /simulator/setup  skill name, devices, locales, topic and phrase buttons
    POST /simulator/alexa  a device's request envelope, answered by the skill as-is: the
                           route `nocontact say --url` takes to a server on this machine

Each answer: {"state": {...}, "turns": [...], "labels": {"current": "...", "captions": url,
"queue": [...]}}; an audio segment carries its clip's "captions" URL too (null without them),
and a turn that gives the crisis lines says so ("crisis": true), so the page shows them once.
The skill's calls to Alexa's Reminders and Settings APIs are answered by the simulator's own
(skill.simulator.api_server), and the reminders travel in the state with the conversation.

Everything the blueprint serves carries a strict Content-Security-Policy (scripts, styles
and calls from this server only; clips from here or the audio store) and may not be framed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ask_sdk_core.exceptions import SerializationException
from flask import Blueprint, Flask, Response, abort, current_app, jsonify, request
from pydantic import ValidationError

from audio.manifest import MANIFEST_KEY, ManifestError, parse_manifest
from content import LOCALES, SkillText, default_guide
from skill.runtime import intents
from skill.simulator.api_server import shared_alexa
from skill.simulator.device import (
    EVENTS,
    DeviceState,
    Exchange,
    SimulatedDevice,
    SimulatorError,
)
from skill.simulator.envelopes import DEVICES, Player, Stream, envelope_problem
from skill.simulator.language_model import InteractionModel, normalize
from skill.simulator.simulation import Simulation, clip_index, interaction_model
from skill.simulator.transcript import Segment, Turn
from skill.simulator.transports import SIMULATOR_ROUTE, in_process
from skill.web.errors import RequestVerificationError
from skill.web.verify import check_skill_id

STATIC_DIR = Path(__file__).resolve().parent / "static" / "simulator"
DEFAULT_DEVICE = "echo"
DEVICE_LABELS = {
    "echo": "Echo: a speaker with AudioPlayer",
    "echo-show": "Echo Show: a screen and AudioPlayer",
    "app-text-only": "Alexa app: typed text only",
}
# Intents with a quick-phrase button, in the order shown.
PHRASE_INTENTS = (
    intents.HELP, intents.CRISIS, intents.REFLECT, intents.GUIDED_REFLECTION, intents.PLAY_GUIDE,
    intents.CONTINUE_LISTENING, intents.YES, intents.NO, intents.STOP,
)
# Far longer than anything said in one breath; keeps a pasted essay out of the matcher.
MAX_UTTERANCE_CHARS = 500

blueprint = Blueprint(
    "simulator_page", __name__,
    static_folder=str(STATIC_DIR), static_url_path="/simulator/static",
)
POLICY_KEY = "nocontact.simulator_policy"


def register(app: Flask, audio_base_url: str | None) -> None:
    """Serve the page on `app`; its clips play from this server or the audio store's origin."""
    app.config[POLICY_KEY] = content_security_policy(audio_base_url)
    app.register_blueprint(blueprint)


def content_security_policy(audio_base_url: str | None) -> str:
    """Nothing inline, nothing from elsewhere but the clips, and no framing."""
    media = ["'self'"]
    if audio_base_url:
        parts = urlsplit(audio_base_url)
        media.append(f"{parts.scheme}://{parts.netloc}")
    return "; ".join([
        "default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'",
        "img-src 'self' data:", f"media-src {' '.join(media)}", "base-uri 'none'",
        "form-action 'none'", "frame-ancestors 'none'",
    ])


@blueprint.after_request
def _page_policy(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = current_app.config[POLICY_KEY]
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@blueprint.get("/")
def page() -> Response:
    """The simulator page."""
    return blueprint.send_static_file("index.html")


@blueprint.get("/simulator/setup")
def setup() -> Response:
    """What the page offers: devices, locales, and buttons for phrases and topics."""
    guide = default_guide()
    model = interaction_model(LOCALES[0])
    return jsonify({
        "name": guide.skill.name,
        "device": DEFAULT_DEVICE,
        "devices": [{"id": device, "label": DEVICE_LABELS[device]} for device in DEVICES],
        "locale": LOCALES[0],
        "locales": list(LOCALES),
        "placeholder": f"e.g. {guide.section(guide.skill.launch_topics[0]).topic}",
        "phrases": _phrases(model, guide.skill),
        "topics": [
            {"label": section.topic.capitalize(), "utterance": section.topic}
            for section in guide.sections
        ],
    })


@blueprint.post("/simulator/say")
def say() -> Response:
    """Say something to the device."""
    body = _body()
    utterance = body.get("utterance")
    if not isinstance(utterance, str) or not utterance.strip():
        abort(400, "say something: the utterance is empty")
    return _act(body, lambda device: device.say(utterance[:MAX_UTTERANCE_CHARS]))


@blueprint.post("/simulator/event")
def event() -> Response:
    """Press a device button, or report that the stream finished or failed."""
    body = _body()
    action = body.get("event")
    if not isinstance(action, str) or action not in EVENTS:
        abort(400, f"unknown event; use one of {', '.join(EVENTS)}")
    return _act(body, lambda device: device.act(action))


@blueprint.post(SIMULATOR_ROUTE)
def alexa() -> Response:
    """A device's request envelope, answered by the skill in this process without Amazon's
    signature, as the page's own turns are; the skill id still holds."""
    envelope = _body()
    problem = envelope_problem(envelope)
    if problem:
        abort(400, problem)
    skill = current_app.extensions["nocontact"].skill
    try:
        check_skill_id(envelope, skill.skill_id)
    except RequestVerificationError as error:
        abort(400, f"request refused: {error}")
    try:
        return jsonify(in_process(skill)(envelope))
    except (SerializationException, SimulatorError):
        abort(400, "request envelope does not have the shape of an Alexa request")


def _act(body: dict[str, Any], action: Callable[[SimulatedDevice], list[Exchange]]) -> Response:
    simulation = _simulation()
    device = simulation.device(_state(body, simulation))
    offset = body.get("offset_ms")
    if device.state.player.current is not None and isinstance(offset, int):
        device.report_position(offset)
    try:
        exchanges: list[Exchange] = action(device)
    except SimulatorError as error:
        abort(502, str(error))
    return jsonify({
        "state": device.state.model_dump(mode="json"),
        "turns": [
            _turn_json(turn, exchange)
            for turn, exchange in zip(simulation.turns(exchanges), exchanges, strict=True)
        ],
        "labels": _labels(device.state.player, simulation),
    })


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400, "send a JSON object")
    return body


def _state(body: dict[str, Any], simulation: Simulation) -> DeviceState:
    if body.get("state") is None:
        device, locale = body.get("device", DEFAULT_DEVICE), body.get("locale", LOCALES[0])
        if not (isinstance(device, str) and device in DEVICES
                and isinstance(locale, str) and locale in LOCALES):
            abort(
                400,
                f"choose a device ({', '.join(DEVICES)}) and a locale ({', '.join(LOCALES)})",
            )
        return simulation.new_state(device, locale)
    try:
        return DeviceState.model_validate(body["state"])
    except ValidationError:
        abort(400, "the conversation state is not valid; start a new conversation")


def _simulation() -> Simulation:
    endpoint = current_app.extensions["nocontact"]
    return Simulation(
        send=in_process(endpoint.skill),
        clips=clip_index(endpoint.store_dir),
        skill_id=endpoint.skill.skill_id,
        apis=shared_alexa(),
    )


def _phrases(model: InteractionModel, skill: SkillText) -> list[dict[str, str]]:
    """Buttons for common requests: a built-in intent's own word, a custom one's first sample,
    and for safety the crisis phrase the skill itself tells people to say."""
    phrases = [{"label": "Open the skill", "utterance": f"open {skill.invocation_name}"}]
    for name in PHRASE_INTENTS:
        intent = model.intent(name)
        if intent is None:
            continue
        if name.startswith("AMAZON."):
            said = name.removeprefix("AMAZON.").removesuffix("Intent").lower()
        elif name == intents.CRISIS:
            advice = normalize(skill.disclaimer)
            said = next((s for s in intent.samples if normalize(s) in advice), "")
        else:
            said = next((s for s in intent.samples if "{" not in s), "")
        if said:
            phrases.append({"label": said[:1].upper() + said[1:], "utterance": said})
    return phrases


def _segments_json(segments: tuple[Segment, ...]) -> list[dict[str, Any]]:
    return [_segment_json(s) for s in segments]


def _segment_json(segment: Segment) -> dict[str, Any]:
    if segment.quiet:
        return {"kind": "quiet", "seconds": segment.quiet}
    if segment.clip is None:
        return {"kind": "text", "text": segment.text}
    return {
        "kind": "audio", "url": segment.clip.url, "label": segment.clip.label,
        "captions": captions_url(segment.clip.url),
    }


def captions_url(url: str) -> str | None:
    """Where the captions of the clip at `url` are served, when the store's manifest has them."""
    store_dir = current_app.extensions["nocontact"].store_dir
    if store_dir is None:
        return None
    path = url.split("?", 1)[0]
    captions = _captions_index(store_dir / MANIFEST_KEY)
    for key, vtt in captions.items():
        if path.endswith("/" + key):
            return path[: -len(key)] + vtt
    return None


def _captions_index(path: Path) -> dict[str, str]:
    """Clip key → captions key from a manifest file; empty when it cannot be read."""
    try:
        stat = path.stat()
    except OSError:
        return {}
    return _read_captions_index(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _read_captions_index(path: Path, mtime_ns: int, size: int) -> dict[str, str]:
    """The index of one version of a manifest file (its path, time and size are the key)."""
    try:
        manifest = parse_manifest(path.read_bytes())
    except (OSError, ManifestError):
        return {}
    return {part.key: part.captions.key for part in manifest.parts if part.captions}


def _turn_json(turn: Turn, exchange: Exchange) -> dict[str, Any]:
    return {
        "request": turn.request,
        "speech": _segments_json(turn.speech),
        "reprompt": _segments_json(turn.reprompt),
        "card": {"title": turn.card.title, "text": turn.card.text} if turn.card else None,
        "crisis": turn.card is not None and turn.card.title == _crisis_card_title(),
        "directives": list(turn.directives),
        "ends_session": turn.ends_session,
        "envelope": exchange.request,
        "response": exchange.response,
    }


def _crisis_card_title() -> str:
    """The crisis answer's card title: every answer that gives the crisis lines carries it."""
    return default_guide().skill.crisis.card_title


def _labels(player: Player, simulation: Simulation) -> dict[str, Any]:
    """What the player shows: the title of the current stream and of each queued one."""

    def label(item: Stream) -> str:
        clip = simulation.clips.clip(item.url)
        return clip.label if clip.place else item.title or clip.label

    current = simulation.clips.clip(player.current.url) if player.current else None
    return {
        "current": label(player.current) if player.current else None,
        "captions": captions_url(player.current.url) if player.current else None,
        "queue": [label(item) for item in player.queue],
        # The current stream is a guided reflection's space to think: the page counts it down.
        "space": bool(current and current.place and current.place.space),
    }
