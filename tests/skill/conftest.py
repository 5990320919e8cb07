"""Skill test fixtures: request envelopes shaped like a device's, the audio manifest, skills.

`Device(...).envelope(request)` builds an envelope as an Echo (with or without a screen or
AudioPlayer) or the Alexa app sends it; `launch()`, `intent()`, `topic_slot()` and `event()`
build the request inside it. `Session` talks to a skill turn by turn, carrying the session
attributes, and checks every response against Alexa's rules with `check_response`.
"""

from __future__ import annotations

import json
import re
import uuid
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_core.skill import CustomSkill
from ask_sdk_model import RequestEnvelope, ResponseEnvelope

from skill.runtime.builder import build_skill
from skill.runtime.catalog import parse_manifest
from skill.runtime.config import SkillConfig
from skill.runtime.speech import (
    MAX_AUDIO_SECONDS,
    MAX_AUDIO_TAGS,
    MAX_REPROMPT_AUDIO_SECONDS,
    MAX_SSML_CHARS,
)

FIXTURES = Path(__file__).parent / "fixtures"
MANIFEST = FIXTURES / "manifest.json"
AUDIO_BASE_URL = "https://audio.example.org/nocontact"
SKILL_ID = "amzn1.ask.skill.8c0f1d52-3a7e-4b6f-9d21-5e4c3b2a1f00"
USER_ID = "amzn1.ask.account.AF6LZSEXAMPLEUSERIDREDACTED"
MAX_RESPONSE_BYTES = 120_000
CONVERSATIONAL = ("LaunchRequest", "IntentRequest")
_SERIALIZER = DefaultSerializer()
_SCREEN = {"Alexa.Presentation.APL": {"runtime": {"maxVersion": "2023.3"}}}
_VIEWPORT = {
    "experiences": [{"arcMinuteWidth": 246, "arcMinuteHeight": 144, "canRotate": False,
                     "canResize": False}],
    "mode": "HUB", "shape": "RECTANGLE", "pixelWidth": 1024, "pixelHeight": 600, "dpi": 160,
    "currentPixelWidth": 1024, "currentPixelHeight": 600, "touch": ["SINGLE"],
}


def plain_text(ssml: str) -> str:
    """The words of an SSML document without its tags."""
    text = re.sub(r"<[^>]+>", " ", ssml)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
    return " ".join(text.replace("&amp;", "&").split())


def fixture_json(name: str) -> dict[str, Any]:
    """One of the real-shaped JSON fixtures."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def clip_seconds() -> dict[str, float]:
    """Every clip URL the audio fixture can produce, with its length in seconds."""
    parts = parse_manifest(MANIFEST.read_bytes())
    return {
        f"{AUDIO_BASE_URL}/{part.key}": part.seconds for items in parts.values() for part in items
    }


@dataclass(frozen=True)
class Device:
    """What a device tells the skill about itself: locale, screen, AudioPlayer."""

    locale: str = "en-US"
    screen: bool = False
    audio_player: bool = True

    def envelope(
        self,
        request: Mapping[str, Any],
        *,
        attributes: Mapping[str, Any] | None = None,
        new: bool = False,
        in_session: bool = True,
    ) -> dict[str, Any]:
        """A full request envelope around `request`, as Alexa posts it."""
        interfaces: dict[str, Any] = {"AudioPlayer": {}} if self.audio_player else {}
        if self.screen:
            interfaces.update(_SCREEN)
        system = {
            "application": {"applicationId": SKILL_ID},
            "user": {"userId": USER_ID},
            "device": {"deviceId": "amzn1.ask.device.TEST", "supportedInterfaces": interfaces},
            "apiEndpoint": "https://api.amazonalexa.com",
            "apiAccessToken": "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.test",
        }
        context: dict[str, Any] = {"System": system}
        if self.audio_player:
            context["AudioPlayer"] = {"playerActivity": "IDLE"}
        if self.screen:
            context["Viewport"] = _VIEWPORT
        envelope: dict[str, Any] = {"version": "1.0", "context": context}
        if in_session:
            envelope["session"] = {
                "new": new,
                "sessionId": f"amzn1.echo-api.session.{uuid.uuid4()}",
                "application": {"applicationId": SKILL_ID},
                "attributes": dict(attributes or {}),
                "user": {"userId": USER_ID},
            }
        envelope["request"] = {
            "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
            "timestamp": "2024-11-21T19:04:12Z",
            "locale": self.locale,
            **request,
        }
        return envelope


def launch() -> dict[str, Any]:
    """A LaunchRequest ("Alexa, open no contact companion")."""
    return {"type": "LaunchRequest", "shouldLinkResultBeReturned": False}


def intent(name: str, **slots: Mapping[str, Any]) -> dict[str, Any]:
    """An IntentRequest for `name` with the given slots."""
    return {
        "type": "IntentRequest",
        "intent": {"name": name, "confirmationStatus": "NONE", "slots": dict(slots)},
    }


def topic_slot(words: str | None, section_id: str | None = None) -> dict[str, Any]:
    """The topic slot as Alexa fills it: a match for `section_id`, no match, or empty."""
    slot: dict[str, Any] = {"name": "topic", "confirmationStatus": "NONE"}
    if words is None:
        return slot
    authority = f"amzn1.er-authority.echo-sdk.{SKILL_ID}.SectionTopic"
    resolution: dict[str, Any] = {"authority": authority}
    if section_id is None:
        resolution["status"] = {"code": "ER_SUCCESS_NO_MATCH"}
    else:
        resolution["status"] = {"code": "ER_SUCCESS_MATCH"}
        resolution["values"] = [{"value": {"name": words, "id": section_id}}]
    return {
        **slot,
        "value": words,
        "source": "USER",
        "resolutions": {"resolutionsPerAuthority": [resolution]},
    }


def event(request_type: str, **fields: Any) -> dict[str, Any]:
    """A request that is not part of the conversation (AudioPlayer, system)."""
    return {"type": request_type, **fields}


@dataclass(frozen=True)
class Said:
    """One checked response: its SSML, reprompt, card and whether the session ends."""

    response: dict[str, Any]

    @property
    def body(self) -> dict[str, Any]:
        return self.response["response"]

    @property
    def ssml(self) -> str:
        return self.body.get("outputSpeech", {}).get("ssml", "")

    @property
    def text(self) -> str:
        """The spoken words without tags."""
        return plain_text(self.ssml)

    @property
    def reprompt(self) -> str:
        return self.body.get("reprompt", {}).get("outputSpeech", {}).get("ssml", "")

    @property
    def card(self) -> dict[str, Any] | None:
        return self.body.get("card")

    @property
    def ends(self) -> bool:
        return bool(self.body.get("shouldEndSession"))

    @property
    def audio(self) -> list[str]:
        """The clip URLs played, in order."""
        return re.findall(r'<audio src="([^"]+)"/>', self.ssml)

    @property
    def screens(self) -> list[dict[str, Any]]:
        """The APL documents the response asks a screen to show."""
        return [
            d for d in self.body.get("directives", ())
            if d["type"] == "Alexa.Presentation.APL.RenderDocument"
        ]

    @property
    def state(self) -> dict[str, Any]:
        return self.response.get("sessionAttributes", {}).get("conversation", {})


def check_response(
    request: Mapping[str, Any], response: dict[str, Any], seconds: Mapping[str, float]
) -> Said:
    """Deserialise a response with ask-sdk-model and check it against Alexa's rules."""
    parsed = _SERIALIZER.deserialize(json.dumps(response), ResponseEnvelope)
    assert isinstance(parsed, ResponseEnvelope)
    assert len(json.dumps(response).encode()) <= MAX_RESPONSE_BYTES
    said = Said(response)
    if request["request"]["type"] not in CONVERSATIONAL:
        assert not {"outputSpeech", "reprompt", "card"} & said.body.keys()
        # Alexa refuses anything but AudioPlayer directives in answer to playback events.
        assert all(d["type"].startswith("AudioPlayer.") for d in said.body.get("directives", ()))
        return said
    if said.ssml:
        _check_ssml(said.ssml, MAX_AUDIO_SECONDS, seconds)
    if said.reprompt:
        _check_ssml(said.reprompt, MAX_REPROMPT_AUDIO_SECONDS, seconds)
    if said.ssml and not said.ends:
        assert said.reprompt, "a session left open needs a reprompt"
    if said.card and said.card["type"] == "AskForPermissionsConsent":
        assert said.card["permissions"], "a permissions card names what it asks for"
    elif said.card:
        assert said.card["type"] == "Simple" and said.card["title"] and said.card["content"]
        assert "<" not in said.card["content"]
    return said


