"""Safety: anyone who may be in danger hears crisis lines before anything else.

Registered first. Besides the crisis intent, any request whose slot holds a crisis phrase
("tell me about I want to die") is answered here, so a danger said inside a topic still
reaches help. Alexa's own voice only: the answer works even when audio hosting is down.
"""

from __future__ import annotations

from collections.abc import Sequence

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.guidebook import Crisis
from skill.handlers import Resources
from skill.handlers.replies import Card, Reply, hear, request_name, send, slots_of
from skill.intents import CRISIS
from skill.speech import Speech
from skill.state import Conversation, Turn


def crisis_reply(resources: Resources, locale: str | None, state: Conversation) -> Reply:
    """The crisis message, the locale's emergency number and lines, and a gentle closing."""
    crisis = resources.guidebook.crisis
    spoken = numbers(crisis, locale, spoken=True)
    return Reply(
        speech=Speech().say(crisis.message, *spoken, crisis.closing),
        reprompt=Speech().say(*spoken),
        card=Card(crisis.card_title, "\n".join(numbers(crisis, locale, spoken=False))),
        state=state.but(offer=None, last=Turn.CRISIS),
    )


def numbers(crisis: Crisis, locale: str | None, *, spoken: bool) -> list[str]:
    """The emergency number, then each crisis line: said aloud, or written for a card."""
    local = crisis.lines_for(locale)
    emergency = local.emergency
    return [
        crisis.emergency.format(
            name=emergency.name, number=emergency.say if spoken else emergency.number
        ),
        *(
            crisis.line.format(
                how=line.how, name=line.name, number=line.say if spoken else line.number
            )
            for line in local.lines
        ),
    ]


class CrisisHandler(AbstractRequestHandler):
    """Answers the crisis intent, and any intent whose slots hold a crisis phrase."""

    def __init__(self, resources: Resources) -> None:
        self.resources = resources

    def can_handle(self, handler_input: HandlerInput) -> bool:
        if request_name(handler_input) == CRISIS:
            return True
        crisis = self.resources.guidebook.crisis
        slots = slots_of(handler_input).values()
        return any(slot.value and crisis.signals_danger(slot.value) for slot in slots)

    def handle(self, handler_input: HandlerInput) -> Response:
        heard = hear(handler_input, self.resources.guidebook)
        return send(handler_input, crisis_reply(self.resources, heard.locale, heard.state))


def handlers(resources: Resources) -> Sequence[AbstractRequestHandler]:
    """The crisis handler; the builder registers this family before every other."""
    return (CrisisHandler(resources),)
