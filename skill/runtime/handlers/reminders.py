"""Daily reflection reminders: set one with the listener's consent, list them, stop them.

"Remind me to reflect every day at 8 pm" is said back as a question ("every day at 8 PM?")
and set only on yes, as Amazon's reminder guidelines require. Without the reminders
permission the skill asks for it by voice (`Connections.SendRequest` AskFor) and answers the
`Connections.Response`; where voice consent cannot happen, a permissions card goes to the
Alexa app. A missing or unusable time is asked for again (`Dialog.ElicitSlot`). The Reminders
and Settings APIs are reached through ask-sdk's service clients; any failure of theirs gets a
kind sentence and a card, never the skill's apology. The skill keeps nothing: the reminders
live with Alexa, and the time waiting for a yes lives in the session for one turn.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from ask_sdk_core.dispatch_components import AbstractRequestHandler, AbstractResponseInterceptor
from ask_sdk_core.exceptions import ApiClientException, SerializationException
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Intent, IntentConfirmationStatus, Response, Slot, SlotConfirmationStatus
from ask_sdk_model.dialog import ElicitSlotDirective
from ask_sdk_model.interfaces.connections import SendRequestDirective
from ask_sdk_model.services import ServiceClientResponse, ServiceException
from ask_sdk_model.ui import AskForPermissionsConsentCard

from skill.runtime.guidebook import ReminderWords
from skill.runtime.handlers import Resources
from skill.runtime.handlers.replies import Card, Reply, hear, request_name, send, slots_of
from skill.runtime.intents import (
    LIST_REMINDERS,
    NO,
    REMINDERS_SCOPE,
    SET_REMINDER,
    STOP_REMINDERS,
    TIME_SLOT,
    YES,
)
from skill.runtime.metrics import count
from skill.runtime.reminders import (
    ClockTime,
    active,
    ask_token,
    daily_reminder,
    parse_time,
    reminder_time,
    spoken_times,
    time_from_token,
)
from skill.runtime.speech import Speech

logger = logging.getLogger(__name__)

# Session attribute holding the time of a reminder said back and waiting for yes or no.
PENDING = "reminder"
# Request attribute: this turn asked the question, so the pending time stays for the answer.
_ASKED = "reminder_asked"
PERMISSION_RESPONSE = "Connections.Response"
ASK_FOR = "AskFor"
REMINDERS_PATH = "/v1/alerts/reminders"
_ERROR_TYPE = "ask_sdk_model.services.reminder_management.error.Error"
_LIST_ANSWERS = [
    ServiceClientResponse(response_type="object", status_code=200, message="Success"),
    *(ServiceClientResponse(response_type=_ERROR_TYPE, status_code=code, message=message)
      for code, message in ((401, "Not authorized"), (403, "Permission revoked"),
                            (429, "Throttled"), (500, "Internal server error"))),
]
# A failed call, an unreachable API and an answer that is not what the API documents.
_API_FAILURES = (ServiceException, ApiClientException, SerializationException)
_NO_PERMISSION = (401, 403)


class NeedsPermission(Exception):
    """The Reminders API refused the token: the permission is missing or was taken back."""


def granted(handler_input: HandlerInput) -> bool:
    """Whether the request says the listener allowed this skill's reminders."""
    system = handler_input.request_envelope.context.system
    permissions = system.user.permissions if system and system.user else None
    if permissions is None:
        return False
    scope = (permissions.scopes or {}).get(REMINDERS_SCOPE)
    status = getattr(getattr(scope, "status", None), "value", None)
    # Reminders are the only permission the skill asks for, so a consent token means them.
    return status == "GRANTED" or (status is None and bool(permissions.consent_token))


def _words(handler_input: HandlerInput, resources: Resources) -> tuple[ReminderWords, Any]:
    return resources.guidebook.reminders, hear(handler_input, resources.guidebook)


def _kept_open(reprompt: str, *lead: str, card: Card | None = None, heard: Any = None) -> Reply:
    """Say `lead`, then ask what to hear next, as every other answer does."""
    return Reply(
        speech=Speech().say(*lead, reprompt),
        reprompt=Speech().say(reprompt),
        card=card,
        state=heard.state.but(offer=None) if heard is not None else None,
    )


def permission_card_reply(handler_input: HandlerInput, resources: Resources) -> Response:
    """Ask for the permission on a card in the Alexa app, and say so."""
    words, heard = _words(handler_input, resources)
    handler_input.response_builder.set_card(AskForPermissionsConsentCard([REMINDERS_SCOPE]))
    reply = _kept_open(resources.guidebook.words.reprompt, words.permission_card,
                       heard=heard)
    return send(handler_input, reply)


