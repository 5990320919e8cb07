"""A simulated Alexa device: what a person says or presses becomes the requests a device sends.

The device follows each answer the way hardware does: it keeps or closes the session, keeps
the attributes the skill returned, and obeys AudioPlayer directives, reporting back with
`AudioPlayer.*` requests (started, nearly finished, finished, stopped). Its whole state is
one value, `DeviceState`, so a conversation can be saved to a file or carried by a web page.
The skill is reached through `send`, any function from request JSON to response JSON. With
the simulator's own Alexa APIs (`apis`), the device opens its listener's account there for each
request, so the skill's calls to the Reminders and Settings APIs are answered, and keeps the
account in its state afterwards.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from skill.runtime import SkillError
from skill.simulator import envelopes
from skill.simulator.alexa_apis import TIME_ZONES, AlexaAccount
from skill.simulator.envelopes import Caller, PermissionQuestion, Player, Session, Stream
from skill.simulator.language_model import ResolvedIntent

if TYPE_CHECKING:
    from skill.simulator.api_server import SimulatedAlexa
    from skill.simulator.understanding import Understanding

Transport = Callable[[dict], dict]

BUTTONS = {
    "play": "PlaybackController.PlayCommandIssued",
    "pause": "PlaybackController.PauseCommandIssued",
    "next": "PlaybackController.NextCommandIssued",
    "previous": "PlaybackController.PreviousCommandIssued",
}
# Everything but speech a device can do: press a button, finish or fail a stream, leave.
EVENTS = (*BUTTONS, "finished", "failed", "end-session")
# With no session open and the skill's audio loaded, Alexa turns "stop" into a pause.
_STOP_MEANS_PAUSE = {"AMAZON.StopIntent", "AMAZON.CancelIntent"}
# How Alexa hears the answer to its permission question; anything else goes unanswered.
_CONSENTS = {"yes", "yeah", "yep", "sure", "ok", "okay", "i approve", "approve", "allow",
             "yes please", "i allow it", "grant"}
_REFUSALS = {"no", "nope", "no thanks", "no thank you", "deny", "i deny", "don't allow",
             "do not allow", "i do not approve", "not now"}
# A skill answering device events with more device events must end somewhere.
_MAX_FOLLOWED_REQUESTS = 12


class SimulatorError(SkillError):
    """The skill could not be reached or gave something that is not a response."""


@dataclass(frozen=True)
class Exchange:
    """One request the device sent and the skill's response."""

    request: dict[str, Any]
    response: dict[str, Any]

    @property
    def request_type(self) -> str:
        """`LaunchRequest`, `IntentRequest`, `AudioPlayer.PlaybackStarted`, ..."""
        return self.request["request"]["type"]


