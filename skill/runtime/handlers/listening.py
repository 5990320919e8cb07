"""Guided listening: the whole guide through AudioPlayer, remembered per listener.

"Play the whole guide", "play from the holidays section" and "continue where I left off"
start AudioPlayer on devices that have it; each clip queues the next as it nearly finishes.
The listener's place (the clip's token and offset) is kept by the persistence adapter, so
playback events, which arrive outside any session, and next week's visit can find it.
Devices without AudioPlayer, and anything said inside a conversation, are left to the
conversation's section-by-section handlers registered after these.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response
from ask_sdk_model.interfaces.audioplayer import ClearBehavior, ClearQueueDirective, StopDirective

from skill.runtime.handlers import Resources
from skill.runtime.handlers.context import stop_our_audio
from skill.runtime.handlers.listener import Listener
from skill.runtime.handlers.navigation import continue_listening
from skill.runtime.handlers.replies import request_name, send
from skill.runtime.handlers.topics import section_reply
from skill.runtime.intents import (
    CANCEL,
    CONTINUE_LISTENING,
    FORGET_ME,
    LOOP_OFF,
    LOOP_ON,
    NEXT,
    PAUSE,
    PLAY_GUIDE,
    PREVIOUS,
    REPEAT,
    RESUME,
    SHUFFLE_OFF,
    SHUFFLE_ON,
    START_OVER,
    STOP,
)
from skill.runtime.playback import Cue, Track, parse_token

logger = logging.getLogger(__name__)

PLAY_COMMAND = "PlaybackController.PlayCommandIssued"
# Failures of one clip (a missing or unplayable file): skip it. Any other failure (network,
# server, device) would fail the next clip too, so playback stops and can be resumed later.
SKIPPABLE_FAILURES = frozenset({"MEDIA_ERROR_INVALID_REQUEST", "MEDIA_ERROR_UNKNOWN"})

Action = Callable[[Listener], Response]


def always(listener: Listener) -> bool:
    """Requests guided listening answers whatever the state: its own intents and events."""
    return True


class Route(NamedTuple):
    """Who answers a request: `applies` says whether guided listening takes it at all."""

    act: Action
    applies: Callable[[Listener], bool] = always


def play_guide(listener: Listener) -> Response:
    """"Play the whole guide" from the start, or "play from the holidays section"."""
    return listener.play(Cue(_guide_start(listener)))


def _guide_start(listener: Listener) -> Track | None:
    topic = listener.heard.topic
    if topic is None:
        return None if listener.heard.topic_heard else listener.order.first()
    return listener.order.start_of(topic)


def resume(listener: Listener) -> Response:
    """Pick up where the listener stopped; with nothing to resume, start the guide."""
    stored = listener.stored()
    if not stored.reachable:
        return place_unreachable(listener)
    saved = stored.point
    if saved is not None:
        cue = listener.order.resume(saved.token, saved.offset_ms)
    else:
        cue = listener.order.resume(listener.player.token, listener.player.offset_ms)
    if cue is None:
        words = listener.resources.guidebook.words
        return listener.play(Cue(listener.order.first()), words.start_of_guide)
    return listener.play(cue)


def place_unreachable(listener: Listener) -> Response:
    """The stored place cannot be read now, so nothing starts over it: a device's play button
    plays the clip the device itself holds; a spoken request hears why, and what it can do."""
    if request_name(listener.handler_input) == PLAY_COMMAND:
        cue = listener.order.resume(listener.player.token, listener.player.offset_ms)
        return listener.answer() if cue is None else listener.play(cue)
    return listener.answer(listener.resources.guidebook.words.place_unreachable, end=False)


def continue_where_left_off(listener: Listener) -> Response:
    """Resume the audio; without AudioPlayer, play the saved section as the conversation does."""
    if listener.has_audio_player:
        return resume(listener)
    stored = listener.stored()
    if not stored.reachable:
        return place_unreachable(listener)
    saved = stored.point
    section_id = saved.section_id if saved else None
    resources, heard = listener.resources, listener.heard
    if section_id is None or not resources.guidebook.has(section_id):
        return send(listener.handler_input, continue_listening(resources, heard))
    return send(listener.handler_input, section_reply(resources, heard.state, section_id))


def pause(listener: Listener) -> Response:
    """Pause, stop or cancel while listening: stop the audio and keep the place."""
    listener.save(listener.player.token, listener.player.offset_ms)
    return listener.answer(None, StopDirective())


def next_section(listener: Listener) -> Response:
    """The next section; at the end of the guide, say so and leave the player as it is."""
    following = listener.order.next_section(listener.player.token)
    if following is None:
        return listener.answer(listener.resources.guidebook.words.end_of_guide)
    return listener.play(Cue(following))


def previous_section(listener: Listener) -> Response:
    """The previous section; in the first one, say so and play it from its start."""
    before = listener.order.previous_section(listener.player.token)
    if before is None:
        words = listener.resources.guidebook.words
        return listener.play(Cue(listener.order.first()), words.start_of_guide)
    return listener.play(Cue(before))


def repeat(listener: Listener) -> Response:
    """The current section again from its start."""
    parts = parse_token(listener.player.token)
    current = listener.order.start_of(parts.section_id) if parts else None
    return listener.play(Cue(current or listener.order.first()))


def start_over(listener: Listener) -> Response:
    """The whole guide from its first section."""
    return listener.play(Cue(listener.order.first()))


def unsupported(listener: Listener) -> Response:
    """Loop and shuffle: the guide plays in order; say so and let the audio carry on."""
    return listener.answer(listener.resources.guidebook.words.unsupported)


def forget_me(listener: Listener) -> Response:
    """"Forget me": delete the stored place and say so, or say that nothing is kept.

    Our audio stops too: left playing, it would report its place and that would be saved again.
    """
    words = listener.resources.guidebook.words
    if not listener.resources.remembers:
        return listener.answer(words.nothing_stored, end=False)
    if not listener.forget():
        return listener.answer(words.forget_failed, end=False)
    stop_our_audio(listener.handler_input)
    return listener.answer(words.forgotten, end=False)


def started(listener: Listener) -> Response:
    """A clip started: it is the listener's place now, and nothing is queued after it yet."""
    listener.save(listener.request.token, listener.request.offset_in_milliseconds or 0)
    return listener.answer()