def _check_ssml(ssml: str, audio_limit: float, seconds: Mapping[str, float]) -> None:
    assert len(ssml) <= MAX_SSML_CHARS
    root = ElementTree.fromstring(ssml)
    assert root.tag == "speak"
    clips = [element.get("src") for element in root.iter("audio")]
    assert len(clips) <= MAX_AUDIO_TAGS
    assert all(url.startswith("https://") for url in clips)
    assert sum(seconds[url] for url in clips) <= audio_limit
    for pause in root.iter("break"):
        assert 0 < int(pause.get("time", "0ms").removesuffix("ms")) <= 10_000


class Clock:
    """Monotonic time that moves only when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


Handler = Callable[[dict[str, Any]], dict[str, Any]]


def handler_for(skill: CustomSkill) -> Handler:
    """A skill as a Lambda-style function of plain dicts."""

    def handle(event_: dict[str, Any]) -> dict[str, Any]:
        envelope = _SERIALIZER.deserialize(json.dumps(event_), RequestEnvelope)
        return _SERIALIZER.serialize(skill.invoke(envelope, None))

    return handle


@dataclass
class Session:
    """A conversation with a skill: each turn carries the attributes the last one returned."""

    handler: Handler
    device: Device = Device()
    attributes: dict[str, Any] = field(default_factory=dict)
    seconds: Mapping[str, float] = field(default_factory=clip_seconds)

    def send(self, request: Mapping[str, Any], *, new: bool = False) -> Said:
        """Send one request in this session and check the response."""
        envelope = self.device.envelope(request, attributes=self.attributes, new=new)
        said = check_response(envelope, self.handler(envelope), self.seconds)
        self.attributes = said.response.get("sessionAttributes") or {}
        return said

    def say(self, name: str, **slots: Mapping[str, Any]) -> Said:
        """Send an intent."""
        return self.send(intent(name, **slots))


@pytest.fixture(scope="session")
def audio_config() -> SkillConfig:
    """A configuration with the fixture manifest and an HTTPS audio base URL."""
    return SkillConfig(manifest=str(MANIFEST), audio_base_url=AUDIO_BASE_URL)


@pytest.fixture(scope="session")
def audio_skill(audio_config: SkillConfig) -> Handler:
    """The skill playing the fixture manifest's clips."""
    return handler_for(build_skill(audio_config))


@pytest.fixture(scope="session")
def text_skill() -> Handler:
    """The skill with no audio configured: sections are read aloud by Alexa."""
    return handler_for(build_skill(SkillConfig()))


@pytest.fixture
def session(audio_skill: Handler) -> Session:
    """A fresh conversation with the audio skill on a speaker."""
    return Session(audio_skill)
