"""skill/preflight/behaviour.py and phrases.py on the skill's real answers (en-US and en-GB,
on a speaker and in the app): every check passes, and fails naming the fix when one answer has
its problem planted."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from skill.preflight import behaviour, phrases
from skill.preflight.exchanges import Asked
from skill.preflight.findings import Status
from skill.runtime.guidebook import load_guidebook
from skill.simulator.device import Exchange

pytestmark = pytest.mark.slow  # the simulator learns each locale's model once (kept on disk)

GUIDEBOOK = load_guidebook()
WORDS = GUIDEBOOK.words
SPOKEN = {locale: GUIDEBOOK.crisis.numbers(locale, spoken=True) for locale in ("en-US", "en-GB")}


def plant(asked: list[Asked], where: Callable[[Asked], bool],
          fault: Callable[[dict[str, Any]], None]) -> list[Asked]:
    """The answers, with `fault` done to the response of the first answer `where` picks."""
    result, done = [], False
    for one in asked:
        if not done and where(one):
            response = copy.deepcopy(one.exchange.response)
            fault(response["response"])
            result.append(replace(one, exchange=Exchange(one.exchange.request, response)))
            done = True
        else:
            result.append(one)
    assert done, "nothing to plant the fault in"
    return result


def failures(findings) -> str:
    return " | ".join(f.detail for f in findings if f.failed)


def is_(intent: str) -> Callable[[Asked], bool]:
    return lambda a: a.intent == intent and a.in_session


def test_the_skill_passes_every_behaviour_check(asked: list[Asked]) -> None:
    checks = [
        behaviour.help_keeps_the_session_open(asked),
        behaviour.stop_and_cancel_end_politely(asked, WORDS.error),
        behaviour.open_sessions_reprompt(asked),
        behaviour.within_alexas_limits(asked),
        behaviour.welcome_has_the_disclaimer(asked),
        behaviour.crisis_lines_per_locale(asked, SPOKEN),
        behaviour.every_intent_answered(asked, WORDS.fallback, WORDS.error,
                                        {a.intent for a in asked if a.intent}),
    ]
    assert all(f.status is Status.PASS for found in checks for f in found), checks
    assert any(a.request["type"] == "AudioPlayer.PlaybackFinished" for a in asked)


def test_help_that_ends_the_session_fails(asked: list[Asked]) -> None:
    broken = plant(asked, is_("AMAZON.HelpIntent"),
                   lambda r: r.update(shouldEndSession=True, reprompt=None))

    found = behaviour.help_keeps_the_session_open(broken)
    assert "help must say what to do, keep the session open and reprompt" in failures(found)


def test_a_stop_that_keeps_listening_fails(asked: list[Asked]) -> None:
    broken = plant(asked, is_("AMAZON.StopIntent"), lambda r: r.update(shouldEndSession=False))

    assert "must say goodbye and end the session" in failures(
        behaviour.stop_and_cancel_end_politely(broken, WORDS.error))


def test_an_open_session_without_a_reprompt_fails(asked: list[Asked]) -> None:
    broken = plant(asked, lambda a: a.response.get("shouldEndSession") is False,
                   lambda r: r.pop("reprompt"))

    assert "must carry a reprompt" in failures(behaviour.open_sessions_reprompt(broken))


def test_speech_over_8000_characters_fails(asked: list[Asked]) -> None:
    broken = plant(asked, is_("AMAZON.HelpIntent"),
                   lambda r: r["outputSpeech"].update(ssml="<speak>" + "a" * 8000 + "</speak>"))

    assert "outputSpeech has 8,015 characters" in failures(behaviour.within_alexas_limits(broken))


def test_a_response_over_120_kb_fails(asked: list[Asked]) -> None:
    broken = plant(asked, is_("AMAZON.HelpIntent"),
                   lambda r: r.update(card={"type": "Simple", "content": "x" * 130_000}))

    assert "bytes: shorten the answer" in failures(behaviour.within_alexas_limits(broken))


def test_a_welcome_without_the_disclaimer_fails(asked: list[Asked]) -> None:
    broken = plant(asked, lambda a: a.request["type"] == "LaunchRequest",
                   lambda r: r["outputSpeech"].update(ssml="<speak>Welcome.</speak>"))

    assert "not therapy or medical advice" in failures(behaviour.welcome_has_the_disclaimer(broken))


def test_a_crisis_answer_without_the_locales_lines_fails(asked: list[Asked]) -> None:
    broken = plant(asked, lambda a: a.intent == "CrisisIntent" and a.locale == "en-GB",
                   lambda r: r["outputSpeech"].update(ssml="<speak>Call 911.</speak>"))

    found = failures(behaviour.crisis_lines_per_locale(broken, SPOKEN))
    assert "en-GB" in found and "crisis.locales" in found


def test_an_intent_only_the_catch_all_answers_fails(asked: list[Asked]) -> None:
    fallback = f"<speak>{WORDS.fallback}</speak>"
    broken = list(asked)
    for _ in [a for a in asked if a.intent == "AMAZON.StartOverIntent"]:
        broken = plant(broken, lambda a: a.intent == "AMAZON.StartOverIntent"
                       and WORDS.fallback not in behaviour.speech(a),
                       lambda r: r["outputSpeech"].update(ssml=fallback))

    found = behaviour.every_intent_answered(broken, WORDS.fallback, WORDS.error,
                                            ["AMAZON.StartOverIntent"])
    assert "AMAZON.StartOverIntent is answered only by the catch-all" in failures(found)


def test_an_answer_from_the_error_handler_fails(asked: list[Asked]) -> None:
    broken = plant(asked, is_("ReflectIntent"),
                   lambda r: r["outputSpeech"].update(ssml=f"<speak>{WORDS.error}</speak>"))

    assert "the skill's error handler answered" in failures(
        behaviour.every_intent_answered(broken, WORDS.fallback, WORDS.error, []))


def test_the_committed_example_phrases_work(committed, send) -> None:
    found = phrases.example_phrases_work(
        committed.models, {k: committed.listings[k] for k in ("en-US", "en-GB")}, send,
        WORDS.fallback, WORDS.error)
    assert [f.status for f in found] == [Status.PASS]


def test_an_example_phrase_that_is_no_sample_fails(committed, send) -> None:
    listing = {"en-US": {"examplePhrases": [
        "Alexa, open no contact companion", "Alexa, ask no contact companion to bake a cake"]}}

    found = phrases.example_phrases_work(committed.models, listing, send, WORDS.fallback,
                                         WORDS.error)
    assert "'bake a cake' is no sample of any intent" in failures(found)


def test_an_example_phrase_the_skill_does_not_answer_fails(committed, send) -> None:
    def mute(envelope: dict) -> dict:
        answer = send(envelope)
        answer["response"].pop("outputSpeech", None)
        return answer

    listing = {"en-US": {"examplePhrases": ["Alexa, ask no contact companion for help with guilt"]}}
    found = phrases.example_phrases_work(committed.models, listing, mute, WORDS.fallback,
                                         WORDS.error)
    assert "the skill does not answer it" in failures(found)


def test_request_part_takes_off_the_wake_word_launch_name_and_connector() -> None:
    name = "no contact companion"
    assert phrases.request_part("Alexa, ask no contact companion for help with guilt", name) \
        == "help with guilt"
    assert phrases.request_part("Alexa, open no contact companion", name) == ""