def nearly_finished(listener: Listener) -> Response:
    """Queue the next clip of the guide."""
    return enqueue_once(listener, listener.order.following(listener.request.token))


def enqueue_once(listener: Listener, following: Track | None) -> Response:
    """Queue `following` after the playing stream, once: Alexa may report the same stream
    nearly finished again.

    Where places are kept, the queued clip is recorded first; when the store cannot say what
    was queued, or cannot record it, nothing is queued (a repeat would queue it twice): the
    stream ends, the place moves to the next clip, and "continue" plays it.
    """
    token = listener.request.token
    if following is None:
        return listener.answer()
    if listener.resources.remembers:
        stored = listener.stored()
        saved = stored.point
        if not stored.reachable or (
            saved is not None and (saved.token, saved.enqueued) == (token, following.token)
        ):
            return listener.answer()
        offset = listener.request.offset_in_milliseconds or 0
        if not listener.save(token, offset, following.token):
            return listener.answer()
    return listener.enqueue(following, after=token)


def finished(listener: Listener) -> Response:
    """A clip played to its end: the place moves to the next; after the last, nothing is kept."""
    following = listener.order.following(listener.request.token)
    if following is not None:
        listener.save(following.token)
    elif listener.resources.remembers and parse_token(listener.request.token):
        listener.forget()
    return listener.answer()


def stopped(listener: Listener) -> Response:
    """Playback stopped (pause, stop, another app): keep the exact offset for resuming.

    Only a place still kept is moved: the stop that follows "forget me" must not bring back
    what was just deleted (a clip that starts always saves its place first). A stop that
    reports no offset leaves the stored one as it is.
    """
    offset = listener.request.offset_in_milliseconds
    if offset is not None and listener.saved() is not None:
        listener.save(listener.request.token, offset)
    return listener.answer()


