"""Request envelopes shaped like a device's, for the simulator (pure: no I/O).

The values here are what a device knows between requests: who is talking (random ids for
one conversation), the open session and its attributes, and the AudioPlayer's state. Each
function turns them into one JSON request as Alexa would send it to the skill.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from content import LOCALES
from skill.simulator.language_model import FilledSlot, ResolvedIntent

SIMULATOR_SKILL_ID = "amzn1.ask.skill.00000000-0000-4000-8000-000000000000"
API_ENDPOINT = "https://api.amazonalexa.com"

# What each kind of device tells the skill it can do (`context.System.device`).
_ECHO_SHOW_VIEWPORT = {
    "experiences": [{"arcMinuteWidth": 246, "arcMinuteHeight": 144, "canRotate": False,
                     "canResize": False}],
    "mode": "HUB", "shape": "RECTANGLE", "pixelWidth": 1024, "pixelHeight": 600, "dpi": 160,
    "currentPixelWidth": 1024, "currentPixelHeight": 600, "touch": ["SINGLE"], "keyboard": [],
}
DeviceName = Literal["echo", "echo-show", "app-text-only"]
Locale = Literal[LOCALES]
DEVICES: dict[DeviceName, dict[str, Any]] = {
    "echo": {"AudioPlayer": {}},
    "echo-show": {
        "AudioPlayer": {},
        "Alexa.Presentation.APL": {"runtime": {"maxVersion": "2023.3"}},
    },
    "app-text-only": {},
}
PlayerActivity = Literal["IDLE", "PLAYING", "PAUSED", "STOPPED", "FINISHED", "BUFFER_UNDERRUN"]


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Caller(_Value):
    """Who is talking, from where: fixed for one conversation, random per conversation."""

    user_id: str
    device_id: str
    device: DeviceName = "echo"
    locale: Locale = "en-US"
    # The skill being talked to: set by whoever runs it, never saved with a conversation.
    skill_id: str = Field(default=SIMULATOR_SKILL_ID, exclude=True)
    # Where the skill reaches Alexa's APIs (Reminders, Settings), and with which token; None:
    # the simulator's own (skill.simulator.api_server), else Amazon's address.
    api_endpoint: str | None = None
    api_token: str = Field(default_factory=lambda: f"simulator.{secrets.token_hex(16)}")
    # Permission scopes the listener has granted this skill ("alexa::alerts:reminders:...").
    granted: tuple[str, ...] = ()

    @classmethod
    def new(cls, device: DeviceName = "echo", locale: Locale = "en-US",
            skill_id: str = SIMULATOR_SKILL_ID) -> Caller:
        """A caller with fresh random user and device ids."""
        return cls(
            user_id=f"amzn1.ask.account.{secrets.token_hex(24).upper()}",
            device_id=f"amzn1.ask.device.{secrets.token_hex(24).upper()}",
            device=device, locale=locale, skill_id=skill_id,
        )

    def user(self) -> dict[str, Any]:
        """`context.System.user`: the id and, once any is granted, the permissions."""
        user: dict[str, Any] = {"userId": self.user_id}
        if self.granted:
            user["permissions"] = {
                "consentToken": self.api_token,
                "scopes": {scope: {"status": "GRANTED"} for scope in self.granted},
            }
        return user

    @property
    def has_audio_player(self) -> bool:
        """Whether the device can stream long-form audio."""
        return "AudioPlayer" in DEVICES[self.device]


class Session(_Value):
    """The skill session: open or not, and the attributes the skill handed back last time."""

    id: str | None = None
    open: bool = False
    attributes: dict[str, Any] = {}
    # The slot the skill asked for alone (Dialog.ElicitSlot), as (intent, slot).
    eliciting: tuple[str, str] | None = None


class Stream(_Value):
    """An AudioPlayer stream as a Play directive gave it."""

    token: str
    url: str
    offset_ms: int = 0
    title: str | None = None


class Player(_Value):
    """The device's AudioPlayer: what is playing, where, and what is queued after it."""

    activity: PlayerActivity = "IDLE"
    current: Stream | None = None
    offset_ms: int = 0
    queue: tuple[Stream, ...] = ()


def new_session_id() -> str:
    """A session id shaped like Alexa's."""
    return f"amzn1.echo-api.session.{uuid.uuid4()}"


def launch_request(caller: Caller, session: Session, player: Player, now: datetime) -> dict:
    """"Alexa, open <invocation name>"."""
    return _envelope(caller, session, player, {"type": "LaunchRequest"}, now)


def intent_request(
    caller: Caller, session: Session, player: Player, intent: ResolvedIntent, now: datetime
) -> dict:
    """An utterance that resolved to an intent, with slots and entity resolution."""
    body = {
        "type": "IntentRequest",
        "dialogState": "COMPLETED",
        "intent": {
            "name": intent.name,
            "confirmationStatus": "NONE",
            "slots": {slot.name: slot_json(slot, caller.skill_id) for slot in intent.slots},
        },
    }
    return _envelope(caller, session, player, body, now)


