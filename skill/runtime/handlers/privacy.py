"""Skill events about a listener's consent: disabling the skill deletes their place in the guide.

Alexa sends `AlexaSkillEvent.SkillDisabled` (subscribed in skill.json) when someone disables the
skill, to Lambda and to the web service alike; the one thing kept about them goes with it. The
skill asks for no permissions, so a permission change leaves nothing to delete. The event
expects no words back: the answer is empty.
"""

from __future__ import annotations

from collections.abc import Sequence

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.runtime.handlers import Resources
from skill.runtime.handlers.listener import Listener
from skill.runtime.handlers.replies import request_type

SKILL_DISABLED = "AlexaSkillEvent.SkillDisabled"


class SkillDisabledHandler(AbstractRequestHandler):
    """Deletes the listener's stored place when they disable the skill."""

    def __init__(self, resources: Resources) -> None:
        self.resources = resources

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return request_type(handler_input) == SKILL_DISABLED

    def handle(self, handler_input: HandlerInput) -> Response:
        if self.resources.remembers:
            # A failure is logged by type by the listener; Alexa does not resend the event.
            Listener(handler_input, self.resources, self.resources.catalog.order).forget()
        return handler_input.response_builder.response


def handlers(resources: Resources) -> Sequence[AbstractRequestHandler]:
    """The privacy family."""
    return (SkillDisabledHandler(resources),)