def failed(listener: Listener) -> Response:
    """A clip could not play: skip a broken clip, or stop cleanly when streaming is failing."""
    request = listener.request
    kind = request.error.object_type.value if request.error and request.error.object_type else ""
    following = listener.order.following(request.token)
    if kind in SKIPPABLE_FAILURES and following is not None:
        logger.warning("A clip failed to play (%s); skipping to the next", kind or "unknown")
        return listener.play(Cue(following))
    logger.warning("A clip failed to play (%s); stopping playback", kind or "unknown")
    state = request.current_playback_state
    listener.save(request.token, (state.offset_in_milliseconds or 0) if state else 0)
    return listener.answer(None, ClearQueueDirective(ClearBehavior.CLEAR_ALL))


def exception_encountered(listener: Listener) -> Response:
    """Alexa could not use an earlier response; it takes no answer to this report."""
    error = listener.request.error
    kind = error.object_type.value if error and error.object_type else "unknown"
    logger.error("Alexa reported an error with a response: %s", kind)
    return listener.answer()


def can_play(listener: Listener) -> bool:
    """The device streams audio and the guide has some."""
    return listener.has_audio_player and listener.order.first() is not None


def can_play_guide(listener: Listener) -> bool:
    """Audio exists from where the listener asked to start (else the conversation answers)."""
    return can_play(listener) and _guide_start(listener) is not None


def can_continue(listener: Listener) -> bool:
    """Not in the middle of a section in conversation, and there is a way to continue."""
    if listener.heard.state.section is not None:
        return False
    return can_play(listener) if listener.has_audio_player else listener.resources.remembers


def can_resume(listener: Listener) -> bool:
    """"Resume" outside a conversation, which has its own meaning for it."""
    return can_play(listener) and not listener.in_conversation


def is_listening(listener: Listener) -> bool:
    """Our audio is loaded on this device and no conversation is going on."""
    return listener.listening


def routes() -> Mapping[str, Route]:
    """Every request guided listening may answer, and when it does."""
    table = {
        PLAY_GUIDE: Route(play_guide, can_play_guide),
        CONTINUE_LISTENING: Route(continue_where_left_off, can_continue),
        RESUME: Route(resume, can_resume),
        FORGET_ME: Route(forget_me),
        PAUSE: Route(pause, is_listening),
        STOP: Route(pause, is_listening),
        CANCEL: Route(pause, is_listening),
        NEXT: Route(next_section, is_listening),
        PREVIOUS: Route(previous_section, is_listening),
        REPEAT: Route(repeat, is_listening),
        START_OVER: Route(start_over, is_listening),
        "AudioPlayer.PlaybackStarted": Route(started),
        "AudioPlayer.PlaybackNearlyFinished": Route(nearly_finished),
        "AudioPlayer.PlaybackFinished": Route(finished),
        "AudioPlayer.PlaybackStopped": Route(stopped),
        "AudioPlayer.PlaybackFailed": Route(failed),
        "System.ExceptionEncountered": Route(exception_encountered),
        PLAY_COMMAND: Route(resume, can_play),
        "PlaybackController.PauseCommandIssued": Route(pause),
        "PlaybackController.NextCommandIssued": Route(next_section),
        "PlaybackController.PreviousCommandIssued": Route(previous_section),
    }
    for name in (LOOP_ON, LOOP_OFF, SHUFFLE_ON, SHUFFLE_OFF):
        table[name] = Route(unsupported, is_listening)
    return table


class ListeningHandler(AbstractRequestHandler):
    """Answers every request in the routing table whose condition holds."""

    def __init__(self, resources: Resources, table: Mapping[str, Route]):
        self.resources = resources
        self.table = dict(table)

    def can_handle(self, handler_input: HandlerInput) -> bool:
        route = self.table.get(request_name(handler_input))
        return route is not None and route.applies(self._listener(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        return self.table[request_name(handler_input)].act(self._listener(handler_input))

    def _listener(self, handler_input: HandlerInput) -> Listener:
        # The play order as the manifest is now: a new audio build reaches the next request.
        return Listener(handler_input, self.resources, self.resources.catalog.order)


def handlers(resources: Resources) -> Sequence[AbstractRequestHandler]:
    """Guided listening's handler, playing the catalog's clips in listening order."""
    return (ListeningHandler(resources, routes()),)
