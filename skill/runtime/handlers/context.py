"""What a request's `context` says about the device: its interfaces and what its player holds.

Readers that never fail: a request without a context, device or player reads as a device
with no screen, no AudioPlayer and nothing of ours loaded. `stop_our_audio` is the one way
an answer that is not about listening (a crisis, "forget me") silences the guide.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from ask_sdk_model.interfaces.audioplayer import ClearBehavior, ClearQueueDirective, StopDirective

from skill.runtime.playback import is_our_token

if TYPE_CHECKING:
    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_model import SupportedInterfaces

IDLE = "IDLE"


class PlayerState(NamedTuple):
    """What the device's AudioPlayer holds: a token of ours (or None), where, and doing what."""

    token: str | None
    offset_ms: int
    activity: str


def supported_interfaces(handler_input: HandlerInput) -> SupportedInterfaces | None:
    """The interfaces the device declares, or None when the request names none."""
    context = handler_input.request_envelope.context
    system = context.system if context else None
    device = system.device if system else None
    return device.supported_interfaces if device else None


def has_audio_player(handler_input: HandlerInput) -> bool:
    """Whether the device streams long-form audio (AudioPlayer)."""
    interfaces = supported_interfaces(handler_input)
    return bool(interfaces and interfaces.audio_player is not None)


def supports_screen(handler_input: HandlerInput) -> bool:
    """Whether the device renders APL (an Echo Show, a Fire TV, ...)."""
    interfaces = supported_interfaces(handler_input)
    return bool(interfaces and interfaces.alexa_presentation_apl is not None)


def player_state(handler_input: HandlerInput) -> PlayerState:
    """The device's AudioPlayer as the request reports it; another skill's token reads as None."""
    context = handler_input.request_envelope.context
    state = context.audio_player if context else None
    if state is None:
        return PlayerState(None, 0, IDLE)
    token = state.token if is_our_token(state.token) else None
    activity = state.player_activity.value if state.player_activity else IDLE
    return PlayerState(token, max(0, state.offset_in_milliseconds or 0), activity)


def holds_our_audio(handler_input: HandlerInput) -> bool:
    """Whether the device's player has one of our clips loaded (playing, paused or stopped)."""
    player = player_state(handler_input)
    return has_audio_player(handler_input) and player.token is not None and player.activity != IDLE


def stop_our_audio(handler_input: HandlerInput) -> None:
    """Stop our clip and drop its queue, if the device holds one: Alexa resumes paused audio
    when a session closes, and each later playback event would save the place again."""
    if holds_our_audio(handler_input):
        handler_input.response_builder.add_directive(StopDirective())
        handler_input.response_builder.add_directive(ClearQueueDirective(ClearBehavior.CLEAR_ALL))
