"""Guided reflection: a narrated opening, each prompt with a quiet space to think, a close.

"Guide me through a reflection on guilt" (or on the section just heard; with nothing named,
one is picked for the day) starts it. On a device with AudioPlayer it plays as a queue of
tracks, each queued as the one before nearly finishes: pause and resume keep the place,
"next" skips to the next prompt, and the place is kept between visits as the guide's is.
Elsewhere, or before the clips are published, it is one response within Alexa's 240 seconds.
Registered after safety, so crisis words still win at every turn, and before guided
listening, which would otherwise take the reflection's playback events for the guide's.

`start_guided_reflection` starts it from anywhere else; a Routine's task takes `spoken_reply`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response
from ask_sdk_model.interfaces.audioplayer import ClearBehavior, ClearQueueDirective, StopDirective

from skill.runtime.guided import GuidedOrder, guided_order, pick_section, spoken_reflection
from skill.runtime.handlers import Resources
from skill.runtime.handlers.listener import Listener
from skill.runtime.handlers.listening import SKIPPABLE_FAILURES, enqueue_once
from skill.runtime.handlers.replies import Card, Reply, request_name, send
from skill.runtime.handlers.topics import topic_prompt
from skill.runtime.intents import (
    CANCEL,
    CONTINUE_LISTENING,
    GUIDED_REFLECTION,
    LOOP_OFF,
    LOOP_ON,
    NEXT,
    PAUSE,
    PREVIOUS,
    REPEAT,
    RESUME,
    SHUFFLE_OFF,
    SHUFFLE_ON,
    START_OVER,
    STOP,
)
from skill.runtime.metrics import count
from skill.runtime.playback import Cue, parse_guided_token, parse_token
from skill.runtime.speech import Speech
from skill.runtime.state import Turn

logger = logging.getLogger(__name__)

Action = Callable[[Listener, GuidedOrder], Response]
# A player that played its last stream to the end: what to resume is whatever was kept.
FINISHED = "FINISHED"


def start_guided_reflection(
    handler_input: HandlerInput, resources: Resources, section_id: str | None = None
) -> Response:
    """Start a guided reflection on a section (None: the one just heard, else the day's pick).

    As a queue of clips on a device with AudioPlayer when they are published; otherwise the
    whole reflection in one response, in the clips or Alexa's voice.
    """
    listener = Listener(handler_input, resources, resources.catalog.order)
    chosen = section_id if resources.guidebook.has(section_id) else section_for(listener)
    order = guided_order(resources.guidebook, resources.catalog.reflections, chosen)
    if order is not None and listener.has_audio_player:
        return listener.play(Cue(order.first()))
    return send(handler_input, spoken_reply(listener, chosen))


def section_for(listener: Listener) -> str:
    """The section just heard (in conversation, or playing), else the day's pick."""
    heard = listener.heard
    if heard.state.section is not None:
        return heard.state.section
    playing = parse_token(listener.player.token)
    if playing is not None and listener.resources.guidebook.has(playing.section_id):
        return playing.section_id
    ids = listener.resources.guidebook.ids
    timestamp = listener.request.timestamp
    return pick_section(ids, timestamp.toordinal() if timestamp else 0)


def spoken_reply(listener: Listener, section_id: str) -> Reply:
    """The whole reflection as one response; the session stays open for what comes next."""
    resources = listener.resources
    guidebook = resources.guidebook
    section = guidebook.section(section_id)
    speech, _ = spoken_reflection(
        guidebook.guided, section.reflections, resources.catalog.reflections, section_id
    )
    words = guidebook.words
    return Reply(
        speech=speech,
        reprompt=Speech().say(words.reprompt),
        card=Card(section.title, "\n".join(section.reflections), words.screen_hint),
        state=listener.heard.state.but(section=section_id, offer=None, last=Turn.REFLECTION),
    )


def guided_reflection(listener: Listener) -> Response:
    """"Guide me through a reflection [on guilt]"."""
    heard = listener.heard
    if heard.topic_heard and heard.topic is None:
        words = listener.resources.guidebook.words
        return send(listener.handler_input, topic_prompt(listener.resources, heard.state,
                                                         words.no_match))
    return start_guided_reflection(listener.handler_input, listener.resources, heard.topic)


def pause(listener: Listener, order: GuidedOrder) -> Response:
    """Pause, stop or cancel: stop the audio and keep the place."""
    listener.save(listener.player.token, listener.player.offset_ms)
    return listener.answer(None, StopDirective())


def resume(listener: Listener, order: GuidedOrder) -> Response:
    """Pick up the reflection where it stopped; at its very end, start it again."""
    saved = listener.saved()
    token, offset = (saved.token, saved.offset_ms) if saved else (
        listener.player.token, listener.player.offset_ms)
    cue = order.resume(token, offset)
    return listener.play(cue or Cue(order.first()))


def next_prompt(listener: Listener, order: GuidedOrder) -> Response:
    """The next prompt (or the close); in the close, say this was the last question."""
    following = order.next_prompt(listener.player.token)
    if following is None:
        return listener.answer(listener.resources.guidebook.guided.finished)
    return listener.play(Cue(following))


def previous_prompt(listener: Listener, order: GuidedOrder) -> Response:
    """The prompt before this one, or the opening."""
    return listener.play(Cue(order.previous_prompt(listener.player.token)))


def repeat(listener: Listener, order: GuidedOrder) -> Response:
    """The prompt being thought about, again."""
    return listener.play(Cue(order.current_prompt(listener.player.token)))


def start_over(listener: Listener, order: GuidedOrder) -> Response:
    """The reflection from its opening."""
    return listener.play(Cue(order.first()))


def unsupported(listener: Listener, order: GuidedOrder) -> Response:
    """Loop and shuffle: the reflection plays in order."""
    return listener.answer(listener.resources.guidebook.words.unsupported)


def started(listener: Listener, order: GuidedOrder) -> Response:
    """A step started: it is the listener's place now."""
    listener.save(listener.request.token, listener.request.offset_in_milliseconds or 0)
    return listener.answer()


def nearly_finished(listener: Listener, order: GuidedOrder) -> Response:
    """Queue the next step, once, whatever Alexa repeats."""
    return enqueue_once(listener, order.following(listener.request.token))


def finished(listener: Listener, order: GuidedOrder) -> Response:
    """A step ended: the place moves on; after the close, nothing is kept."""
    following = order.following(listener.request.token)
    if following is not None:
        listener.save(following.token)
    else:
        count(listener.handler_input, "ReflectionsFinished")
        if listener.resources.remembers:
            listener.forget()
    return listener.answer()


def stopped(listener: Listener, order: GuidedOrder) -> Response:
    """Playback stopped: keep the exact offset, unless the place was just forgotten or the
    stop reports no offset."""
    offset = listener.request.offset_in_milliseconds
    if offset is not None and listener.saved() is not None:
        listener.save(listener.request.token, offset)
    return listener.answer()


def failed(listener: Listener, order: GuidedOrder) -> Response:
    """A step could not play: skip a broken clip, or stop when streaming is failing."""
    request = listener.request
    kind = request.error.object_type.value if request.error and request.error.object_type else ""
    following = order.following(request.token)
    if kind in SKIPPABLE_FAILURES and following is not None:
        logger.warning("A reflection clip failed to play (%s); skipping it", kind)
        return listener.play(Cue(following))
    logger.warning("A reflection clip failed to play (%s); stopping", kind or "unknown")
    state = request.current_playback_state
    listener.save(request.token, (state.offset_in_milliseconds or 0) if state else 0)
    return listener.answer(None, ClearQueueDirective(ClearBehavior.CLEAR_ALL))


# Token sources: the event's own clip, what the player holds, or what was kept.
EVENTS: Mapping[str, Action] = {
    "AudioPlayer.PlaybackStarted": started,
    "AudioPlayer.PlaybackNearlyFinished": nearly_finished,
    "AudioPlayer.PlaybackFinished": finished,
    "AudioPlayer.PlaybackStopped": stopped,
    "AudioPlayer.PlaybackFailed": failed,
}
CONTROLS: Mapping[str, Action] = {
    PAUSE: pause, STOP: pause, CANCEL: pause,
    NEXT: next_prompt, PREVIOUS: previous_prompt, REPEAT: repeat, START_OVER: start_over,
    LOOP_ON: unsupported, LOOP_OFF: unsupported, SHUFFLE_ON: unsupported, SHUFFLE_OFF: unsupported,
    "PlaybackController.PauseCommandIssued": pause,
    "PlaybackController.NextCommandIssued": next_prompt,
    "PlaybackController.PreviousCommandIssued": previous_prompt,
}
RESUMES: Mapping[str, Action] = {
    RESUME: resume, CONTINUE_LISTENING: resume, "PlaybackController.PlayCommandIssued": resume,
}


class GuidedReflectionHandler(AbstractRequestHandler):
    """Starts guided reflections and answers every request about one that is loaded."""

    def __init__(self, resources: Resources) -> None:
        self.resources = resources

    def can_handle(self, handler_input: HandlerInput) -> bool:
        name = request_name(handler_input)
        return name == GUIDED_REFLECTION or self._route(handler_input, name) is not None

    def handle(self, handler_input: HandlerInput) -> Response:
        name = request_name(handler_input)
        listener = self._listener(handler_input)
        if name == GUIDED_REFLECTION:
            return guided_reflection(listener)
        route = self._route(handler_input, name)
        assert route is not None  # can_handle found it
        action, order = route
        return action(listener, order)

    def _route(
        self, handler_input: HandlerInput, name: str
    ) -> tuple[Action, GuidedOrder] | None:
        """The action for a request about a guided reflection, and that reflection's queue."""
        if name not in EVENTS and name not in CONTROLS and name not in RESUMES:
            return None
        listener = self._listener(handler_input)
        if name in EVENTS:
            token = listener.request.token
        elif name in CONTROLS:
            token = listener.player.token if self._listening(listener, name) else None
        else:
            token = self._resumable(listener)
        order = self._order(token)
        if order is None:
            return None
        actions = EVENTS if name in EVENTS else CONTROLS if name in CONTROLS else RESUMES
        return actions[name], order

    def _listening(self, listener: Listener, name: str) -> bool:
        """Device buttons always; spoken controls only outside a conversation."""
        return name.startswith("PlaybackController.") or listener.listening

    def _resumable(self, listener: Listener) -> str | None:
        """A reflection to resume: loaded on the player, or kept from last time."""
        if not listener.has_audio_player or listener.in_conversation:
            return None
        player = listener.player
        if parse_guided_token(player.token) and player.activity != FINISHED:
            return player.token
        if parse_token(player.token):
            return None  # the guide is loaded: resuming means the guide
        saved = listener.saved()
        return saved.token if saved else None

    def _order(self, token: str | None) -> GuidedOrder | None:
        parts = parse_guided_token(token)
        if parts is None or not self.resources.guidebook.has(parts.section_id):
            return None
        return guided_order(self.resources.guidebook, self.resources.catalog.reflections,
                            parts.section_id)

    def _listener(self, handler_input: HandlerInput) -> Listener:
        return Listener(handler_input, self.resources, self.resources.catalog.order)


def handlers(resources: Resources) -> Sequence[AbstractRequestHandler]:
    """The guided reflection's handler."""
    return (GuidedReflectionHandler(resources),)