def unavailable_reply(handler_input: HandlerInput, resources: Resources) -> Response:
    """The Reminders or Settings API failed: a kind sentence, a card, and the way on."""
    words, heard = _words(handler_input, resources)
    card = Card(words.card_title, words.unavailable)
    reply = _kept_open(resources.guidebook.words.reprompt, words.unavailable, card=card,
                       heard=heard)
    return send(handler_input, reply)


def _guarded(call: Callable[[HandlerInput, Resources], Response]) -> Callable[..., Response]:
    """Run a reminders call; a refused token asks for permission, any other failure is kind."""

    def guarded(handler_input: HandlerInput, resources: Resources) -> Response:
        try:
            return call(handler_input, resources)
        except NeedsPermission:
            return permission_card_reply(handler_input, resources)
        except _API_FAILURES as error:
            status = getattr(error, "status_code", None)
            logger.warning("A reminders call failed (%s, status %s)", type(error).__name__, status)
            if status in _NO_PERMISSION:
                return permission_card_reply(handler_input, resources)
            return unavailable_reply(handler_input, resources)

    return guarded


def _service(handler_input: HandlerInput, name: str) -> Any:
    factory = handler_input.service_client_factory
    if factory is None:
        raise ApiClientException("The skill was built without an API client")
    return getattr(factory, name)()


def create_reminder(handler_input: HandlerInput, resources: Resources, time: ClockTime) -> Response:
    """Read the device's time zone, set the daily reminder, and say when it will ring."""
    envelope = handler_input.request_envelope
    device = envelope.context.system.device
    zone = _service(handler_input, "get_ups_service").get_system_time_zone(device.device_id)
    words, heard = _words(handler_input, resources)
    request = daily_reminder(
        time, zone, heard.locale or "en-US", words.text, datetime.now(UTC)
    )
    _service(handler_input, "get_reminder_management_service").create_reminder(request)
    count(handler_input, "RemindersSet")
    created = words.created.format(time=time.spoken)
    card = Card(words.card_title, created)
    return send(handler_input, _kept_open(resources.guidebook.words.reprompt, created,
                                          card=card, heard=heard))


def _elicit(handler_input: HandlerInput, question: str) -> Response:
    """Ask for the time alone; Alexa takes the next answer as the time slot."""
    intent = Intent(
        name=SET_REMINDER,
        confirmation_status=IntentConfirmationStatus.NONE,
        slots={TIME_SLOT: Slot(name=TIME_SLOT, confirmation_status=SlotConfirmationStatus.NONE)},
    )
    handler_input.response_builder.add_directive(
        ElicitSlotDirective(updated_intent=intent, slot_to_elicit=TIME_SLOT)
    )
    return send(handler_input, Reply(speech=Speech().say(question),
                                     reprompt=Speech().say(question)))


class SetReminderHandler(AbstractRequestHandler):
    """"Remind me to reflect every day at 8 pm": say it back as a question."""

    def __init__(self, resources: Resources) -> None:
        self.resources = resources

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return request_name(handler_input) == SET_REMINDER

    def handle(self, handler_input: HandlerInput) -> Response:
        words, heard = _words(handler_input, self.resources)
        slot = slots_of(handler_input).get(TIME_SLOT)
        said = slot.value if slot is not None else None
        time = parse_time(said)
        if time is None:
            return _elicit(handler_input, words.unclear_time if said else words.ask_time)
        question = words.confirm.format(time=time.spoken)
        if handler_input.request_envelope.session is not None:
            handler_input.attributes_manager.session_attributes[PENDING] = time.slot
            handler_input.attributes_manager.request_attributes[_ASKED] = True
        reply = Reply(speech=Speech().say(question), reprompt=Speech().say(question),
                      state=heard.state.but(offer=None))
        return send(handler_input, reply)


def pending_time(handler_input: HandlerInput) -> ClockTime | None:
    """The reminder waiting for yes or no in this session, if any."""
    if handler_input.request_envelope.session is None:
        return None
    return parse_time(handler_input.attributes_manager.session_attributes.get(PENDING))


class ConfirmReminderHandler(AbstractRequestHandler):
    """Yes or no to "shall I remind you every day at 8 PM?"."""

    def __init__(self, resources: Resources) -> None:
        self.resources = resources

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return request_name(handler_input) in (YES, NO) and pending_time(handler_input) is not None

    def handle(self, handler_input: HandlerInput) -> Response:
        time = pending_time(handler_input)
        assert time is not None
        words, heard = _words(handler_input, self.resources)
        if request_name(handler_input) == NO:
            return send(handler_input, _kept_open(self.resources.guidebook.words.reprompt,
                                                  words.declined, heard=heard))
        if not granted(handler_input):
            # Alexa asks, in its own voice; the answer comes back as Connections.Response.
            handler_input.response_builder.add_directive(SendRequestDirective(
                name=ASK_FOR,
                payload={
                    "@type": "AskForPermissionsConsentRequest",
                    "@version": "1",
                    "permissionScope": REMINDERS_SCOPE,
                },
                token=ask_token(time),
            ))
            return handler_input.response_builder.response
        return _guarded(lambda hi, res: create_reminder(hi, res, time))(
            handler_input, self.resources
        )


