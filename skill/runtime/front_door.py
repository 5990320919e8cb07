"""Every request's way in, on Lambda and in the web service: danger first, then the SDK.

The crisis intent, or danger said in any slot, is answered from the raw event
(skill.runtime.triage) before ask-sdk parses anything and before any backend is asked, so
neither a value the pinned SDK does not know nor a store that hangs stands between a person
and the crisis lines. Everything else goes to the built skill; an envelope the SDK cannot
parse gets an apology where speech is allowed, never an error.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from typing import Any

from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.response_helper import ResponseFactory
from ask_sdk_core.skill import CustomSkill
from ask_sdk_model import RequestEnvelope, ResponseEnvelope
from ask_sdk_model.interfaces.audioplayer import ClearBehavior, ClearQueueDirective, StopDirective

from skill.runtime import metrics, triage
from skill.runtime.catalog import Catalog
from skill.runtime.display import screen_directive
from skill.runtime.guidebook import Guidebook
from skill.runtime.handlers import Resources
from skill.runtime.handlers.builtins import apology
from skill.runtime.handlers.replies import Reply, build_response, restrict_speech
from skill.runtime.handlers.safety import crisis_reply
from skill.runtime.state import ATTRIBUTE, Conversation

logger = logging.getLogger(__name__)


class FrontDoor:
    """A built skill behind the checks that must not depend on it: danger, then parsing."""

    def __init__(self, skill: CustomSkill, guidebook: Guidebook, *, counted: bool = False) -> None:
        self.skill = skill
        self.guidebook = guidebook
        # The answers given here never reach the skill's metrics interceptors, so they are
        # counted here when the skill counts its own (skill.runtime.metrics).
        self.counted = counted
        # The crisis answer needs the guide's words only, never its audio.
        self._resources = Resources(guidebook=guidebook, catalog=Catalog(guidebook))

    def answer(self, event: Any, context: Any = None) -> dict[str, Any]:
        """The response envelope for one request, as plain JSON values.

        A failure inside the skill itself propagates, for the caller to report its own way.
        """
        started = time.perf_counter()
        if triage.calls_for_crisis(event, self.guidebook.crisis) and triage.addressed_to(
            event, self.skill.skill_id
        ):
            answer = self.crisis(event)
            self._count(started, {"Answers": 1, "CrisisAnswers": 1}, event, "crisis")
            return answer
        try:
            envelope = self.skill.serializer.deserialize(json.dumps(event), RequestEnvelope)
        except (SerializationException, TypeError, ValueError):
            # What failed to parse may be something a person said, so none of it is logged.
            logger.error("A request did not have the shape of an Alexa request; apologising")
            answer = self.apology(event)
            self.count_error(started, event)
            return answer
        return self.skill.serializer.serialize(self.skill.invoke(envelope, context))

    def count_error(self, started: float, event: Any) -> None:
        """An apology the skill's own handlers never gave still counts, as an error."""
        self._count(started, {"Errors": 1}, event, metrics.UNREADABLE)

    def _count(self, started: float, numbers: dict[str, float], event: Any, answered: str) -> None:
        if self.counted:
            milliseconds = (time.perf_counter() - started) * 1000
            locale = triage.locale_of(event) if answered != metrics.UNREADABLE else None
            metrics.emit_safely({metrics.DURATION: milliseconds, **numbers}, locale, answered)

    def crisis(self, event: Any) -> dict[str, Any]:
        """The crisis answer, as the safety handler gives it, from the raw event alone."""
        attributes = triage.session_attributes(event)
        reply = crisis_reply(
            self._resources, triage.locale_of(event), self._conversation(attributes)
        )
        factory = ResponseFactory()
        if triage.holds_our_audio(event):
            # The guide would play on once the numbers were said.
            factory.add_directive(StopDirective())
            factory.add_directive(ClearQueueDirective(ClearBehavior.CLEAR_ALL))
        card = reply.card
        if card is not None and triage.supports_screen(event):
            factory.add_directive(screen_directive(card.title, card.text, card.hint))
        session = None
        if attributes is not None and reply.state is not None:
            session = {ATTRIBUTE: reply.state.to_attributes()}
        return self._envelope(reply, factory, session)

    def apology(self, event: Any) -> dict[str, Any]:
        """The answer to a request the skill cannot handle: sorry, where speech is allowed."""
        kind = triage.field(event, "request", "type")
        kind = kind if isinstance(kind, str) else None
        reply = restrict_speech(kind, apology(self.guidebook.words))
        return self._envelope(reply, ResponseFactory(), None)

    def _conversation(self, attributes: Mapping[str, Any] | None) -> Conversation:
        """The conversation the session carries, as the handlers read it."""
        state = Conversation.from_attributes(attributes or {})
        if state.section is not None and not self.guidebook.has(state.section):
            return Conversation()
        return state

    def _envelope(
        self, reply: Reply, factory: ResponseFactory, session: dict[str, Any] | None
    ) -> dict[str, Any]:
        response = build_response(reply, factory)
        envelope = ResponseEnvelope(version="1.0", session_attributes=session, response=response)
        return self.skill.serializer.serialize(envelope)
