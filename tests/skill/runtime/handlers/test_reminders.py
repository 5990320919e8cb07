"""Daily reflection reminders, against the Reminders and Settings APIs on loopback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from skill.runtime.api_client import StdlibApiClient
from skill.runtime.builder import build_skill
from skill.runtime.config import SkillConfig
from skill.runtime.guidebook import load_guidebook
from skill.runtime.intents import REMINDERS_SCOPE
from skill.simulator.api_server import SimulatedAlexa as Apis
from tests.skill.alexa_api import TIME_ZONE, TOKEN, add_reminder, alexa_api, reminders
from tests.skill.conftest import Device, Handler, handler_for, intent, plain_text

WORDS = load_guidebook().reminders
CRISIS_MESSAGE = load_guidebook().crisis.message


@pytest.fixture(scope="module")
def skill() -> Handler:
    return handler_for(build_skill(SkillConfig()))


@pytest.fixture
def api() -> Iterator[Apis]:
    with alexa_api() as running:
        yield running


def time_slot(value: str | None) -> dict[str, Any]:
    slot: dict[str, Any] = {"name": "time", "confirmationStatus": "NONE"}
    if value is not None:
        slot["value"] = value
    return slot


class Talk:
    """A conversation on a speaker whose requests name the loopback API and a token."""

    def __init__(self, skill: Handler, api: Apis, *, granted: bool = True,
                 locale: str = "en-US") -> None:
        self.skill, self.api, self.granted = skill, api, granted
        self.device = Device(locale=locale)
        self.attributes: dict[str, Any] = {}

    def send(self, request: dict[str, Any]) -> dict[str, Any]:
        envelope = self.device.envelope(request, attributes=self.attributes)
        system = envelope["context"]["System"]
        system["apiEndpoint"], system["apiAccessToken"] = self.api.url, TOKEN
        if self.granted:
            system["user"]["permissions"] = {
                "consentToken": TOKEN, "scopes": {REMINDERS_SCOPE: {"status": "GRANTED"}},
            }
        response = self.skill(envelope)
        self.attributes = response.get("sessionAttributes") or {}
        return response

    def say(self, name: str, **slots: Any) -> dict[str, Any]:
        return self.send(intent(name, **slots))


def spoken(response: dict[str, Any]) -> str:
    return plain_text(response["response"].get("outputSpeech", {}).get("ssml", ""))


def directives(response: dict[str, Any]) -> list[dict[str, Any]]:
    return response["response"].get("directives", [])


def test_a_reminder_is_said_back_and_set_only_on_yes(skill: Handler, api: Apis) -> None:
    talk = Talk(skill, api)
    asked = talk.say("SetReminderIntent", time=time_slot("20:00"))
    assert WORDS.confirm.format(time="8 PM") in spoken(asked)
    assert asked["response"]["shouldEndSession"] is False
    assert reminders(api) == {}

    done = talk.say("AMAZON.YesIntent")
    assert WORDS.created.format(time="8 PM") in spoken(done)
    assert done["response"]["card"]["title"] == WORDS.card_title
    (reminder,) = reminders(api).values()
    trigger = reminder["trigger"]
    assert trigger["type"] == "SCHEDULED_ABSOLUTE"
    assert trigger["timeZoneId"] == TIME_ZONE
    assert trigger["recurrence"]["recurrenceRules"] == [
        "FREQ=DAILY;BYHOUR=20;BYMINUTE=0;BYSECOND=0;INTERVAL=1"
    ]
    assert trigger["recurrence"]["startDateTime"][11:19] == "20:00:00"
    assert reminder["alertInfo"]["spokenInfo"]["content"] == [
        {"locale": "en-US", "text": WORDS.text}
    ]
    assert ("GET", "/v2/devices/amzn1.ask.device.TEST/settings/System.timeZone") in api.calls


def test_no_sets_nothing_and_the_question_is_not_kept(skill: Handler, api: Apis) -> None:
    talk = Talk(skill, api)
    talk.say("SetReminderIntent", time=time_slot("07:30"))
    declined = talk.say("AMAZON.NoIntent")
    assert WORDS.declined in spoken(declined)
    assert reminders(api) == {} and "reminder" not in talk.attributes


def test_the_time_waits_one_turn_only(skill: Handler, api: Apis) -> None:
    talk = Talk(skill, api)
    talk.say("SetReminderIntent", time=time_slot("20:00"))
    talk.say("ReflectIntent")
    talk.say("AMAZON.YesIntent")
    assert reminders(api) == {}


@pytest.mark.parametrize(
    ("value", "question"),
    [(None, WORDS.ask_time), ("EV", WORDS.unclear_time), ("25:00", WORDS.unclear_time),
     ("banana", WORDS.unclear_time)],
)
def test_a_missing_or_unusable_time_is_asked_for_again(
    skill: Handler, api: Apis, value: str | None, question: str
) -> None:
    response = Talk(skill, api).say("SetReminderIntent", time=time_slot(value))
    assert spoken(response) == question
    (elicit,) = directives(response)
    assert elicit["type"] == "Dialog.ElicitSlot" and elicit["slotToElicit"] == "time"
    assert elicit["updatedIntent"]["name"] == "SetReminderIntent"
    assert response["response"]["shouldEndSession"] is False
    assert list(api.calls) == []


def test_without_permission_alexa_asks_by_voice(skill: Handler, api: Apis) -> None:
    talk = Talk(skill, api, granted=False)
    talk.say("SetReminderIntent", time=time_slot("21:15"))
    response = talk.say("AMAZON.YesIntent")
    (ask,) = directives(response)
    assert ask["type"] == "Connections.SendRequest" and ask["name"] == "AskFor"
    assert ask["payload"] == {
        "@type": "AskForPermissionsConsentRequest", "@version": "1",
        "permissionScope": REMINDERS_SCOPE,
    }
    assert "outputSpeech" not in response["response"]
    assert "shouldEndSession" not in response["response"]

    talk.granted = True
    answered = talk.send(permission_answer("ACCEPTED", ask["token"]))
    assert WORDS.created.format(time="9:15 PM") in spoken(answered)
    (reminder,) = reminders(api).values()
    assert "BYHOUR=21;BYMINUTE=15" in reminder["trigger"]["recurrence"]["recurrenceRules"][0]


def permission_answer(status: str, token: str, code: str = "200") -> dict[str, Any]:
    return {
        "type": "Connections.Response", "name": "AskFor", "token": token,
        "status": {"code": code, "message": "OK"},
        "payload": {"permissionScope": REMINDERS_SCOPE, "status": status},
    }


def test_a_denied_permission_sets_nothing(skill: Handler, api: Apis) -> None:
    response = Talk(skill, api, granted=False).send(permission_answer("DENIED", "reminder:20:00"))
    assert WORDS.permission_denied in spoken(response)
    assert "card" not in response["response"] and list(api.calls) == []


@pytest.mark.parametrize(("status", "code"), [("NOT_ANSWERED", "200"), ("ACCEPTED", "400")])
def test_without_voice_consent_a_card_asks_in_the_alexa_app(
    skill: Handler, api: Apis, status: str, code: str
) -> None:
    response = Talk(skill, api, granted=False).send(
        permission_answer(status, "reminder:20:00", code)
    )
    assert WORDS.permission_card in spoken(response)
    assert response["response"]["card"] == {
        "type": "AskForPermissionsConsent", "permissions": [REMINDERS_SCOPE]
    }
    assert reminders(api) == {}


@pytest.mark.parametrize("status", [401, 403])
def test_a_refused_token_asks_for_the_permission_again(
    skill: Handler, api: Apis, status: int
) -> None:
    talk = Talk(skill, api)
    talk.say("SetReminderIntent", time=time_slot("20:00"))
    api.fail_next(status)
    response = talk.say("AMAZON.YesIntent")
    assert WORDS.permission_card in spoken(response)
    assert response["response"]["card"]["type"] == "AskForPermissionsConsent"


def test_a_revoked_permission_is_a_card_not_an_apology(skill: Handler, api: Apis) -> None:
    api.revoke(TOKEN)
    response = Talk(skill, api).say("ListRemindersIntent")
    assert WORDS.permission_card in spoken(response)
    assert load_guidebook().words.error not in spoken(response)


@pytest.mark.parametrize("status", [429, 500, 503])
def test_a_failing_api_gets_a_kind_sentence_and_a_card(
    skill: Handler, api: Apis, status: int
) -> None:
    talk = Talk(skill, api)
    talk.say("SetReminderIntent", time=time_slot("20:00"))
    api.fail_next(status, "POST")  # the time zone answers, then the reminder fails
    response = talk.say("AMAZON.YesIntent")
    assert spoken(response).startswith(WORDS.unavailable)
    assert response["response"]["card"] == {
        "type": "Simple", "title": WORDS.card_title, "content": WORDS.unavailable
    }
    assert load_guidebook().words.error not in spoken(response)
    assert response["response"]["shouldEndSession"] is False
    assert reminders(api) == {}


def test_a_silent_api_times_out_kindly(api: Apis) -> None:
    timed = handler_for(build_skill(SkillConfig(), api_client=StdlibApiClient(timeout=0.2)))
    api.delay = 1.0
    response = Talk(timed, api).say("ListRemindersIntent")
    assert spoken(response).startswith(WORDS.unavailable)


def test_no_api_call_is_made_once_the_requests_budget_is_spent(api: Apis) -> None:
    spent = handler_for(build_skill(SkillConfig(request_budget_seconds=0.05)))
    talk = Talk(spent, api)
    talk.say("SetReminderIntent", time=time_slot("20:00"))
    response = talk.say("AMAZON.YesIntent")
    assert spoken(response).startswith(WORDS.unavailable)
    assert list(api.calls) == [] and reminders(api) == {}


def test_a_device_without_a_time_zone_is_not_guessed(skill: Handler, api: Apis) -> None:
    api.open(TOKEN, time_zone=None, scopes=(REMINDERS_SCOPE,))
    talk = Talk(skill, api)
    talk.say("SetReminderIntent", time=time_slot("20:00"))
    talk.say("AMAZON.YesIntent")
    (reminder,) = reminders(api).values()
    assert reminder["trigger"].get("timeZoneId") is None


def test_reminders_are_listed_by_time(skill: Handler, api: Apis) -> None:
    talk = Talk(skill, api)
    assert spoken(talk.say("ListRemindersIntent")).startswith(WORDS.none)
    add_reminder(api, 20)
    assert spoken(talk.say("ListRemindersIntent")).startswith(WORDS.one.format(time="8 PM"))
    add_reminder(api, 7, 30)
    add_reminder(api, 9, status="COMPLETED")
    listed = spoken(talk.say("ListRemindersIntent"))
    assert listed.startswith(WORDS.many.format(count=2, time="7:30 AM and 8 PM"))


def test_stopping_deletes_every_reminder_of_the_skill(skill: Handler, api: Apis) -> None:
    add_reminder(api, 20)
    add_reminder(api, 8)
    response = Talk(skill, api).say("StopRemindersIntent")
    assert spoken(response).startswith(WORDS.stopped)
    assert reminders(api) == {}
    assert len([call for call in api.calls if call[0] == "DELETE"]) == 2
    again = Talk(skill, api).say("StopRemindersIntent")
    assert spoken(again).startswith(WORDS.none)


def test_listing_without_permission_sends_the_card(skill: Handler, api: Apis) -> None:
    response = Talk(skill, api, granted=False).say("ListRemindersIntent")
    assert response["response"]["card"]["type"] == "AskForPermissionsConsent"
    assert list(api.calls) == []


def test_danger_said_in_the_time_slot_gets_the_crisis_lines(skill: Handler, api: Apis) -> None:
    api.fail_next(500)
    response = Talk(skill, api).say("SetReminderIntent", time=time_slot("I want to die"))
    assert CRISIS_MESSAGE in spoken(response)
    assert list(api.calls) == []


def test_the_permission_is_declared_and_the_reminder_is_discreet() -> None:
    from pathlib import Path

    manifest = json.loads(Path("skill-package/skill.json").read_text())["manifest"]
    assert {"name": REMINDERS_SCOPE} in manifest["permissions"]
    assert len(WORDS.text) <= 200
