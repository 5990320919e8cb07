"""Safety: anyone who may be in danger hears crisis lines before anything else.

Registered first. Besides the crisis intent, any request whose slot resolved to the crisis
value or holds a crisis phrase or danger word ("tell me about self harm") is answered here,
so a danger said inside a topic still reaches help. Guided listening stops first, or the
guide would play on once the numbers were said. Alexa's own voice only: the answer works
even when audio hosting is down.
"""

from __future__ import annotations

from collections.abc import Sequence

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.runtime.handlers import Resources
from skill.runtime.handlers.context import stop_our_audio
from skill.runtime.handlers.replies import (
    Card,
    Reply,
    hear,
    request_name,
    resolved_ids,
    send,
    slots_of,
)
from skill.runtime.intents import CRISIS, CRISIS_TOPIC
from skill.runtime.speech import Speech
from skill.runtime.state import Conversation, Turn


def crisis_reply(resources: Resources, locale: str | None, state: Conversation) -> Reply:
    """The crisis message, the locale's emergency number and lines, and a gentle closing."""
    crisis = resources.guidebook.crisis
    spoken = crisis.numbers(locale, spoken=True)
    return Reply(
        speech=Speech().say(crisis.message, *spoken, crisis.closing),
        reprompt=Speech().say(*spoken),
        card=Card(crisis.card_title, "\n".join(crisis.numbers(locale, spoken=False))),
        state=state.but(offer=None, last=Turn.CRISIS),
    )


class CrisisHandler(AbstractRequestHandler):
    """Answers the crisis intent, and any intent whose slots speak of danger."""

    def __init__(self, resources: Resources) -> None:
        self.resources = resources

    def can_handle(self, handler_input: HandlerInput) -> bool:
        if request_name(handler_input) == CRISIS:
            return True
        crisis = self.resources.guidebook.crisis
        return any(
            CRISIS_TOPIC in resolved_ids(slot) or (slot.value and crisis.signals_danger(slot.value))
            for slot in slots_of(handler_input).values()
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        stop_our_audio(handler_input)
        heard = hear(handler_input, self.resources.guidebook)
        return send(handler_input, crisis_reply(self.resources, heard.locale, heard.state))


def handlers(resources: Resources) -> Sequence[AbstractRequestHandler]:
    """The crisis handler; the builder registers this family before every other."""
    return (CrisisHandler(resources),)
