"""Guided listening: the whole playback lifecycle as the requests an Echo sends, in order."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from skill.runtime import intents
from skill.runtime.builder import build_skill
from skill.runtime.catalog import parse_manifest
from skill.runtime.config import SkillConfig
from skill.runtime.guidebook import load_guidebook
from skill.runtime.persistence import persistence_adapter
from skill.runtime.playback import TOKEN_LIMIT, make_token, parse_token
from tests.skill.conftest import (
    MANIFEST,
    USER_ID,
    Device,
    Handler,
    Said,
    check_response,
    clip_seconds,
    event,
    handler_for,
    intent,
    topic_slot,
)

WORDS = load_guidebook().words
PARTS = parse_manifest(MANIFEST.read_bytes())
SECONDS = clip_seconds()
FIRST, LAST = "introduction", "final-thoughts"


def token(section_id: str, part: int = 1) -> str:
    """The token of a clip in the fixture manifest."""
    return make_token(section_id, part, PARTS[section_id][part - 1].sha256)


@dataclass
class Echo:
    """A speaker talking to the skill: intents from the person, events from its player."""

    handler: Handler
    device: Device = field(default_factory=Device)
    player: dict[str, Any] = field(default_factory=lambda: {"playerActivity": "IDLE"})

    def holds(self, clip: str, offset_ms: int = 0, activity: str = "PLAYING") -> Echo:
        """Load a clip into the player, as the device reports it in every request."""
        self.player = {"token": clip, "offsetInMilliseconds": offset_ms, "playerActivity": activity}
        return self

    def say(self, name: str, *, in_conversation: bool = False, **slots: Any) -> Said:
        """An utterance: a new session unless a conversation is already open."""
        envelope = self.device.envelope(intent(name, **slots), new=not in_conversation)
        return self._send(envelope)

    def report(self, request_type: str, clip: str = "", offset_ms: int = 0, **fields: Any) -> Said:
        """A player or button event: sent outside any session."""
        body = {"token": clip, "offsetInMilliseconds": offset_ms} if clip else {}
        envelope = self.device.envelope(event(request_type, **body, **fields), in_session=False)
        return self._send(envelope)

    def listened(self, clip: str, offset_ms: int) -> Echo:
        """A clip started, played and stopped at `offset_ms` (pause, another app, ...)."""
        self.holds(clip).report("AudioPlayer.PlaybackStarted", clip)
        stopped = self.holds(clip, offset_ms, "STOPPED")
        stopped.report("AudioPlayer.PlaybackStopped", clip, offset_ms)
        return self

    def _send(self, envelope: dict[str, Any]) -> Said:
        if self.device.audio_player:
            envelope["context"]["AudioPlayer"] = dict(self.player)
        said = check_response(envelope, self.handler(envelope), SECONDS)
        if envelope["request"]["type"] != "IntentRequest":
            assert "shouldEndSession" not in said.body
        for directive in said.body.get("directives", ()):
            if directive["type"] == "AudioPlayer.Play":
                assert said.body.get("shouldEndSession") in (True, None)
                assert len(directive["audioItem"]["stream"]["token"]) <= TOKEN_LIMIT
        return said


def directives(said: Said) -> list[dict[str, Any]]:
    return said.body.get("directives", [])


def played(said: Said) -> dict[str, Any]:
    """The one stream a response plays, with its play behaviour."""
    plays = [d for d in directives(said) if d["type"] == "AudioPlayer.Play"]
    assert len(plays) == 1, directives(said)
    stream = plays[0]["audioItem"]["stream"]
    return {"behavior": plays[0]["playBehavior"], **stream}


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "listening.sqlite3"


@pytest.fixture
def skill(audio_config: SkillConfig, database: Path) -> Handler:
    """The audio skill keeping listening positions in a fresh SQLite file."""
    adapter = persistence_adapter(f"sqlite:{database}")
    return handler_for(build_skill(audio_config, adapter))


@pytest.fixture
def echo(skill: Handler) -> Echo:
    return Echo(skill)


def test_a_whole_listening_session_then_continuing_next_week(
    echo: Echo, audio_config: SkillConfig, database: Path
) -> None:
    first = played(echo.say(intents.PLAY_GUIDE, topic=topic_slot("regret", "regret")))
    echo.holds(first["token"]).report("AudioPlayer.PlaybackStarted", first["token"])
    queued = played(echo.report("AudioPlayer.PlaybackNearlyFinished", first["token"], 190_000))
    assert queued["expectedPreviousToken"] == first["token"] == token("regret", 1)
    echo.report("AudioPlayer.PlaybackFinished", first["token"], 200_000)
    echo.holds(queued["token"]).report("AudioPlayer.PlaybackStarted", queued["token"])
    paused = echo.holds(queued["token"], 61_000).say(intents.PAUSE)
    assert [d["type"] for d in directives(paused)] == ["AudioPlayer.Stop"]
    echo.report("AudioPlayer.PlaybackStopped", queued["token"], 61_250)
    restarted = build_skill(audio_config, persistence_adapter(f"sqlite:{database}"))
    next_week = Echo(handler_for(restarted))
    resumed = played(next_week.say(intents.CONTINUE_LISTENING))
    assert (resumed["token"], resumed["offsetInMilliseconds"]) == (token("regret", 2), 61_250)


def test_listening_positions_survive_in_dynamodb(
    audio_config: SkillConfig, moto_endpoint: str, aws_environment: None
) -> None:
    import boto3

    dynamodb = boto3.resource("dynamodb", endpoint_url=moto_endpoint)
    table = dynamodb.create_table(
        TableName=f"listening-{uuid.uuid4().hex[:8]}",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    adapter = persistence_adapter(f"dynamodb:{table.name}", dynamodb)
    echo = Echo(handler_for(build_skill(audio_config, adapter)))
    echo.listened(token("healing", 5), 41_000)
    resumed = played(Echo(echo.handler).say(intents.CONTINUE_LISTENING))
    assert (resumed["token"], resumed["offsetInMilliseconds"]) == (token("healing", 5), 41_000)
    echo.say(intents.FORGET_ME)
    assert table.scan()["Items"] == []


def test_play_the_whole_guide_streams_the_first_section_and_ends_the_session(echo: Echo) -> None:
    said = echo.say(intents.PLAY_GUIDE, topic=topic_slot(None))
    stream = played(said)
    assert stream["behavior"] == "REPLACE_ALL"
    assert stream["token"] == token(FIRST) and stream["offsetInMilliseconds"] == 0
    assert stream["url"].startswith("https://") and stream["url"] in SECONDS
    assert said.ends and "outputSpeech" not in said.body
    metadata = directives(said)[0]["audioItem"]["metadata"]
    assert metadata == {"title": "Introduction", "subtitle": WORDS.name}


def test_play_from_the_holidays_section_starts_there(echo: Echo) -> None:
    said = echo.say(intents.PLAY_GUIDE, topic=topic_slot("the holidays", "holidays"))
    assert played(said)["token"] == token("holidays")


def test_play_from_a_section_the_guide_lacks_asks_which_topic_instead(echo: Echo) -> None:
    said = echo.say(intents.PLAY_GUIDE, topic=topic_slot("knitting"))
    assert not directives(said) and not said.ends
    assert said.text.startswith(WORDS.no_match)


def test_tokens_name_section_and_part_not_a_position_in_a_list(echo: Echo) -> None:
    stream = played(echo.say(intents.PLAY_GUIDE, topic=topic_slot("regret", "regret")))
    parts = parse_token(stream["token"])
    assert (parts.section_id, parts.part) == ("regret", 1)
    assert PARTS["regret"][0].sha256.startswith(parts.digest)


def test_nearly_finished_queues_the_next_part_after_the_playing_one(echo: Echo) -> None:
    echo.holds(token("regret", 1))
    assert not directives(echo.report("AudioPlayer.PlaybackStarted", token("regret", 1)))
    stream = played(echo.report("AudioPlayer.PlaybackNearlyFinished", token("regret", 1), 150_000))
    assert stream["behavior"] == "ENQUEUE"
    assert stream["token"] == token("regret", 2)
    assert stream["expectedPreviousToken"] == token("regret", 1)
    assert stream["offsetInMilliseconds"] == 0


def test_the_last_part_of_a_section_queues_the_next_section(echo: Echo) -> None:
    echo.holds(token("regret", 2))
    stream = played(echo.report("AudioPlayer.PlaybackNearlyFinished", token("regret", 2)))
    assert stream["token"] == token("holidays")
    assert stream["expectedPreviousToken"] == token("regret", 2)


def test_a_repeated_nearly_finished_does_not_queue_the_next_clip_twice(echo: Echo) -> None:
    echo.holds(token("holidays"))
    echo.report("AudioPlayer.PlaybackStarted", token("holidays"))
    assert played(echo.report("AudioPlayer.PlaybackNearlyFinished", token("holidays"), 60_000))
    again = echo.report("AudioPlayer.PlaybackNearlyFinished", token("holidays"), 61_000)
    assert directives(again) == []


def test_the_next_clip_is_queued_again_once_it_has_started_and_nearly_finished(echo: Echo) -> None:
    for section_id, after in (("myths", "final-thoughts"), ("reconnecting", "myths")):
        echo.holds(token(section_id))
        echo.report("AudioPlayer.PlaybackStarted", token(section_id))
        queued = played(echo.report("AudioPlayer.PlaybackNearlyFinished", token(section_id)))
        assert queued["token"] == token(after)


def test_the_end_of_the_guide_queues_nothing(echo: Echo) -> None:
    echo.holds(token(LAST))
    assert directives(echo.report("AudioPlayer.PlaybackNearlyFinished", token(LAST))) == []


def test_a_finished_clip_moves_the_saved_place_to_the_next_one(echo: Echo, skill: Handler) -> None:
    echo.report("AudioPlayer.PlaybackFinished", token("holidays"), 74_000)
    later = Echo(skill).say(intents.CONTINUE_LISTENING)
    assert played(later)["token"] == token("healing", 1)
    assert played(later)["offsetInMilliseconds"] == 0


def test_finishing_the_guide_clears_the_place_and_continuing_starts_over(
    echo: Echo, database: Path
) -> None:
    echo.listened(token(LAST), 20_000)
    echo.report("AudioPlayer.PlaybackFinished", token(LAST), 49_600)
    said = Echo(echo.handler).say(intents.CONTINUE_LISTENING)
    assert played(said)["token"] == token(FIRST)
    assert said.text == WORDS.start_of_guide and said.ends


def test_pause_stops_the_audio_and_resume_plays_from_the_same_offset(echo: Echo) -> None:
    echo.holds(token("healing", 3), 12_000)
    paused = echo.say(intents.PAUSE)
    assert [d["type"] for d in directives(paused)] == ["AudioPlayer.Stop"]
    assert "outputSpeech" not in paused.body and paused.ends
    echo.report("AudioPlayer.PlaybackStopped", token("healing", 3), 12_480)
    resumed = played(echo.holds(token("healing", 3), 12_480, "STOPPED").say(intents.RESUME))
    assert resumed["behavior"] == "REPLACE_ALL"
    assert (resumed["token"], resumed["offsetInMilliseconds"]) == (token("healing", 3), 12_480)


def test_a_stop_that_reports_no_offset_keeps_the_saved_offset(echo: Echo, skill: Handler) -> None:
    echo.listened(token("healing", 5), 41_000)
    echo.holds(token("healing", 5), 41_000, "STOPPED").report(
        "AudioPlayer.PlaybackStopped", token=token("healing", 5)
    )
    resumed = played(Echo(skill).say(intents.CONTINUE_LISTENING))
    assert (resumed["token"], resumed["offsetInMilliseconds"]) == (token("healing", 5), 41_000)


def test_continue_where_i_left_off_next_week_on_a_restarted_skill(
    audio_config: SkillConfig, database: Path, echo: Echo
) -> None:
    echo.listened(token("regret", 2), 95_000)
    restarted = handler_for(build_skill(audio_config, persistence_adapter(f"sqlite:{database}")))
    said = Echo(restarted).say(intents.CONTINUE_LISTENING)
    assert (played(said)["token"], played(said)["offsetInMilliseconds"]) == (
        token("regret", 2), 95_000,
    )


def test_continue_right_after_opening_the_skill_resumes_the_audio(echo: Echo) -> None:
    echo.listened(token("myths"), 5_000)
    said = echo.say(intents.CONTINUE_LISTENING, in_conversation=True)
    assert played(said)["token"] == token("myths") and said.ends


def test_next_skips_the_rest_of_a_section_to_the_next_section(echo: Echo) -> None:
    said = echo.holds(token("healing", 2), 30_000).say(intents.NEXT)
    assert played(said)["token"] == token("reconnecting")
    assert played(said)["offsetInMilliseconds"] == 0 and said.ends


def test_next_in_the_last_section_says_so_and_leaves_the_audio_alone(echo: Echo) -> None:
    said = echo.holds(token(LAST), 10_000).say(intents.NEXT)
    assert said.text == WORDS.end_of_guide and said.ends
    assert directives(said) == []


def test_previous_goes_to_the_start_of_the_section_before(echo: Echo) -> None:
    said = echo.holds(token("holidays"), 40_000).say(intents.PREVIOUS)
    assert played(said)["token"] == token("regret", 1)


def test_previous_in_the_first_section_says_so_and_plays_it_from_the_start(echo: Echo) -> None:
    said = echo.holds(token(FIRST), 20_000).say(intents.PREVIOUS)
    assert said.text == WORDS.start_of_guide and said.ends
    assert (played(said)["token"], played(said)["offsetInMilliseconds"]) == (token(FIRST), 0)


def test_repeat_replays_the_current_section_and_start_over_the_whole_guide(echo: Echo) -> None:
    echo.holds(token("healing", 4), 30_000)
    assert played(echo.say(intents.REPEAT))["token"] == token("healing", 1)
    assert played(echo.say(intents.START_OVER))["token"] == token(FIRST)


@pytest.mark.parametrize("name", [intents.STOP, intents.CANCEL])
def test_stop_while_listening_stops_the_audio_quietly(echo: Echo, name: str) -> None:
    said = echo.holds(token("myths"), 1_000).say(name)
    assert [d["type"] for d in directives(said)] == ["AudioPlayer.Stop"]
    assert "outputSpeech" not in said.body


@pytest.mark.parametrize(
    "name", [intents.LOOP_ON, intents.LOOP_OFF, intents.SHUFFLE_ON, intents.SHUFFLE_OFF]
)
def test_loop_and_shuffle_are_declined_politely_and_the_audio_carries_on(
    echo: Echo, name: str
) -> None:
    said = echo.holds(token("myths"), 1_000).say(name)
    assert said.text == WORDS.unsupported and said.ends
    assert directives(said) == []


def test_device_buttons_move_through_the_guide_without_speech(echo: Echo) -> None:
    echo.holds(token("holidays"), 5_000)
    assert played(echo.report("PlaybackController.NextCommandIssued"))["token"] == token("healing")
    previous = echo.report("PlaybackController.PreviousCommandIssued")
    assert played(previous)["token"] == token("regret")
    paused = echo.report("PlaybackController.PauseCommandIssued")
    assert [d["type"] for d in directives(paused)] == ["AudioPlayer.Stop"]


def test_the_play_button_resumes_from_the_saved_offset(echo: Echo) -> None:
    echo.listened(token("is-it-okay"), 33_000)
    stream = played(echo.holds(token("is-it-okay"), 33_000, "STOPPED").report(
        "PlaybackController.PlayCommandIssued"
    ))
    assert (stream["token"], stream["offsetInMilliseconds"]) == (token("is-it-okay"), 33_000)


def test_the_next_button_at_the_end_of_the_guide_does_nothing(echo: Echo) -> None:
    said = echo.holds(token(LAST), 5_000).report("PlaybackController.NextCommandIssued")
    assert said.body == {}


def test_a_broken_clip_is_skipped(echo: Echo) -> None:
    failure = {"type": "MEDIA_ERROR_INVALID_REQUEST", "message": "404 Not Found"}
    said = echo.holds(token("holidays")).report(
        "AudioPlayer.PlaybackFailed", token("holidays"), error=failure,
        currentPlaybackState={"token": token("holidays"), "offsetInMilliseconds": 0,
                              "playerActivity": "STOPPED"},
    )
    assert played(said)["behavior"] == "REPLACE_ALL"
    assert played(said)["token"] == token("healing")


def test_a_failing_network_stops_cleanly_and_keeps_the_place(
    echo: Echo, caplog: pytest.LogCaptureFixture
) -> None:
    failure = {"type": "MEDIA_ERROR_SERVICE_UNAVAILABLE", "message": "could not connect"}
    with caplog.at_level(logging.INFO):
        said = echo.holds(token("healing", 2)).report(
            "AudioPlayer.PlaybackFailed", token("healing", 2), error=failure,
            currentPlaybackState={"token": token("healing", 2), "offsetInMilliseconds": 9_000,
                                  "playerActivity": "PLAYING"},
        )
    assert directives(said) == [{"type": "AudioPlayer.ClearQueue", "clearBehavior": "CLEAR_ALL"}]
    assert "MEDIA_ERROR_SERVICE_UNAVAILABLE" in caplog.text
    assert USER_ID not in caplog.text and "could not connect" not in caplog.text
    resumed = played(Echo(echo.handler).say(intents.CONTINUE_LISTENING))
    assert (resumed["token"], resumed["offsetInMilliseconds"]) == (token("healing", 2), 9_000)


def test_an_error_report_from_alexa_is_logged_and_gets_an_empty_answer(
    echo: Echo, caplog: pytest.LogCaptureFixture
) -> None:
    error = {"type": "INVALID_RESPONSE", "message": "Invalid directive"}
    cause = {"requestId": "amzn1.echo-api.request.0f1e2d3c"}
    said = echo.report("System.ExceptionEncountered", error=error, cause=cause)
    assert said.body == {}
    assert "INVALID_RESPONSE" in caplog.text


def test_a_device_without_audio_player_hears_the_guide_section_by_section(skill: Handler) -> None:
    said = Echo(skill, Device(audio_player=False)).say(intents.PLAY_GUIDE, topic=topic_slot(None))
    assert not directives(said) and not said.ends
    assert said.audio and all(f"/clips/{FIRST}/" in url for url in said.audio)


def test_continue_without_audio_player_speaks_the_saved_section(echo: Echo) -> None:
    echo.listened(token("holidays"), 30_000)
    said = Echo(echo.handler, Device(audio_player=False)).say(intents.CONTINUE_LISTENING)
    assert not directives(said)
    assert said.audio and all("/clips/holidays/" in url for url in said.audio)


def test_without_audio_player_next_week_continues_with_the_section_after_the_one_heard(
    skill: Handler, audio_config: SkillConfig, database: Path
) -> None:
    phone = Echo(skill, Device(audio_player=False))
    phone.say(intents.TOPIC, topic=topic_slot("holidays", "holidays"))
    restarted = handler_for(build_skill(audio_config, persistence_adapter(f"sqlite:{database}")))
    said = Echo(restarted, Device(audio_player=False)).say(intents.CONTINUE_LISTENING)
    assert said.audio and all("/clips/healing/" in url for url in said.audio)


def test_without_audio_player_stopping_inside_a_long_section_continues_with_its_start(
    skill: Handler,
) -> None:
    phone = Echo(skill, Device(audio_player=False))
    first_half = phone.say(intents.TOPIC, topic=topic_slot("regret", "regret"))
    assert first_half.state["offer"] == "more"
    said = Echo(skill, Device(audio_player=False)).say(intents.CONTINUE_LISTENING)
    assert said.audio == first_half.audio


def test_a_spoken_section_on_a_speaker_keeps_its_guided_listening_place(echo: Echo) -> None:
    echo.listened(token("holidays"), 30_000)
    echo.say(intents.TOPIC, topic=topic_slot("guilt", "guilt-trips"))
    resumed = played(Echo(echo.handler).say(intents.CONTINUE_LISTENING))
    assert (resumed["token"], resumed["offsetInMilliseconds"]) == (token("holidays"), 30_000)


def test_without_storage_a_spoken_section_keeps_nothing_and_plays(audio_skill: Handler) -> None:
    phone = Echo(audio_skill, Device(audio_player=False))
    assert phone.say(intents.TOPIC, topic=topic_slot("holidays", "holidays")).audio
    said = Echo(audio_skill, Device(audio_player=False)).say(intents.CONTINUE_LISTENING)
    assert said.audio and all(f"/clips/{FIRST}/" in url for url in said.audio)


def test_in_a_conversation_next_belongs_to_the_conversation(echo: Echo) -> None:
    echo.holds(token("holidays"), 3_000, "STOPPED")
    said = echo.say(intents.NEXT, in_conversation=True)
    assert not directives(said) and said.audio and not said.ends


def test_forget_me_deletes_the_saved_place_and_says_so(echo: Echo, database: Path) -> None:
    echo.listened(token("regret", 2), 60_000)
    said = echo.say(intents.FORGET_ME)
    assert said.text.startswith(WORDS.forgotten) and said.reprompt and not said.ends
    assert b"regret" not in database.read_bytes()
    again = Echo(echo.handler).say(intents.CONTINUE_LISTENING)
    assert played(again)["token"] == token(FIRST)


def test_forget_me_while_listening_stops_the_guide_and_it_stays_forgotten(
    echo: Echo, database: Path
) -> None:
    echo.holds(token("regret", 2)).report("AudioPlayer.PlaybackStarted", token("regret", 2))
    said = echo.holds(token("regret", 2), 60_000).say(intents.FORGET_ME)
    assert [d["type"] for d in directives(said)] == ["AudioPlayer.Stop", "AudioPlayer.ClearQueue"]
    echo.holds(token("regret", 2), 60_250, "STOPPED").report(
        "AudioPlayer.PlaybackStopped", token("regret", 2), 60_250
    )
    assert b"regret" not in database.read_bytes()


def test_a_phone_does_not_overwrite_the_exact_place_an_echo_keeps(
    echo: Echo, skill: Handler
) -> None:
    echo.listened(token("regret", 2), 95_000)
    phone = Echo(skill, Device(audio_player=False))
    phone.say(intents.TOPIC, topic=topic_slot("holidays", "holidays"))
    resumed = played(Echo(skill).say(intents.CONTINUE_LISTENING))
    assert (resumed["token"], resumed["offsetInMilliseconds"]) == (token("regret", 2), 95_000)


def test_a_playback_event_without_a_timestamp_still_queues_the_next_clip(echo: Echo) -> None:
    envelope = echo.device.envelope(
        event("AudioPlayer.PlaybackNearlyFinished", token=token("regret", 1),
              offsetInMilliseconds=150_000),
        in_session=False,
    )
    del envelope["request"]["timestamp"]
    envelope["context"]["AudioPlayer"] = {"token": token("regret", 1),
                                          "offsetInMilliseconds": 150_000,
                                          "playerActivity": "PLAYING"}
    said = check_response(envelope, echo.handler(envelope), SECONDS)
    assert played(said)["token"] == token("regret", 2)


def test_without_storage_forget_me_says_nothing_is_kept(audio_skill: Handler) -> None:
    said = Echo(audio_skill).say(intents.FORGET_ME)
    assert said.text.startswith(WORDS.nothing_stored) and not said.ends


def test_without_storage_playback_still_queues_and_resumes_from_the_device(
    audio_skill: Handler,
) -> None:
    echo = Echo(audio_skill).holds(token("myths"), 7_000)
    assert played(echo.report("AudioPlayer.PlaybackNearlyFinished", token("myths")))["token"] == (
        token(LAST)
    )
    resumed = played(echo.holds(token("myths"), 7_000, "STOPPED").say(intents.RESUME))
    assert (resumed["token"], resumed["offsetInMilliseconds"]) == (token("myths"), 7_000)
