"""The skill's frame: launch, help, stop, fallback, session end, and the catch-alls.

Registered last. `CatchAllHandler` answers any intent no family took (gently, never a dead
end) and lets AudioPlayer and system events pass silently; `ErrorHandler` turns any failure
into a short apology and never speaks what went wrong.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Sequence
from dataclasses import replace

from ask_sdk_core.dispatch_components import AbstractExceptionHandler, AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.response_helper import ResponseFactory
from ask_sdk_model import Response

from skill.runtime.guidebook import Words
from skill.runtime.handlers import Resources
from skill.runtime.handlers.replies import (
    AnswerHandler, Card, Heard, Reply, ask_what_next, hear, request_name, request_type,
    restrict_speech, send,
)
from skill.runtime.handlers.topics import topic_prompt
from skill.runtime.intents import (
    CANCEL, FALLBACK, HELP, LOOP_OFF, LOOP_ON, NAVIGATE_HOME, SHUFFLE_OFF, SHUFFLE_ON, STOP,
)
from skill.runtime.speech import Speech
from skill.runtime.state import Conversation

logger = logging.getLogger(__name__)


def apology(words: Words) -> Reply:
    """Sorry, and what to ask for next; the session stays open."""
    return ask_what_next(words, words.error)


def launch(resources: Resources, heard: Heard) -> Reply:
    """Welcome, the disclaimer and a few topics to choose from; the card shows the first two
    in the Alexa app and on a screen."""
    words = resources.guidebook.words
    welcome = ask_what_next(words, words.welcome, words.disclaimer, state=Conversation())
    card = Card(words.name, f"{words.welcome}\n{words.disclaimer}", words.screen_hint)
    return replace(welcome, card=card)


def help_(resources: Resources, heard: Heard) -> Reply:
    """What to say, and the way to crisis help; the pending question is dropped."""
    return topic_prompt(resources, heard.state, resources.guidebook.words.help)


def goodbye(resources: Resources, heard: Heard) -> Reply:
    """Stop, cancel or home: a kind goodbye and the session ends."""
    return Reply(speech=Speech().say(resources.guidebook.words.goodbye), end_session=True)


def fallback(resources: Resources, heard: Heard) -> Reply:
    """Not understood: say so gently, with the way to crisis help; any pending question stands."""
    words = resources.guidebook.words
    return ask_what_next(words, words.fallback)


def unsupported(resources: Resources, heard: Heard) -> Reply:
    """Loop and shuffle have no meaning in a conversation."""
    words = resources.guidebook.words
    return ask_what_next(words, words.unsupported)


class CatchAllHandler(AbstractRequestHandler):
    """Whatever no other handler took: intents get the fallback, events (a session's end,
    AudioPlayer reports nothing else answered) pass silently."""

    def __init__(self, resources: Resources) -> None:
        self.resources = resources

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def handle(self, handler_input: HandlerInput) -> Response:
        reply = fallback(self.resources, hear(handler_input, self.resources.guidebook))
        return send(handler_input, restrict_speech(request_type(handler_input), reply))


class ErrorHandler(AbstractExceptionHandler):
    """Any failure: log where (never what was said), apologise, and keep the session usable."""

    def __init__(self, resources: Resources) -> None:
        self.resources = resources

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        # The message may quote a request's values, so only the type and the frames are logged.
        logger.error(
            "%s failed with %s\n%s",
            request_name(handler_input) or "A request without a type or intent",
            type(exception).__name__,
            "".join(traceback.format_tb(exception.__traceback__)),
        )
        handler_input.response_builder = ResponseFactory()
        reply = apology(self.resources.guidebook.words)
        return send(handler_input, restrict_speech(request_type(handler_input), reply))


def handlers(resources: Resources) -> Sequence[AbstractRequestHandler]:
    """Launch, help, stop and the other built-ins, then the catch-all for anything left."""
    answers = {
        "LaunchRequest": launch,
        HELP: help_,
        STOP: goodbye,
        CANCEL: goodbye,
        NAVIGATE_HOME: goodbye,
        FALLBACK: fallback,
        LOOP_ON: unsupported,
        LOOP_OFF: unsupported,
        SHUFFLE_ON: unsupported,
        SHUFFLE_OFF: unsupported,
    }
    return (AnswerHandler(resources, answers), CatchAllHandler(resources))


def exception_handlers(resources: Resources) -> Sequence[AbstractExceptionHandler]:
    """The one exception handler: it catches everything."""
    return (ErrorHandler(resources),)
