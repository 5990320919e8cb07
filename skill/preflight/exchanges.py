"""Every answer the skill can give, collected: each intent of each locale's model (every value
of a custom slot, a time for a time slot, and none), asked on a device with AudioPlayer and on
one without, in a new session; the built-in intents (yes, no, next, help, stop...) again after
the welcome and after each section, where what they mean changes; the whole guide and a guided
reflection played through on a device with AudioPlayer. Intents are sent as Alexa sends them
once understood: nothing here resolves words (only `phrases` does).

Requests go through a `Transport` (request JSON to response JSON), so the skill is the one in
this process or a running server, and a test can plant a fault in it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from skill.runtime.intents import GUIDED_REFLECTION, PLAY_GUIDE
from skill.simulator import envelopes
from skill.simulator.device import DeviceState, Exchange, SimulatedDevice, Transport
from skill.simulator.envelopes import Caller, Player, Session
from skill.simulator.language_model import FilledSlot, Intent, InteractionModel, ResolvedIntent

DEVICES = ("echo", "app-text-only")
# A time of day for AMAZON.TIME slots, as Alexa fills "8 pm".
TIME_VALUE = "20:00"
# Long enough to play every section and a reflection through, bounded so a loop ends.
MAX_STREAMS = 80
# A slot type with more values than this is asked with its first few: lists of people or
# occasions give the same answer whichever is said, unlike the topic a value names.
EVERY_VALUE_UP_TO = 24
FEW_VALUES = 3


@dataclass(frozen=True)
class Asked:
    """One request the preflight sent and the skill's answer, with where it was asked."""

    locale: str
    device: str
    state: str
    exchange: Exchange

    @property
    def request(self) -> dict[str, Any]:
        return self.exchange.request["request"]

    @property
    def response(self) -> dict[str, Any]:
        return self.exchange.response.get("response") or {}

    @property
    def intent(self) -> str | None:
        return (self.request.get("intent") or {}).get("name")

    @property
    def in_session(self) -> bool:
        return "session" in self.exchange.request


def explore(
    send: Transport, models: dict[str, InteractionModel], devices: Sequence[str] = DEVICES
) -> list[Asked]:
    """Ask the skill everything, in every locale and on every device."""
    asked: list[Asked] = []
    for locale, model in models.items():
        for device in devices:
            asked += _conversations(send, model, locale, device)
            if device == "echo":
                asked += _played_through(send, model, locale, PLAY_GUIDE)
                asked += _played_through(send, model, locale, GUIDED_REFLECTION)
    return asked


def variants(model: InteractionModel, intent: Intent) -> Iterator[ResolvedIntent]:
    """The intent with each value of each custom slot, a time for a time slot, and none."""
    yield ResolvedIntent(intent.name, tuple(FilledSlot(name, kind) for name, kind in intent.slots))
    for name, kind in intent.slots:
        others = tuple(FilledSlot(n, k) for n, k in intent.slots if n != name)
        values = model.values(kind)
        if values is not None:
            for value in values if len(values) <= EVERY_VALUE_UP_TO else values[:FEW_VALUES]:
                yield ResolvedIntent(
                    intent.name, (FilledSlot(name, kind, value.name, value), *others)
                )
        elif kind == "AMAZON.TIME":
            yield ResolvedIntent(intent.name, (FilledSlot(name, kind, TIME_VALUE), *others))


def _conversations(
    send: Transport, model: InteractionModel, locale: str, device: str
) -> list[Asked]:
    """Every intent variant in a new session; the built-in intents again after the welcome and
    after each section (the states that change what yes, no, next and repeat mean)."""
    caller = Caller.new(device=device, locale=locale)  # type: ignore[arg-type]
    asked: list[Asked] = []

    def ask(state: str, attributes: dict | None, intent: ResolvedIntent | None) -> Asked:
        session = (
            Session(id=envelopes.new_session_id(), open=True, attributes=attributes)
            if attributes is not None
            else Session()
        )
        now = datetime.now(UTC)
        request = (
            envelopes.launch_request(caller, session, Player(), now)
            if intent is None
            else envelopes.intent_request(caller, session, Player(), intent, now)
        )
        one = Asked(locale, device, state, Exchange(request, send(request)))
        asked.append(one)
        return one

    welcome = ask("launch", None, None)
    states = {"after the welcome": welcome.exchange.response.get("sessionAttributes") or {}}
    for intent in model.intents:
        for variant in variants(model, intent):
            answer = ask("new session", None, variant)
            if (
                intent.name.endswith("SectionIntent")
                and answer.response.get("shouldEndSession") is False
            ):
                states[f"after {intent.name}"] = (
                    answer.exchange.response.get("sessionAttributes") or {}
                )
    built_ins = [intent for intent in model.intents if intent.name.startswith("AMAZON.")]
    for state, attributes in states.items():
        for intent in built_ins:
            ask(state, attributes, next(variants(model, intent)))
    return asked


def _played_through(
    send: Transport, model: InteractionModel, locale: str, name: str
) -> list[Asked]:
    """Start something that plays (an intent, its slots empty), then let every stream finish,
    as a device reports it."""
    device = SimulatedDevice(model, send, DeviceState(caller=Caller.new(locale=locale)))  # type: ignore[arg-type]
    intent = model.intent(name)
    if intent is None:
        return []
    exchanges = device.ask(next(variants(model, intent)))
    for _ in range(MAX_STREAMS):
        finished = device.finish_stream()
        if not finished:
            break
        exchanges += finished
    return [Asked(locale, "echo", f"playing ({name})", e) for e in exchanges]
