"""Safety: crisis lines first, in every locale, in Alexa's own voice, whatever was asked."""

from __future__ import annotations

import pytest

from content import LOCALES, default_guide
from skill.runtime import intents
from skill.runtime.builder import build_skill
from skill.runtime.catalog import parse_manifest
from skill.runtime.config import SkillConfig
from skill.runtime.playback import make_token
from tests.skill.conftest import (
    MANIFEST,
    Device,
    Handler,
    Session,
    check_response,
    clip_seconds,
    fixture_json,
    handler_for,
    intent,
    topic_slot,
)

CRISIS = default_guide().skill.crisis
# Danger as a topic slot catches it: fragments in people's own words, none a stored phrase.
FRAGMENTS = (
    "self harm", "killing myself", "hurting myself", "I feel suicidal", "suicidal thoughts",
    "i am suicidal", "im not safe", "being abused", "ending my life", "I am in danger",
)


@pytest.mark.parametrize("locale", LOCALES)
def test_the_crisis_answer_gives_the_locales_emergency_number_and_lines(
    audio_skill: Handler, locale: str
) -> None:
    said = Session(audio_skill, Device(locale=locale)).say(intents.CRISIS)
    lines = CRISIS.locales[locale]
    assert said.text.startswith(CRISIS.message)
    assert said.text.endswith(CRISIS.closing)
    for contact in (lines.emergency, *lines.lines):
        assert contact.say in said.text and contact.say in said.reprompt
        assert contact.number in said.card["content"]
    assert said.card["title"] == CRISIS.card_title
    assert not said.audio and "<audio" not in said.reprompt
    assert not said.ends


def test_the_emergency_number_comes_before_the_other_lines(audio_skill: Handler) -> None:
    text = Session(audio_skill, Device(locale="en-AU")).say(intents.CRISIS).text
    assert text.index("triple zero") < text.index("thirteen eleven fourteen")


def test_an_unknown_locale_still_hears_crisis_lines(audio_skill: Handler) -> None:
    said = Session(audio_skill, Device(locale="en-NZ")).say(intents.CRISIS)
    assert CRISIS.locales["en-US"].emergency.say in said.text


@pytest.mark.parametrize("fragment", FRAGMENTS)
def test_danger_said_as_a_topic_is_answered_with_crisis_lines(
    audio_skill: Handler, fragment: str
) -> None:
    said = Session(audio_skill).say(intents.TOPIC, topic=topic_slot(fragment))
    assert said.text.startswith(CRISIS.message) and not said.audio


def test_a_topic_alexa_resolved_to_the_crisis_value_is_answered_with_crisis_lines(
    audio_skill: Handler,
) -> None:
    slot = topic_slot("thinking of not being here", intents.CRISIS_TOPIC)
    said = Session(audio_skill).say(intents.TOPIC, topic=slot)
    assert said.text.startswith(CRISIS.message) and not said.audio


@pytest.mark.parametrize("name", [intents.REFLECT, intents.PLAY_GUIDE])
def test_danger_in_any_intents_slot_is_answered_first(audio_skill: Handler, name: str) -> None:
    said = Session(audio_skill).say(name, topic=topic_slot("I'm thinking about suicide"))
    assert said.text.startswith(CRISIS.message)


def test_danger_inside_a_matched_topic_still_reaches_crisis_lines(audio_skill: Handler) -> None:
    slot = topic_slot("my dad is hurting me and someone is hurting me", "is-it-okay")
    said = Session(audio_skill).say(intents.TOPIC, topic=slot)
    assert said.text.startswith(CRISIS.message)


def _detail(words: str) -> dict[str, object]:
    """The trailing free-form slot as Alexa fills it with words its list does not hold."""
    authority = "amzn1.er-authority.echo-sdk.skill.Detail"
    return {
        "name": "detail", "confirmationStatus": "NONE", "value": words, "source": "USER",
        "resolutions": {"resolutionsPerAuthority": [
            {"authority": authority, "status": {"code": "ER_SUCCESS_NO_MATCH"}}
        ]},
    }


def test_danger_in_the_rest_of_a_long_sentence_reaches_crisis_lines(audio_skill: Handler) -> None:
    # "my mum keeps guilt tripping me about cutting her off and last night I cut myself":
    # Alexa chose the topic, and handed over the rest in the trailing slot.
    tail = _detail("about cutting her off and last night i cut myself")
    said = Session(audio_skill).say("GuiltTripsSectionIntent", detail=tail)
    assert said.text.startswith(CRISIS.message) and not said.audio


@pytest.mark.parametrize("words", ["but I'm not in danger", "and this traffic is killing me"])
def test_a_denial_or_an_idiom_in_the_rest_of_a_sentence_still_hears_its_topic(
    audio_skill: Handler, words: str
) -> None:
    said = Session(audio_skill).say("GuiltTripsSectionIntent", detail=_detail(words))
    assert not said.text.startswith(CRISIS.message)
    assert said.audio or default_guide().section("guilt-trips").lines[0][:30] in said.text


def test_the_app_request_fixture_in_australia_hears_triple_zero(audio_skill: Handler) -> None:
    request = fixture_json("crisis_in_topic_app.json")
    said = check_response(request, audio_skill(request), clip_seconds())
    assert "triple zero" in said.text and "Lifeline" in said.text
    assert said.state == {"section": "holidays", "last": "crisis"}


def test_crisis_lines_are_spoken_even_when_audio_hosting_is_broken() -> None:
    broken = SkillConfig(manifest="/missing/manifest.json", audio_base_url="https://gone.example")
    session = Session(handler_for(build_skill(broken)), Device(locale="en-GB"))
    assert "nine nine nine" in session.say(intents.CRISIS).text


def test_the_crisis_answer_stops_the_guide_playing_on_the_device(audio_skill: Handler) -> None:
    sha256 = parse_manifest(MANIFEST.read_bytes())["holidays"][0].sha256
    envelope = Device().envelope(intent(intents.CRISIS), new=True)
    envelope["context"]["AudioPlayer"] = {
        "token": make_token("holidays", 1, sha256), "offsetInMilliseconds": 30_000,
        "playerActivity": "PLAYING",
    }
    said = check_response(envelope, audio_skill(envelope), clip_seconds())
    assert said.text.startswith(CRISIS.message) and not said.ends
    assert [d["type"] for d in said.body["directives"]] == [
        "AudioPlayer.Stop", "AudioPlayer.ClearQueue",
    ]


def test_the_crisis_answer_leaves_another_skills_audio_alone(audio_skill: Handler) -> None:
    envelope = Device().envelope(intent(intents.CRISIS), new=True)
    envelope["context"]["AudioPlayer"] = {
        "token": "another-skills-stream", "offsetInMilliseconds": 1_000,
        "playerActivity": "PLAYING",
    }
    said = check_response(envelope, audio_skill(envelope), clip_seconds())
    assert said.text.startswith(CRISIS.message) and "directives" not in said.body


def test_repeat_after_the_crisis_answer_says_the_numbers_again(session: Session) -> None:
    first = session.say(intents.CRISIS)
    again = session.say(intents.REPEAT)
    assert again.text == first.text
