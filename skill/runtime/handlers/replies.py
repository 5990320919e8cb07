"""The bridge between ask-sdk and the conversation: a request in as `Heard`, a `Reply` out.

Answers are pure functions `(Resources, Heard) -> Reply`; one handler class looks them up by
intent name (or request type) in its family's table, so routing stays declarative.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.response_helper import ResponseFactory
from ask_sdk_model import Intent, IntentRequest, Response, Slot
from ask_sdk_model.ui import SimpleCard

from skill.runtime.display import screen_directive
from skill.runtime.guidebook import Guidebook, Words
from skill.runtime.handlers import Resources
from skill.runtime.handlers.context import supports_screen
from skill.runtime.intents import TOPIC_SLOT
from skill.runtime.speech import Speech
from skill.runtime.state import ATTRIBUTE, Conversation

ER_SUCCESS_MATCH = "ER_SUCCESS_MATCH"
# Requests that may carry speech in their response; others (AudioPlayer, PlaybackController
# and system events) may carry AudioPlayer directives only.
CONVERSATIONAL = ("LaunchRequest", "IntentRequest")
# Request attribute through which `send` hands a reply's resume_at to the bookmark interceptor.
RESUME_AT = "resume_at"


class Card(NamedTuple):
    """A simple card for the Alexa app or a screen: a title, plain text, and on a screen a
    hint of what to say next."""

    title: str
    text: str
    hint: str = ""


@dataclass(frozen=True)
class Reply:
    """Everything one response says and does, and the conversation state to keep."""

    speech: Speech | None = None
    reprompt: Speech | None = None
    card: Card | None = None
    # None leaves the session's conversation state as it was.
    state: Conversation | None = None
    end_session: bool = False
    # The section someone who stops listening now would continue with next time.
    resume_at: str | None = None

    def __post_init__(self) -> None:
        if self.speech is not None and not self.end_session and self.reprompt is None:
            raise ValueError("a reply that keeps the session open needs a reprompt")


SILENT = Reply()


def ask_what_next(words: Words, *lead: str, state: Conversation | None = None) -> Reply:
    """Say `lead`, then ask what to hear next; the session stays open for the answer."""
    return Reply(
        speech=Speech().say(*lead, words.reprompt),
        reprompt=Speech().say(words.reprompt),
        state=state,
    )


def restrict_speech(kind: str | None, reply: Reply) -> Reply:
    """The reply for a request of this type: itself where Alexa takes speech, else SILENT."""
    return reply if kind in CONVERSATIONAL else SILENT


class Heard(NamedTuple):
    """What a request asks, reduced to what the conversation needs (never the raw words)."""

    name: str  # the intent's name, or the request's type when it is not an IntentRequest
    locale: str | None
    state: Conversation
    topic: str | None = None  # the section the topic slot resolved to
    topic_heard: bool = False  # the topic slot held words, whether or not they resolved


Answer = Callable[[Resources, Heard], Reply]


# Readers that never fail, even on a request without the parts Alexa normally sends (an
# IntentRequest with no intent, a slot or resolution left null): every handler's can_handle,
# and the error handler itself, must still be able to answer it.


def request_type(handler_input: HandlerInput) -> str | None:
    """The request's type ("LaunchRequest", "AudioPlayer.PlaybackStarted"); None without one."""
    request = handler_input.request_envelope.request
    return None if request is None else request.object_type


def intent_of(handler_input: HandlerInput) -> Intent | None:
    """The intent an IntentRequest carries; None for other requests, or one without it."""
    request = handler_input.request_envelope.request
    return request.intent if isinstance(request, IntentRequest) else None


def request_name(handler_input: HandlerInput) -> str:
    """The intent's name for an IntentRequest, otherwise the request's type.

    Empty for a request that has neither, which no family's table names.
    """
    if request_type(handler_input) != "IntentRequest":
        return request_type(handler_input) or ""
    intent = intent_of(handler_input)
    return (intent.name if intent is not None else None) or ""


def slots_of(handler_input: HandlerInput) -> dict[str, Slot]:
    """The intent's slots by name, leaving out any sent as null."""
    intent = intent_of(handler_input)
    slots = (intent.slots if intent is not None else None) or {}
    return {name: slot for name, slot in slots.items() if slot is not None}


def hear(handler_input: HandlerInput, guidebook: Guidebook) -> Heard:
    """Read the request: its name, locale, conversation state and resolved topic."""
    envelope = handler_input.request_envelope
    state = Conversation()
    if envelope.session is not None:
        state = Conversation.from_attributes(handler_input.attributes_manager.session_attributes)
        if state.section is not None and not guidebook.has(state.section):
            state = Conversation()
    slot = slots_of(handler_input).get(TOPIC_SLOT)
    return Heard(
        name=request_name(handler_input),
        locale=envelope.request.locale if envelope.request is not None else None,
        state=state,
        topic=resolve_topic(slot, guidebook),
        topic_heard=bool(slot is not None and slot.value),
    )


def resolved_ids(slot: Slot) -> list[str]:
    """The value ids entity resolution matched the slot's words to, best first."""
    resolutions = slot.resolutions.resolutions_per_authority if slot.resolutions else None
    ids: list[str] = []
    for authority in resolutions or ():
        code = authority.status.code if authority and authority.status else None
        # Compared by value: the status classes load with the first request that has them.
        if code is not None and code.value == ER_SUCCESS_MATCH:
            ids += [m.value.id for m in authority.values or () if m and m.value and m.value.id]
    return ids


def resolve_topic(slot: Slot | None, guidebook: Guidebook) -> str | None:
    """The section id entity resolution matched, else the section the words name exactly."""
    if slot is None:
        return None
    section_id = next((i for i in resolved_ids(slot) if guidebook.has(i)), None)
    if section_id is None and slot.value:
        return guidebook.resolve_phrase(slot.value)
    return section_id


def send(handler_input: HandlerInput, reply: Reply) -> Response:
    """Turn a reply into the SDK's response and store the conversation state.

    On a device with a screen, the card is also shown as an APL document.
    """
    envelope = handler_input.request_envelope
    if reply.state is not None and envelope.session is not None:
        handler_input.attributes_manager.session_attributes[ATTRIBUTE] = reply.state.to_attributes()
    if reply.resume_at is not None:
        handler_input.attributes_manager.request_attributes[RESUME_AT] = reply.resume_at
    if reply.card is not None and supports_screen(handler_input):
        handler_input.response_builder.add_directive(
            screen_directive(reply.card.title, reply.card.text, reply.card.hint)
        )
    return build_response(reply, handler_input.response_builder)


def build_response(reply: Reply, builder: ResponseFactory) -> Response:
    """The SDK's response for a reply: speech, reprompt, card and whether the session ends."""
    if reply.speech is not None:
        builder.speak(reply.speech.ssml())
        if reply.reprompt is not None and not reply.end_session:
            builder.ask(reply.reprompt.ssml(reprompt=True))
    if reply.speech is not None or reply.end_session:
        builder.set_should_end_session(reply.end_session)
    if reply.card is not None:
        builder.set_card(SimpleCard(title=reply.card.title, content=reply.card.text))
    return builder.response


class AnswerHandler(AbstractRequestHandler):
    """Answers each request its table names, with the table's answer for that name."""

    def __init__(self, resources: Resources, answers: Mapping[str, Answer]) -> None:
        self.resources = resources
        self.answers = dict(answers)

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return request_name(handler_input) in self.answers

    def handle(self, handler_input: HandlerInput) -> Response:
        heard = hear(handler_input, self.resources.guidebook)
        return send(handler_input, self.answers[heard.name](self.resources, heard))
