"""A request read as raw JSON, before the SDK parses it: danger first, whatever else it holds.

ask-sdk reads an envelope strictly: one value its enums do not know (a new entity-resolution
status, `playerActivity` or `dialogState`, which Amazon adds over time) and nothing of it can
be parsed. The crisis intent, or danger said in any slot, must still reach the crisis lines,
so these readers look at plain dicts and lists and never fail on what they find there.
Pure: no I/O and no SDK.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from skill.runtime.guidebook import Crisis
from skill.runtime.intents import CRISIS, CRISIS_TOPIC
from skill.runtime.playback import is_our_token

INTENT_REQUEST = "IntentRequest"
IDLE = "IDLE"
SCREEN = "Alexa.Presentation.APL"


def field(data: Any, *path: str) -> Any:
    """The value at a path of keys in nested JSON objects, or None where the path breaks."""
    for key in path:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


def calls_for_crisis(event: Any, crisis: Crisis) -> bool:
    """Whether an IntentRequest is the crisis intent, or any slot holds danger: its words,
    the words or id of a value entity resolution matched, whatever the match's status."""
    if field(event, "request", "type") != INTENT_REQUEST:
        return False
    intent = field(event, "request", "intent")
    if field(intent, "name") == CRISIS:
        return True
    slots = field(intent, "slots")
    heard: set[str] = set()  # a resolved value often repeats the words said: checked once
    for slot in slots.values() if isinstance(slots, Mapping) else ():
        for words, value_id in heard_values(slot):
            if value_id == CRISIS_TOPIC:
                return True
            if words:
                heard.add(words)
    return any(crisis.signals_danger(words) for words in heard)


def heard_values(slot: Any, depth: int = 0) -> Iterator[tuple[str | None, str | None]]:
    """Every (words, value id) a slot carries: its `value`, each resolved value, and the same
    inside `slotValue` (a multi-value slot's list included)."""
    if not isinstance(slot, Mapping) or depth > 4:
        return
    yield _text(slot.get("value")), None
    authorities = field(slot, "resolutions", "resolutionsPerAuthority")
    for authority in authorities if isinstance(authorities, list) else ():
        values = field(authority, "values")
        for match in values if isinstance(values, list) else ():
            yield _text(field(match, "value", "name")), _text(field(match, "value", "id"))
    yield from heard_values(slot.get("slotValue"), depth + 1)
    listed = slot.get("values")
    for item in listed if isinstance(listed, list) else ():
        yield from heard_values(item, depth + 1)


def addressed_to(event: Any, skill_id: str | None) -> bool:
    """Whether the request names this skill (always, when no skill id is configured)."""
    if skill_id is None:
        return True
    in_context = field(event, "context", "System", "application", "applicationId")
    in_session = field(event, "session", "application", "applicationId")
    return in_context == skill_id and in_session in (None, skill_id)


def locale_of(event: Any) -> str | None:
    """The request's locale, when it names one."""
    return _text(field(event, "request", "locale"))


def session_attributes(event: Any) -> Mapping[str, Any] | None:
    """The session's attributes (empty when it has none); None outside a session."""
    session = field(event, "session")
    if not isinstance(session, Mapping):
        return None
    attributes = session.get("attributes")
    return attributes if isinstance(attributes, Mapping) else {}


def holds_our_audio(event: Any) -> bool:
    """Whether the device has AudioPlayer and one of our clips loaded, playing or paused."""
    interfaces = field(event, "context", "System", "device", "supportedInterfaces")
    player = field(event, "context", "AudioPlayer")
    activity = _text(field(player, "playerActivity"))
    return (
        field(interfaces, "AudioPlayer") is not None
        and is_our_token(_text(field(player, "token")))
        and activity not in (None, IDLE)
    )


def supports_screen(event: Any) -> bool:
    """Whether the device renders APL."""
    interfaces = field(event, "context", "System", "device", "supportedInterfaces")
    return field(interfaces, SCREEN) is not None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