def session_ended_request(
    caller: Caller, session: Session, player: Player, reason: str, now: datetime
) -> dict:
    """The session closed without the skill ending it (silence, "exit", an error)."""
    body = {"type": "SessionEndedRequest", "reason": reason}
    return _envelope(caller, session, player, body, now)


class PermissionQuestion(_Value):
    """Alexa's own question for a permission the skill asked for (Connections.SendRequest
    AskFor), waiting for the listener's answer."""

    scope: str
    token: str = ""


def permission_response(
    caller: Caller, player: Player, question: PermissionQuestion, status: str, now: datetime
) -> dict:
    """The listener's answer as Alexa reports it: ACCEPTED, DENIED or NOT_ANSWERED, in a new
    session."""
    body = {
        "type": "Connections.Response",
        "name": "AskFor",
        "status": {"code": "200", "message": "OK"},
        "payload": {"permissionScope": question.scope, "status": status},
        "token": question.token,
    }
    return _envelope(caller, Session(), player, body, now)


def player_request(caller: Caller, player: Player, request_type: str, now: datetime) -> dict:
    """An AudioPlayer.* or PlaybackController.* request: sent outside any session."""
    body: dict[str, Any] = {"type": request_type}
    if request_type.startswith("AudioPlayer."):
        body["token"] = player.current.token if player.current else ""
        body["offsetInMilliseconds"] = player.offset_ms
    if request_type == "AudioPlayer.PlaybackFailed":
        body["error"] = {"type": "MEDIA_ERROR_UNKNOWN", "message": "The stream could not play."}
        body["currentPlaybackState"] = _audio_player_context(player)
    return _envelope(caller, None, player, body, now)


def envelope_problem(envelope: dict[str, Any]) -> str | None:
    """What keeps a JSON object from being a request the SDK can read, as a reason; None when
    nothing does. ask-sdk reads `request.type`, `context.System` and an intent's name."""
    alexa_request = envelope.get("request")
    if not isinstance(alexa_request, dict) or not isinstance(alexa_request.get("type"), str):
        return "request envelope needs a request object with a type"
    intent = alexa_request.get("intent")
    if alexa_request["type"] == "IntentRequest" and not (
        isinstance(intent, dict) and isinstance(intent.get("name"), str)
    ):
        return "an IntentRequest needs an intent object with a name"
    context = envelope.get("context")
    if not isinstance(context, dict) or not isinstance(context.get("System"), dict):
        return "request envelope needs a context object with System"
    if envelope.get("session") is not None and not isinstance(envelope["session"], dict):
        return "request envelope's session must be an object"
    return None


def slot_json(slot: FilledSlot, skill_id: str) -> dict[str, Any]:
    """A slot as Alexa sends it: the words heard, and entity resolution for custom types."""
    if slot.heard is None:
        return {"name": slot.name, "confirmationStatus": "NONE"}
    data: dict[str, Any] = {
        "name": slot.name, "value": slot.heard, "confirmationStatus": "NONE", "source": "USER"
    }
    simple: dict[str, Any] = {"type": "Simple", "value": slot.heard}
    if slot.custom:
        authority: dict[str, Any] = {
            "authority": f"amzn1.er-authority.echo-sdk.{skill_id}.{slot.type}",
            "status": {"code": "ER_SUCCESS_MATCH" if slot.value else "ER_SUCCESS_NO_MATCH"},
        }
        if slot.value is not None:
            value = {"name": slot.value.name, "id": slot.value.id or slot.value.name}
            authority["values"] = [{"value": value}]
        data["resolutions"] = simple["resolutions"] = {"resolutionsPerAuthority": [authority]}
    data["slotValue"] = simple
    return data


def _envelope(
    caller: Caller, session: Session | None, player: Player, body: Mapping[str, Any],
    now: datetime,
) -> dict:
    application = {"applicationId": caller.skill_id}
    user = caller.user()
    system = {
        "application": application,
        "user": user,
        "device": {"deviceId": caller.device_id, "supportedInterfaces": DEVICES[caller.device]},
        "apiEndpoint": caller.api_endpoint or API_ENDPOINT,
        "apiAccessToken": caller.api_token,
    }
    context: dict[str, Any] = {"System": system}
    if caller.has_audio_player:
        context["AudioPlayer"] = _audio_player_context(player)
    if caller.device == "echo-show":
        context["Viewport"] = _ECHO_SHOW_VIEWPORT
    envelope: dict[str, Any] = {"version": "1.0"}
    if session is not None:
        envelope["session"] = {
            "new": not session.open,
            "sessionId": session.id if session.open and session.id else new_session_id(),
            "application": application,
            "attributes": dict(session.attributes) if session.open else {},
            "user": user,
        }
    envelope["context"] = context
    envelope["request"] = {
        **body,
        "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
        "timestamp": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "locale": caller.locale,
    }
    return envelope


def _audio_player_context(player: Player) -> dict[str, Any]:
    if player.current is None:
        return {"playerActivity": player.activity}
    return {
        "token": player.current.token,
        "offsetInMilliseconds": player.offset_ms,
        "playerActivity": player.activity,
    }
