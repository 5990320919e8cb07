"""Responses made readable: SSML as text, clips named from the manifest, the rest described."""

from __future__ import annotations

import pytest

from audio.manifest import Manifest, Part, SectionEntry, clip_key
from skill.simulator.transcript import (
    Card,
    ClipIndex,
    Segment,
    describe_request,
    speech_segments,
    to_turn,
)

FINGERPRINT = "ab" * 32
SHA256 = "cd" * 32
BASE = "https://audio.example.org/store"


def section(section_id: str, title: str, parts: int) -> SectionEntry:
    return SectionEntry(
        id=section_id,
        title=title,
        fingerprint=FINGERPRINT,
        parts=tuple(
            Part(key=clip_key(section_id, SHA256, n), sha256=SHA256, bytes=100, duration=3.5)
            for n in range(1, parts + 1)
        ),
    )


@pytest.fixture(scope="module")
def clips() -> ClipIndex:
    manifest = Manifest(
        voice="piper:test",
        render="test",
        sections=(section("regret", "Will You Regret It?", 2), section("holidays", "Holidays", 1)),
    )
    return ClipIndex.from_manifest(manifest)


def url(section_id: str, number: int) -> str:
    return f"{BASE}/{clip_key(section_id, SHA256, number)}"


def text(value: str) -> Segment:
    return Segment(text=value)


@pytest.mark.parametrize(
    ("ssml", "expected"),
    [
        ("<speak>Hello there.</speak>", "Hello there."),
        ("<speak>One.<break time='500ms'/>Two.</speak>", "One. Two."),
        ("<speak>Tom &amp; Jerry say &quot;hi&quot;</speak>", 'Tom & Jerry say "hi"'),
        ('<speak><emphasis level="strong">Really</emphasis>   matters</speak>', "Really matters"),
        ('<speak><say-as interpret-as="digits">988</say-as></speak>', "988"),
        ('<speak><amazon:effect name="whispered">quietly</amazon:effect></speak>', "quietly"),
    ],
)
def test_ssml_reads_as_plain_text(ssml: str, expected: str, clips: ClipIndex) -> None:
    assert speech_segments({"type": "SSML", "ssml": ssml}, clips) == (text(expected),)


def test_each_paragraph_is_its_own_piece_of_text(clips: ClipIndex) -> None:
    ssml = "<speak><p>First one.</p><p>Second <s>and</s> last.</p></speak>"
    assert speech_segments({"type": "SSML", "ssml": ssml}, clips) == (
        text("First one."), text("Second and last."),
    )


def test_plain_text_speech_is_kept_as_is(clips: ClipIndex) -> None:
    speech = {"type": "PlainText", "text": "Goodbye for now."}
    assert speech_segments(speech, clips) == (text("Goodbye for now."),)


def test_a_clip_is_shown_in_place_with_its_section_title_and_part(clips: ClipIndex) -> None:
    ssml = f'<speak>Here it is.<audio src="{url("regret", 2)}"/>Shall I go on?</speak>'
    before, clip, after = speech_segments({"type": "SSML", "ssml": ssml}, clips)
    assert (before, after) == (text("Here it is."), text("Shall I go on?"))
    assert clip.clip is not None
    assert clip.clip.url == url("regret", 2)
    assert clip.clip.label == "Will You Regret It? (part 2 of 2)"


def test_a_single_part_clip_is_named_by_its_title_alone(clips: ClipIndex) -> None:
    assert clips.clip(url("holidays", 1)).label == "Holidays"


def test_a_clip_the_manifest_does_not_list_is_named_by_its_file(clips: ClipIndex) -> None:
    clip = clips.clip("https://elsewhere.example.org/sounds/chime.mp3")
    assert clip.place is None and clip.label == "chime.mp3"


def test_a_url_with_escaped_ampersands_is_unescaped(clips: ClipIndex) -> None:
    ssml = f'<speak><audio src="{url("holidays", 1)}?a=1&amp;b=2"/></speak>'
    (clip,) = speech_segments({"type": "SSML", "ssml": ssml}, clips)
    assert clip.clip is not None and clip.clip.url.endswith("?a=1&b=2")
    assert clip.clip.label == "Holidays"


def intent_request(slots: dict) -> dict:
    return {"request": {"type": "IntentRequest", "intent": {"name": "TopicIntent", "slots": slots}}}


def test_a_request_is_described_with_its_slot_and_resolved_id() -> None:
    slot = {
        "name": "topic",
        "value": "guilt",
        "resolutions": {"resolutionsPerAuthority": [{
            "authority": "amzn1.er-authority.echo-sdk.x.SectionTopic",
            "status": {"code": "ER_SUCCESS_MATCH"},
            "values": [{"value": {"name": "guilt", "id": "guilt-trips"}}],
        }]},
    }
    assert describe_request(intent_request({"topic": slot})) == (
        "TopicIntent (topic: 'guilt' → guilt-trips)"
    )