class DeviceState(BaseModel):
    """Everything the device remembers between requests."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    caller: Caller
    session: Session = Session()
    player: Player = Player()
    # Alexa's permission question, asked for the skill and not yet answered.
    asking: PermissionQuestion | None = None
    # What the listener's Alexa account holds for the skill: the reminders it set.
    alexa: AlexaAccount = AlexaAccount()


class SimulatedDevice:
    """Turns utterances, button presses and playback progress into requests to a skill."""

    def __init__(
        self,
        understanding: Understanding,
        send: Transport,
        state: DeviceState,
        clock: Callable[[], float] = time.time,
        apis: SimulatedAlexa | None = None,
    ) -> None:
        self.understanding = understanding
        self.state = state
        self._send = send
        self._clock = clock
        self._apis = apis

    def say(self, text: str) -> list[Exchange]:
        """Speak to the device; without the skill's name it still goes to this skill.

        After the skill asked for a permission, what is said first answers Alexa's question:
        yes grants it, no refuses it, anything else leaves it unanswered.
        """
        if self.state.asking is not None:
            return self._answer_permission(text)
        session = self.state.session
        answer = (
            self.understanding.slot_answer(*session.eliciting, text)
            if session.open and session.eliciting else None
        )
        if answer is not None:
            return self._exchange(
                envelopes.intent_request(*self._context(), answer, self._now())
            )
        utterance = self.understanding.resolve(text)
        if utterance.invoked:
            session = Session()
        self._set(session=session)
        if utterance.intent is None:
            request = envelopes.launch_request(*self._context(), self._now())
        else:
            intent = self._audio_meaning(utterance.intent)
            request = envelopes.intent_request(*self._context(), intent, self._now())
        return self._exchange(request)

    def ask(self, intent: ResolvedIntent) -> list[Exchange]:
        """Send an intent already understood ("Alexa, ask <skill> to ..."), in a new session:
        for callers that name the intent rather than words to resolve."""
        self._set(session=Session())
        return self._exchange(envelopes.intent_request(*self._context(), intent, self._now()))

    def _answer_permission(self, text: str) -> list[Exchange]:
        question = self.state.asking
        assert question is not None
        said = " ".join(text.lower().replace(",", " ").replace(".", " ").split())
        status = (
            "ACCEPTED" if said in _CONSENTS else "DENIED" if said in _REFUSALS
            else "NOT_ANSWERED"
        )
        caller = self.state.caller
        if status == "ACCEPTED" and question.scope not in caller.granted:
            caller = caller.model_copy(update={"granted": (*caller.granted, question.scope)})
        self._set(asking=None, caller=caller, session=Session())
        return self._exchange(envelopes.permission_response(
            self._caller(), self.state.player, question, status, self._now()
        ))

    def act(self, event: str) -> list[Exchange]:
        """Do one of EVENTS: a button press, the stream finishing or failing, leaving."""
        if event == "finished":
            return self.finish_stream()
        if event == "failed":
            return self.fail_stream()
        if event == "end-session":
            return self.end_session()
        if event in BUTTONS:
            return self.press(event)
        raise ValueError(f"unknown device event {event!r}; use one of {', '.join(EVENTS)}")

    def press(self, button: str) -> list[Exchange]:
        """Press a playback button (play, pause, next, previous) on the device."""
        return self._exchange(self._player_request(BUTTONS[button]))

    def finish_stream(self) -> list[Exchange]:
        """The current stream played to its end; the device moves on to the queued one."""
        player = self.state.player
        if player.current is None or player.activity != "PLAYING":
            return []
        exchanges = self._exchange(self._player_request("AudioPlayer.PlaybackFinished"))
        after = self.state.player
        if after.queue:
            exchanges += self._start(after.queue[0], after.queue[1:])
        else:
            self._set(player=after.model_copy(update={"activity": "FINISHED"}))
        return exchanges

    def fail_stream(self) -> list[Exchange]:
        """The current stream could not be played (a bad URL, an unplayable file)."""
        failed = self.state.player.current
        if failed is None:
            return []
        exchanges = self._exchange(self._player_request("AudioPlayer.PlaybackFailed"))
        if self.state.player.current is failed:
            self._set(player=self.state.player.model_copy(update={"activity": "STOPPED"}))
        return exchanges

    def end_session(self, reason: str = "USER_INITIATED") -> list[Exchange]:
        """Close an open session from the device's side (the person left or stayed silent)."""
        if not self.state.session.open:
            return []
        request = envelopes.session_ended_request(*self._context(), reason, self._now())
        self._set(session=Session())
        return [Exchange(request, self._call(request))]

    def report_position(self, offset_ms: int) -> None:
        """Where the player is in the current stream.

        Nothing plays in a terminal, so there the position stays where the stream started;
        the web page reports its audio element's real position before each request.
        """
        player = self.state.player.model_copy(update={"offset_ms": max(0, int(offset_ms))})
        self._set(player=player)

    def _audio_meaning(self, intent: ResolvedIntent) -> ResolvedIntent:
        """Stop and Cancel outside a session, with this skill's audio loaded, mean pause."""
        audio_loaded = self.state.player.current is not None
        if (
            intent.name in _STOP_MEANS_PAUSE
            and audio_loaded
            and not self.state.session.open
            and self.understanding.model.intent("AMAZON.PauseIntent") is not None
        ):
            return ResolvedIntent(name="AMAZON.PauseIntent")
        return intent

    def _exchange(self, request: dict, depth: int = 0) -> list[Exchange]:
        """Send a request, follow the answer, and send whatever the device reports back."""
        if depth > _MAX_FOLLOWED_REQUESTS:
            raise SimulatorError("the skill keeps answering device events with new ones")
        response = self._call(request)
        exchanges = [Exchange(request, response)]
        if "session" in request:
            self._follow_session(request, response)
        for follow_up in self._obey(response.get("response") or {}):
            exchanges += self._exchange(follow_up, depth + 1)
        return exchanges

    def _follow_session(self, request: dict, response: dict) -> None:
        body = response.get("response") or {}
        stays_open = body.get("shouldEndSession") is False
        elicit = next(
            (d for d in body.get("directives") or () if d.get("type") == "Dialog.ElicitSlot"),
            None,
        )
        session = Session(
            id=request["session"]["sessionId"] if stays_open else None,
            open=stays_open,
            attributes=(response.get("sessionAttributes") or {}) if stays_open else {},
            eliciting=_elicited(elicit) if elicit and stays_open else None,
        )
        self._set(session=session, asking=_permission_question(body))

    def _obey(self, body: dict) -> list[dict]:
        """Apply AudioPlayer directives; the requests the device sends back as a result."""
        if not self.state.caller.has_audio_player:
            return []
        follow_ups: list[dict] = []
        for directive in body.get("directives") or ():
            kind = directive.get("type")
            if kind == "AudioPlayer.Play":
                follow_ups += self._play(directive)
            elif kind == "AudioPlayer.Stop":
                follow_ups += self._stop()
            elif kind == "AudioPlayer.ClearQueue":
                player = self.state.player.model_copy(update={"queue": ()})
                self._set(player=player)
                if directive.get("clearBehavior") == "CLEAR_ALL":
                    follow_ups += self._stop()
        return follow_ups

    def _play(self, directive: dict) -> list[dict]:
        item = directive.get("audioItem") or {}
        raw = item.get("stream") or {}
        stream = Stream(
            token=raw.get("token", ""),
            url=raw.get("url", ""),
            offset_ms=int(raw.get("offsetInMilliseconds") or 0),
            title=(item.get("metadata") or {}).get("title"),
        )
        player = self.state.player
        behavior = directive.get("playBehavior", "REPLACE_ALL")
        if behavior == "REPLACE_ALL" or player.current is None:
            # A device stops the stream it replaces and says so before starting the new one.
            return self._stop() + self._start_requests(stream, ())
        if behavior == "REPLACE_ENQUEUED":
            self._set(player=player.model_copy(update={"queue": (stream,)}))
            return []
        last = player.queue[-1] if player.queue else player.current
        # A device drops an ENQUEUE whose expectedPreviousToken is not the last stream it has.
        if raw.get("expectedPreviousToken") == last.token:
            self._set(player=player.model_copy(update={"queue": (*player.queue, stream)}))
        return []

    def _start(self, stream: Stream, queue: tuple[Stream, ...]) -> list[Exchange]:
        exchanges: list[Exchange] = []
        for request in self._start_requests(stream, queue):
            exchanges += self._exchange(request)
        return exchanges

    def _start_requests(self, stream: Stream, queue: tuple[Stream, ...]) -> list[dict]:
        """Start a stream: the device says it started and, having buffered it, nearly ended."""
        player = Player(activity="PLAYING", current=stream, offset_ms=stream.offset_ms,
                        queue=queue)
        self._set(player=player)
        return [
            self._player_request(kind)
            for kind in ("AudioPlayer.PlaybackStarted", "AudioPlayer.PlaybackNearlyFinished")
        ]

    def _stop(self) -> list[dict]:
        player = self.state.player
        if player.activity != "PLAYING":
            return []
        self._set(player=player.model_copy(update={"activity": "STOPPED"}))
        return [self._player_request("AudioPlayer.PlaybackStopped")]

    def _player_request(self, kind: str) -> dict:
        return envelopes.player_request(self._caller(), self.state.player, kind, self._now())

    def _context(self) -> tuple[Caller, Session, Player]:
        return self._caller(), self.state.session, self.state.player

    def _caller(self) -> Caller:
        """Who is talking, with the simulator's own APIs as the endpoint when no other is set."""
        caller = self.state.caller
        if self._apis is None or caller.api_endpoint is not None:
            return caller
        return caller.model_copy(update={"api_endpoint": self._apis.url})

    def _call(self, request: dict) -> dict:
        apis = self._apis if self.state.caller.api_endpoint is None else None
        token = self.state.caller.api_token
        if apis is not None:
            apis.open(token, self.state.alexa, time_zone=TIME_ZONES.get(self.state.caller.locale),
                      scopes=self.state.caller.granted)
        try:
            response = self._send(request)
        finally:
            if apis is not None:
                self._set(alexa=apis.close(token))
        if not isinstance(response, dict) or "version" not in response:
            raise SimulatorError("the skill answered with something that is not a response")
        return response

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), UTC)

    def _set(self, **changes: Any) -> None:
        self.state = self.state.model_copy(update=changes)


def _permission_question(body: dict) -> PermissionQuestion | None:
    """The permission Alexa now asks the listener for, when the skill asked for one."""
    for directive in body.get("directives") or ():
        payload = directive.get("payload") or {}
        if (
            directive.get("type") == "Connections.SendRequest"
            and directive.get("name") == "AskFor"
            and payload.get("permissionScope")
        ):
            return PermissionQuestion(
                scope=payload["permissionScope"], token=directive.get("token") or ""
            )
    return None


def _elicited(directive: dict) -> tuple[str, str]:
    """The intent and slot a Dialog.ElicitSlot directive asks for."""
    intent = (directive.get("updatedIntent") or {}).get("name", "")
    return intent, directive.get("slotToElicit", "")
