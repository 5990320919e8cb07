"""SSML building: text preparation step by step, and Alexa's limits enforced."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skill.runtime.speech import (
    MAX_SSML_CHARS,
    Speech,
    SpeechError,
    collapse_whitespace,
    drop_list_marker,
    drop_symbols,
    drop_unreadable,
    escape,
    prepare,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("❌ “It’s selfish.”", " “It’s selfish.”"),
        ("Healthy family is everything.", "Healthy family is everything."),
        ("self-preservation—and peace", "self-preservation—and peace"),
        ("LGBTQ+ and proud 🏳️‍🌈", "LGBTQ+ and proud "),
        ("✅ done", " done"),
    ],
)
def test_pictographs_are_dropped_but_words_and_punctuation_stay(text: str, expected: str) -> None:
    assert drop_symbols(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bell\x07 escape\x1b", "bell escape"),
        ("tab\tnew\nline", "tab\tnew\nline"),
        ("\ud800x", "x"),
    ],
)
def test_characters_xml_cannot_carry_are_dropped(text: str, expected: str) -> None:
    assert drop_unreadable(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("  two   spaces\tand\na line ", "two spaces and a line"), ("", ""), ("one", "one")],
)
def test_whitespace_collapses_to_single_spaces(text: str, expected: str) -> None:
    assert collapse_whitespace(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- Years of emotional abuse", "Years of emotional abuse"),
        ("-1 is a number", "-1 is a number"),
        ("self-care - daily", "self-care - daily"),
    ],
)
def test_a_leading_bullet_is_not_read_as_dash(text: str, expected: str) -> None:
    assert drop_list_marker(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tom & Jerry", "Tom &amp; Jerry"),
        ("a <b> c", "a &lt;b&gt; c"),
        ("it's \"fine\"", "it's \"fine\""),
    ],
)
def test_reserved_characters_are_escaped(text: str, expected: str) -> None:
    assert escape(text) == expected


def test_preparation_runs_every_step_in_order() -> None:
    assert prepare("- ❌  Guilt & shame <now>") == "Guilt &amp; shame &lt;now&gt;"


@given(st.text())
def test_any_text_becomes_well_formed_ssml(text: str) -> None:
    ssml = Speech().say(text).paragraph(text).ssml()
    assert ElementTree.fromstring(ssml).tag == "speak"


def test_sentences_join_with_single_spaces_and_skip_empty_ones() -> None:
    speech = Speech().say("Hello.", "", "  ").say("Goodbye.")
    assert speech.ssml() == "<speak>Hello. Goodbye.</speak>"


def test_clips_are_counted_with_their_length() -> None:
    speech = Speech().play("https://a.example/1.mp3", 30.5).play("https://a.example/2.mp3", 10)
    assert (speech.audio_tags, speech.audio_seconds) == (2, 40.5)
    assert speech.ssml() == (
        '<speak><audio src="https://a.example/1.mp3"/>'
        '<audio src="https://a.example/2.mp3"/></speak>'
    )


def test_clip_urls_are_escaped_inside_the_attribute() -> None:
    speech = Speech().play('https://a.example/x.mp3?a=1&b="2"', 1)
    assert 'src="https://a.example/x.mp3?a=1&amp;b=&quot;2&quot;"' in speech.ssml()


def test_a_sixth_clip_is_refused() -> None:
    speech = Speech()
    for number in range(6):
        speech = speech.play(f"https://a.example/{number}.mp3", 1)
    with pytest.raises(SpeechError, match="6 audio clips"):
        speech.ssml()


def test_more_than_240_seconds_of_audio_is_refused() -> None:
    speech = Speech().play("https://a.example/1.mp3", 200).play("https://a.example/2.mp3", 41)
    assert speech.fits() is False
    with pytest.raises(SpeechError, match=r"241\.0 s of audio"):
        speech.ssml()


def test_a_reprompt_allows_only_90_seconds_of_audio() -> None:
    speech = Speech().play("https://a.example/1.mp3", 91)
    assert speech.fits()
    with pytest.raises(SpeechError, match="at most 90 s"):
        speech.ssml(reprompt=True)


def test_speech_over_8000_characters_is_refused() -> None:
    speech = Speech().say("a" * (MAX_SSML_CHARS - len("<speak></speak>")))
    assert len(speech.ssml()) == MAX_SSML_CHARS
    with pytest.raises(SpeechError, match="characters"):
        speech.say("b").ssml()


def test_room_can_be_kept_for_a_question() -> None:
    speech = Speech().say("a" * 7500)
    assert speech.fits()
    assert not speech.fits(room=600)


@pytest.mark.parametrize(
    ("seconds", "tag"), [(0.7, '<break time="700ms"/>'), (10, '<break time="10000ms"/>')]
)
def test_pauses_render_in_milliseconds(seconds: float, tag: str) -> None:
    assert Speech().pause(seconds).body == tag


@pytest.mark.parametrize("seconds", [0, -1, 10.5])
def test_pauses_outside_what_alexa_honours_are_refused(seconds: float) -> None:
    with pytest.raises(SpeechError, match="pause"):
        Speech().pause(seconds)


def test_then_joins_two_speeches_and_adds_their_audio() -> None:
    first = Speech().say("One.").play("https://a.example/1.mp3", 5)
    joined = first.then(Speech().say("Two.")).then(Speech().play("https://a.example/2.mp3", 6))
    assert joined.ssml() == (
        '<speak>One.<audio src="https://a.example/1.mp3"/> Two.'
        '<audio src="https://a.example/2.mp3"/></speak>'
    )
    assert (joined.audio_tags, joined.audio_seconds) == (2, 11)