def test_an_unmatched_slot_value_is_described_as_no_match() -> None:
    slot = {
        "name": "topic",
        "value": "astrology",
        "resolutions": {"resolutionsPerAuthority": [{
            "authority": "amzn1.er-authority.echo-sdk.x.SectionTopic",
            "status": {"code": "ER_SUCCESS_NO_MATCH"},
        }]},
    }
    assert describe_request(intent_request({"topic": slot})) == (
        "TopicIntent (topic: 'astrology', no match)"
    )


def test_an_empty_slot_is_left_out_of_the_description() -> None:
    request = intent_request({"topic": {"name": "topic", "confirmationStatus": "NONE"}})
    assert describe_request(request) == "TopicIntent"


def test_a_turn_shows_reprompt_card_and_directives(clips: ClipIndex) -> None:
    response = {
        "version": "1.0",
        "response": {
            "outputSpeech": {"type": "SSML", "ssml": "<speak>Playing the guide.</speak>"},
            "reprompt": {"outputSpeech": {"type": "SSML", "ssml": "<speak>Still there?</speak>"}},
            "card": {"type": "Simple", "title": "Guide", "content": "Listening"},
            "directives": [
                {"type": "AudioPlayer.Play", "playBehavior": "REPLACE_ALL", "audioItem": {
                    "stream": {"url": url("regret", 1), "token": "regret:1:abc",
                               "offsetInMilliseconds": 75000}}},
                {"type": "AudioPlayer.ClearQueue", "clearBehavior": "CLEAR_ENQUEUED"},
                {"type": "AudioPlayer.Stop"},
            ],
            "shouldEndSession": True,
        },
    }
    turn = to_turn({"request": {"type": "LaunchRequest"}}, response, clips)
    assert turn.request == "LaunchRequest"
    assert turn.speech == (text("Playing the guide."),)
    assert turn.reprompt == (text("Still there?"),)
    assert turn.card == Card("Guide", "Listening")
    played = f"Will You Regret It? (part 1 of 2) from 1:15 <{url('regret', 1)}>"
    assert turn.directives == (
        f"AudioPlayer.Play REPLACE_ALL: {played}",
        "AudioPlayer.ClearQueue CLEAR_ENQUEUED",
        "AudioPlayer.Stop",
    )
    assert turn.ends_session is True


def test_a_screen_document_is_named_by_the_title_it_shows(clips: ClipIndex) -> None:
    directive = {"type": "Alexa.Presentation.APL.RenderDocument", "token": "t", "document": {},
                 "datasources": {"screen": {"title": "Guilt &amp; Boundaries", "text": ""}}}
    response = {"version": "1.0", "response": {"directives": [directive]}}
    turn = to_turn({"request": {"type": "LaunchRequest"}}, response, clips)
    screen = "Alexa.Presentation.APL.RenderDocument (screen): Guilt & Boundaries"
    assert turn.directives == (screen,)


def test_an_empty_response_makes_an_empty_turn(clips: ClipIndex) -> None:
    request = {"request": {"type": "AudioPlayer.PlaybackStarted"}}
    turn = to_turn(request, {"version": "1.0", "response": {}}, clips)
    assert (turn.request, turn.speech, turn.directives, turn.card) == (
        "AudioPlayer.PlaybackStarted", (), (), None,
    )


def test_a_run_of_breaks_as_long_as_a_space_to_think_is_shown_as_quiet(clips: ClipIndex) -> None:
    ssml = (
        "<speak>Think about this.<break time=\"10000ms\"/><break time=\"10000ms\"/>"
        "<break time=\"5s\"/>Now the next.<break time=\"6000ms\"/>Done.</speak>"
    )
    assert speech_segments({"type": "SSML", "ssml": ssml}, clips) == (
        Segment(text="Think about this."),
        Segment(quiet=25.0),
        Segment(text="Now the next. Done."),
    )


def test_a_reflections_space_clip_is_marked_as_one() -> None:
    space = section("reflect-space", "Space to think", 1)
    prompt = section("reflect-regret-1", "Guided reflection: Regret", 1)
    manifest = Manifest(voice="v", render="r", sections=(section("regret", "Regret", 1),),
                        reflections=(prompt, space))
    index = ClipIndex.from_manifest(manifest)
    assert index.clip(f"{BASE}/{space.parts[0].key}").place.space
    named = index.clip(f"{BASE}/{prompt.parts[0].key}")
    assert named.label == "Guided reflection: Regret" and not named.place.space
