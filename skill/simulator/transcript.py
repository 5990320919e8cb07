"""A skill's response as a person would follow it: readable speech, clips by title (pure).

SSML becomes plain text; each `<audio>` clip becomes its section title and URL, found in the
audio manifest by the clip's key; the reprompt, card and directives are described in words.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from audio.manifest import Manifest
from audio.reflections import SPACE_ID

_TAG = re.compile(r"<(/?)([\w:-]+)([^>]*?)(/?)>")
_ATTRIBUTE = re.compile(r'([\w:-]+)\s*=\s*"([^"]*)"')
# Tags heard as a pause: a space keeps words apart; a paragraph starts a new piece of text.
_PAUSES = {"break", "s", "speak"}
_PARAGRAPH = "\n\n"
# Breaks in a row lasting this long are a space to think (a guided reflection's), shown as
# such; shorter ones only keep words apart.
QUIET_SECONDS = 10.0
_BREAK_TIME = re.compile(r"^\s*([\d.]+)\s*(ms|s)\s*$")


@dataclass(frozen=True)
class SectionPart:
    """Where a clip belongs in the guide, as the manifest lists it."""

    title: str
    part: int
    parts: int
    space: bool = False  # a guided reflection's space to think

    @property
    def label(self) -> str:
        """"Regret (part 2 of 3)", or just the title for a section in one part."""
        if self.parts > 1:
            return f"{self.title} (part {self.part} of {self.parts})"
        return self.title


@dataclass(frozen=True)
class Clip:
    """An audio clip the skill points at, and its place in the guide if the manifest lists it."""

    url: str
    place: SectionPart | None = None

    @property
    def label(self) -> str:
        """The place's label, or the URL's file name for a clip not in the manifest."""
        if self.place is None:
            return self.url.rsplit("/", 1)[-1] or self.url
        return self.place.label


@dataclass(frozen=True)
class Segment:
    """A piece of speech: words, the clip played in place when `clip` is set, or `quiet`
    seconds of silence to think in."""

    text: str = ""
    clip: Clip | None = None
    quiet: float = 0.0


@dataclass(frozen=True)
class ClipIndex:
    """Each clip's place in the guide by key, so a URL from any base can be named."""

    places: Mapping[str, SectionPart] = field(default_factory=dict)

    @classmethod
    def from_manifest(cls, manifest: Manifest) -> ClipIndex:
        """Index every part of every section and reflection clip in the manifest."""
        return cls({
            part.key: SectionPart(entry.title, number, len(entry.parts), entry.id == SPACE_ID)
            for entry in manifest.entries
            for number, part in enumerate(entry.parts, 1)
        })

    def clip(self, url: str) -> Clip:
        """The clip at this URL, placed if its path ends with a key the manifest lists."""
        steps = url.split("?", 1)[0].split("/")
        for start in range(len(steps)):
            place = self.places.get("/".join(steps[start:]))
            if place is not None:
                return Clip(url, place)
        return Clip(url)


@dataclass(frozen=True)
class Card:
    """A card shown in the Alexa app or on a screen."""

    title: str
    text: str


@dataclass(frozen=True)
class Turn:
    """One response, readable: what was heard, spoken, shown and done."""

    request: str
    speech: tuple[Segment, ...] = ()
    reprompt: tuple[Segment, ...] = ()
    card: Card | None = None
    directives: tuple[str, ...] = ()
    ends_session: bool | None = None


def speech_segments(speech: Mapping[str, Any] | None, clips: ClipIndex) -> tuple[Segment, ...]:
    """An `outputSpeech` object (SSML or plain text) as text and clips in order."""
    if not speech:
        return ()
    if speech.get("type") == "PlainText":
        return _merged(_text_segment(speech.get("text", "")))
    ssml = speech.get("ssml", "")
    segments: list[Segment] = []
    position = 0
    for tag in _TAG.finditer(ssml):
        segments += _text_segment(ssml[position : tag.start()])
        closing, name, attributes, _ = tag.groups()
        if name == "audio" and not closing:
            source = dict(_ATTRIBUTE.findall(attributes)).get("src", "")
            segments.append(Segment(clip=clips.clip(html.unescape(source))))
        elif name == "p":
            segments += _text_segment(_PARAGRAPH)
        elif name == "break":
            seconds = _break_seconds(attributes)
            segments.append(Segment(quiet=seconds) if seconds else Segment(text=" "))
        elif name in _PAUSES:
            segments += _text_segment(" ")
        position = tag.end()
    segments += _text_segment(ssml[position:])
    return _merged(segments)


def describe_request(request: Mapping[str, Any]) -> str:
    """The request in a few words: its type and, for an intent, the slots and resolved ids."""
    body = request["request"]
    if body["type"] != "IntentRequest":
        return body["type"]
    intent = body["intent"]
    slots = [_describe_slot(slot) for slot in (intent.get("slots") or {}).values()]
    filled = ", ".join(slot for slot in slots if slot)
    return f"{intent['name']} ({filled})" if filled else intent["name"]


