"""One request as guided listening sees it: the device's player, the saved place, the answer.

`Listener` reads what AudioPlayer holds, keeps and reads the listener's `ResumePoint` through
the persistence adapter, and answers with AudioPlayer directives, adding words only where
Alexa allows them. A failed read is not "nothing saved": `stored()` says the place could not
be reached, so callers never start over it or write a place the listener did not choose. A
read that failed is not tried again in the same request, and a failed write is logged and
leaves what was stored as it was.
"""

from __future__ import annotations

import logging
from functools import cached_property
from typing import NamedTuple

from ask_sdk_core.exceptions import AttributesManagerException, PersistenceException
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response
from ask_sdk_model.interfaces.audioplayer import (
    AudioItem,
    AudioItemMetadata,
    PlayBehavior,
    PlayDirective,
    Stream,
)

from skill.runtime.handlers import Resources
from skill.runtime.handlers.context import (
    PlayerState,
    has_audio_player,
    holds_our_audio,
    player_state,
)
from skill.runtime.handlers.replies import (
    Heard,
    Reply,
    ask_what_next,
    hear,
    request_type,
    restrict_speech,
    send,
)
from skill.runtime.playback import Cue, PlayOrder, ResumePoint, Track, is_our_token
from skill.runtime.speech import Speech

logger = logging.getLogger(__name__)

PERSISTENCE_ERRORS = (PersistenceException, AttributesManagerException)
# Request attribute: the stored place could not be read in this request.
UNREACHABLE = "place_unreachable"


class Stored(NamedTuple):
    """The listener's stored place as this request could read it: `reachable` false when the
    store failed, and `point` is then unknown, not absent."""

    point: ResumePoint | None
    reachable: bool = True


class Listener:
    """One request seen from guided listening: the player, the saved place and the answer."""

    def __init__(self, handler_input: HandlerInput, resources: Resources, order: PlayOrder):
        self.handler_input = handler_input
        self.resources = resources
        self.order = order
        self.envelope = handler_input.request_envelope
        self.request = self.envelope.request

    @cached_property
    def heard(self) -> Heard:
        """The request as the conversation reads it: name, resolved topic, its state."""
        return hear(self.handler_input, self.resources.guidebook)

    @cached_property
    def has_audio_player(self) -> bool:
        """Whether the device streams long-form audio."""
        return has_audio_player(self.handler_input)

    @cached_property
    def player(self) -> PlayerState:
        """What the device's AudioPlayer holds."""
        return player_state(self.handler_input)

    @property
    def in_conversation(self) -> bool:
        """Whether this is a later turn of an open session (a conversation, not the player)."""
        session = self.envelope.session
        return session is not None and not session.new

    @property
    def listening(self) -> bool:
        """Whether "next", "pause" and the like are about our audio on this device."""
        return holds_our_audio(self.handler_input) and not self.in_conversation

    def stored(self) -> Stored:
        """The listener's stored place, read once per request (nothing when none are kept)."""
        if not self.resources.remembers:
            return Stored(None)
        manager = self.handler_input.attributes_manager
        if manager.request_attributes.get(UNREACHABLE):
            return Stored(None, reachable=False)
        try:
            attributes = manager.persistent_attributes
        except PERSISTENCE_ERRORS as error:
            logger.warning("Listening position unavailable: %s", type(error).__name__)
            manager.request_attributes[UNREACHABLE] = True
            return Stored(None, reachable=False)
        point = ResumePoint.from_attributes(attributes)
        if point is None and attributes:
            logger.warning("Ignoring a stored listening position that does not fit the schema")
        return Stored(point)

    def saved(self) -> ResumePoint | None:
        """The listener's stored place, or None (none kept, or storage unavailable)."""
        return self.stored().point

    def save(self, token: str | None, offset_ms: int = 0, enqueued: str = "") -> bool:
        """Keep the listener's place in this clip (and what is queued after it); whether it
        was written (a failure leaves what was stored as it was)."""
        if not self.resources.remembers or not is_our_token(token):
            return False
        point = ResumePoint(token=token, offset_ms=max(0, offset_ms), enqueued=enqueued)
        manager = self.handler_input.attributes_manager
        try:
            manager.persistent_attributes = point.to_attributes()
            manager.save_persistent_attributes()
        except PERSISTENCE_ERRORS as error:
            logger.warning("Listening position not saved: %s", type(error).__name__)
            # What the manager now holds was never stored: no later read may take it for it.
            manager.request_attributes[UNREACHABLE] = True
            return False
        return True

    def forget(self) -> bool:
        """Delete the listener's stored place; False when storage could not be reached."""
        try:
            self.handler_input.attributes_manager.delete_persistent_attributes()
        except PERSISTENCE_ERRORS as error:
            logger.error("Listening position not deleted: %s", type(error).__name__)
            return False
        return True

    def answer(self, text: str | None = None, *directives: object, end: bool = True) -> Response:
        """Send directives, with words only where Alexa allows them (not to playback events).

        Words that keep the session open (`end` false) go on to ask what to hear next.
        """
        for directive in directives:
            self.handler_input.response_builder.add_directive(directive)
        if not text:
            reply = Reply(end_session=end)
        elif end:
            reply = Reply(speech=Speech().say(text), end_session=True)
        else:
            reply = ask_what_next(self.resources.guidebook.words, text)
        return send(self.handler_input, restrict_speech(request_type(self.handler_input), reply))

    def play(self, cue: Cue, text: str | None = None) -> Response:
        """Replace whatever plays with this clip; the session ends so the audio can play."""
        return self.answer(text, self._play_directive(cue, PlayBehavior.REPLACE_ALL))

    def enqueue(self, track: Track, after: str) -> Response:
        """Queue a clip to follow `after`, the token Alexa must still be playing."""
        return self.answer(None, self._play_directive(Cue(track), PlayBehavior.ENQUEUE, after))

    def _play_directive(
        self, cue: Cue, behavior: PlayBehavior, expected_previous: str | None = None
    ) -> PlayDirective:
        stream = Stream(
            token=cue.track.token,
            url=cue.track.url,
            offset_in_milliseconds=cue.offset_ms,
            expected_previous_token=expected_previous,
        )
        metadata = AudioItemMetadata(
            title=cue.track.title, subtitle=self.resources.guidebook.words.name
        )
        return PlayDirective(behavior, AudioItem(stream=stream, metadata=metadata))