class PermissionResponseHandler(AbstractRequestHandler):
    """The listener's answer to Alexa's permission question: set the reminder, or not."""

    def __init__(self, resources: Resources) -> None:
        self.resources = resources

    def can_handle(self, handler_input: HandlerInput) -> bool:
        request = handler_input.request_envelope.request
        return request_name(handler_input) == PERMISSION_RESPONSE and (
            getattr(request, "name", None) == ASK_FOR
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        request: Any = handler_input.request_envelope.request
        code = getattr(request.status, "code", None) if request.status else None
        payload = request.payload if isinstance(request.payload, dict) else {}
        answer = payload.get("status")
        time = time_from_token(request.token)
        words, heard = _words(handler_input, self.resources)
        reprompt = self.resources.guidebook.words.reprompt
        if answer == "DENIED":
            return send(handler_input, _kept_open(reprompt, words.permission_denied,
                                                  heard=heard))
        if str(code) != "200" or answer != "ACCEPTED" or time is None:
            # No voice consent on this device, or no answer: the Alexa app can ask instead.
            return permission_card_reply(handler_input, self.resources)
        return _guarded(lambda hi, res: create_reminder(hi, res, time))(
            handler_input, self.resources
        )


def _listed(handler_input: HandlerInput) -> list[Mapping[str, Any]]:
    """The skill's reminders that will still ring, as the API lists them (only this skill's).

    Read as plain JSON: ask-sdk-model's `GetRemindersResponse` cannot be built from a reminder
    with `alertInfo` (its type names a module the package does not have).
    """
    if not granted(handler_input):
        raise NeedsPermission
    service = _service(handler_input, "get_reminder_management_service")
    system = handler_input.request_envelope.context.system
    answer = service.invoke(
        method="GET",
        endpoint=system.api_endpoint,
        path=REMINDERS_PATH,
        query_params=[],
        header_params=[
            ("Content-type", "application/json"),
            ("Authorization", f"Bearer {system.api_access_token}"),
        ],
        path_params={},
        response_definitions=_LIST_ANSWERS,
        body=None,
        response_type="object",
    )
    return active(answer.body)


def list_reminders(handler_input: HandlerInput, resources: Resources) -> Response:
    """"What reminders do I have": this skill's reminders that will still ring, by time."""
    words, heard = _words(handler_input, resources)
    times = [time for time in map(reminder_time, _listed(handler_input)) if time is not None]
    if not times:
        said = words.none
    elif len(times) == 1:
        said = words.one.format(time=times[0].spoken)
    else:
        said = words.many.format(count=len(times), time=spoken_times(times))
    card = Card(words.card_title, said)
    return send(handler_input, _kept_open(resources.guidebook.words.reprompt, said,
                                          card=card, heard=heard))


def stop_reminders(handler_input: HandlerInput, resources: Resources) -> Response:
    """"Stop my reflection reminders": delete every reminder this skill set."""
    words, heard = _words(handler_input, resources)
    alerts = _listed(handler_input)
    service = _service(handler_input, "get_reminder_management_service")
    for alert in alerts:
        service.delete_reminder(alert["alertToken"])
    said = words.stopped if alerts else words.none
    card = Card(words.card_title, said)
    return send(handler_input, _kept_open(resources.guidebook.words.reprompt, said,
                                          card=card, heard=heard))


class ReminderListHandler(AbstractRequestHandler):
    """Lists or stops the skill's reminders, by the intent asked."""

    def __init__(self, resources: Resources) -> None:
        self.resources = resources
        self.answers = {LIST_REMINDERS: list_reminders, STOP_REMINDERS: stop_reminders}

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return request_name(handler_input) in self.answers

    def handle(self, handler_input: HandlerInput) -> Response:
        answer = self.answers[request_name(handler_input)]
        return _guarded(answer)(handler_input, self.resources)


class PendingReminderInterceptor(AbstractResponseInterceptor):
    """A reminder said back waits one turn: any answer but the one to it drops it."""

    def process(self, handler_input: HandlerInput, response: Response | None) -> None:
        if handler_input.request_envelope.session is None:
            return
        if not handler_input.attributes_manager.request_attributes.get(_ASKED):
            handler_input.attributes_manager.session_attributes.pop(PENDING, None)


def handlers(resources: Resources) -> Sequence[AbstractRequestHandler]:
    """Setting, confirming, listing and stopping reminders, and the permission's answer."""
    return (
        ConfirmReminderHandler(resources),
        SetReminderHandler(resources),
        PermissionResponseHandler(resources),
        ReminderListHandler(resources),
    )