def to_turn(request: Mapping[str, Any], response: Mapping[str, Any], clips: ClipIndex) -> Turn:
    """One exchange as a readable turn."""
    body = response.get("response") or {}
    card = body.get("card")
    return Turn(
        request=describe_request(request),
        speech=speech_segments(body.get("outputSpeech"), clips),
        reprompt=speech_segments((body.get("reprompt") or {}).get("outputSpeech"), clips),
        card=_card(card) if card else None,
        directives=tuple(_describe_directive(d, clips) for d in body.get("directives") or ()),
        ends_session=body.get("shouldEndSession"),
    )


def _card(card: Mapping[str, Any]) -> Card:
    """A card as the Alexa app shows it; a permissions card by what it asks for."""
    if card.get("type") == "AskForPermissionsConsent":
        return Card("Permission requested", ", ".join(card.get("permissions") or ()))
    return Card(card.get("title", ""), card.get("content") or card.get("text") or "")


def _describe_slot(slot: Mapping[str, Any]) -> str:
    if "value" not in slot:
        return ""
    authorities = (slot.get("resolutions") or {}).get("resolutionsPerAuthority") or ()
    ids = [value["value"]["id"] for a in authorities for value in a.get("values", ())]
    if ids:
        return f"{slot['name']}: {slot['value']!r} → {ids[0]}"
    if authorities:
        return f"{slot['name']}: {slot['value']!r}, no match"
    return f"{slot['name']}: {slot['value']!r}"


def _describe_directive(directive: Mapping[str, Any], clips: ClipIndex) -> str:
    kind = directive.get("type", "?")
    if kind == "AudioPlayer.Play":
        item = directive.get("audioItem") or {}
        stream = item.get("stream") or {}
        clip = clips.clip(stream.get("url", ""))
        title = (item.get("metadata") or {}).get("title") or clip.label
        offset = int(stream.get("offsetInMilliseconds") or 0)
        start = f" from {offset // 60000}:{offset // 1000 % 60:02d}" if offset else ""
        behavior = directive.get("playBehavior", "REPLACE_ALL")
        return f"AudioPlayer.Play {behavior}: {title}{start} <{clip.url}>"
    if kind == "Alexa.Presentation.APL.RenderDocument":
        screen = (directive.get("datasources") or {}).get("screen") or {}
        title = html.unescape(screen.get("title", ""))
        return f"{kind} (screen): {title}" if title else kind
    if kind == "AudioPlayer.ClearQueue":
        return f"AudioPlayer.ClearQueue {directive.get('clearBehavior', '')}".rstrip()
    if kind == "Dialog.ElicitSlot":
        return f"{kind}: {directive.get('slotToElicit', '')}"
    if kind == "Connections.SendRequest":
        scope = (directive.get("payload") or {}).get("permissionScope", "")
        described = f"{kind} {directive.get('name', '')}: {scope}".rstrip(": ")
        if directive.get("name") == "AskFor":
            described += " (Alexa asks you for this permission: say yes or no)"
        return described
    if kind == "Tasks.CompleteTask":
        return f"{kind} {(directive.get('status') or {}).get('code', '')}".rstrip()
    return kind


def _break_seconds(attributes: str) -> float:
    """A <break>'s time in seconds (Alexa's own default of a comma's pause when unset)."""
    time = dict(_ATTRIBUTE.findall(attributes)).get("time", "")
    match = _BREAK_TIME.match(time)
    if match is None:
        return 0.0
    value = float(match[1])
    return value / 1000 if match[2] == "ms" else value


def _quiet_runs(segments: list[Segment]) -> list[Segment]:
    """Breaks in a row summed: long runs stay a quiet segment, short ones a space in words."""
    runs: list[Segment] = []
    for segment in segments:
        if segment.quiet and runs and runs[-1].quiet:
            runs[-1] = Segment(quiet=runs[-1].quiet + segment.quiet)
        else:
            runs.append(segment)
    return [
        segment if not segment.quiet or segment.quiet >= QUIET_SECONDS
        else Segment(text=" ")
        for segment in runs
    ]


def _text_segment(raw: str) -> list[Segment]:
    text = html.unescape(raw)
    return [Segment(text=text)] if text else []


def _merged(segments: list[Segment]) -> tuple[Segment, ...]:
    """Adjacent words joined, then split into paragraphs, spaces folded, empty pieces dropped."""
    merged: list[Segment] = []
    for segment in _quiet_runs(segments):
        if segment.quiet or (merged and merged[-1].quiet):
            merged.append(segment)
        elif segment.clip is None and merged and merged[-1].clip is None:
            merged[-1] = Segment(text=merged[-1].text + segment.text)
        else:
            merged.append(segment)
    cleaned: list[Segment] = []
    for segment in merged:
        if segment.clip is not None or segment.quiet:
            cleaned.append(segment)
            continue
        paragraphs = (" ".join(part.split()) for part in segment.text.split(_PARAGRAPH))
        cleaned += [Segment(text=text) for text in paragraphs if text]
    return tuple(cleaned)
