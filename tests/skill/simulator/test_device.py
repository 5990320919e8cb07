"""The simulated device talking to the real skill: sessions, attributes, devices, playback."""

from __future__ import annotations

from pathlib import Path

import pytest

from content import default_guide
from skill.runtime.builder import build_skill
from skill.runtime.config import SkillConfig
from skill.simulator.device import EVENTS, DeviceState, SimulatedDevice
from skill.simulator.simulation import Simulation, clip_index
from skill.simulator.transports import in_process

BASE_URL = "http://127.0.0.1:8000/audio"


@pytest.fixture(scope="module")
def simulation(short_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Simulation:
    """The real skill, in this process, playing the short store's clips."""
    database = tmp_path_factory.mktemp("device") / "positions.sqlite"
    config = SkillConfig(
        manifest=str(short_store / "manifest.json"),
        audio_base_url=BASE_URL,
        allow_http_audio=True,
        persistence=f"sqlite:{database}",
    )
    return Simulation(send=in_process(build_skill(config)), clips=clip_index(short_store))


def new_device(simulation: Simulation, kind: str = "echo") -> SimulatedDevice:
    return simulation.device(simulation.new_state(kind, "en-US"))


def test_a_session_stays_open_and_carries_the_skills_attributes(simulation: Simulation) -> None:
    device = new_device(simulation)
    (first,) = device.say("help with guilt")
    assert first.request["session"]["new"] is True
    assert device.state.session.open
    (second,) = device.say("yes")
    assert second.request["session"]["new"] is False
    assert second.request["session"]["sessionId"] == first.request["session"]["sessionId"]
    assert second.request["session"]["attributes"] == first.response["sessionAttributes"]


def test_a_follow_up_answered_yes_plays_the_offered_section(simulation: Simulation) -> None:
    device = new_device(simulation)
    device.say("help with guilt")
    (turn,) = simulation.turns(device.say("yes"))
    clips = [segment.clip for segment in turn.speech if segment.clip is not None]
    assert [clip.label for clip in clips] == [default_guide().section("regret").title]
    assert clips[0].url.startswith(BASE_URL + "/clips/regret/")


def test_when_the_skill_ends_the_session_the_next_utterance_starts_a_new_one(
    simulation: Simulation,
) -> None:
    device = new_device(simulation)
    device.say("help with guilt")
    device.say("stop")
    assert not device.state.session.open
    (again,) = device.say("help with guilt")
    assert again.request["session"]["new"] is True


def test_naming_the_skill_starts_a_new_session_with_a_launch(simulation: Simulation) -> None:
    device = new_device(simulation)
    (first,) = device.say("help with guilt")
    (launch,) = device.say("open no contact companion")
    assert launch.request_type == "LaunchRequest"
    assert launch.request["session"]["new"] is True
    assert launch.request["session"]["sessionId"] != first.request["session"]["sessionId"]


def test_leaving_an_open_session_tells_the_skill(simulation: Simulation) -> None:
    device = new_device(simulation)
    device.say("open no contact companion")
    (ended,) = device.end_session("EXCEEDED_MAX_REPROMPTS")
    assert ended.request_type == "SessionEndedRequest"
    assert not device.state.session.open
    assert device.end_session() == []


def test_a_text_only_device_tells_the_skill_it_has_no_audio_player(simulation: Simulation) -> None:
    device = new_device(simulation, "app-text-only")
    (exchange,) = device.say("help with guilt")
    assert "AudioPlayer" not in exchange.request["context"]
    assert exchange.request["context"]["System"]["device"]["supportedInterfaces"] == {}


def test_the_device_state_survives_a_round_trip_through_json(simulation: Simulation) -> None:
    device = new_device(simulation)
    device.say("help with guilt")
    saved = device.state.model_dump_json()
    resumed = simulation.device(DeviceState.model_validate_json(saved))
    (exchange,) = resumed.say("yes")
    assert exchange.request["session"]["new"] is False
    assert exchange.request["context"]["System"]["user"]["userId"] == device.state.caller.user_id


def test_a_play_directive_starts_the_player_which_reports_back(simulation: Simulation) -> None:
    device = new_device(simulation)
    exchanges = device.say("play the whole guide")
    assert [e.request_type for e in exchanges] == [
        "IntentRequest", "AudioPlayer.PlaybackStarted", "AudioPlayer.PlaybackNearlyFinished",
    ]
    player = device.state.player
    assert player.activity == "PLAYING" and player.current is not None
    started = exchanges[1].request
    assert "session" not in started
    assert started["request"]["token"] == player.current.token
    assert [stream.title for stream in player.queue] == [default_guide().sections[1].title]


def test_stop_while_the_guide_plays_outside_a_session_is_a_pause(simulation: Simulation) -> None:
    device = new_device(simulation)
    device.say("play the whole guide")
    device.report_position(1200)
    exchanges = device.say("stop")
    assert exchanges[0].request["request"]["intent"]["name"] == "AMAZON.PauseIntent"
    stopped = exchanges[-1].request["request"]
    assert stopped["type"] == "AudioPlayer.PlaybackStopped"
    assert stopped["offsetInMilliseconds"] == 1200
    assert device.state.player.activity == "STOPPED"


def test_a_finished_stream_plays_the_queued_one(simulation: Simulation) -> None:
    device = new_device(simulation)
    device.say("play the whole guide")
    queued = device.state.player.queue[0]
    exchanges = device.finish_stream()
    assert [e.request_type for e in exchanges][:2] == [
        "AudioPlayer.PlaybackFinished", "AudioPlayer.PlaybackStarted",
    ]
    assert device.state.player.current == queued


def test_a_stream_replaced_while_playing_is_reported_stopped_first(simulation: Simulation) -> None:
    device = new_device(simulation)
    device.say("play the whole guide")
    replaced = device.state.player.current
    assert replaced is not None
    device.report_position(900)
    exchanges = device.press("next")
    assert [e.request_type for e in exchanges][:3] == [
        "PlaybackController.NextCommandIssued",
        "AudioPlayer.PlaybackStopped",
        "AudioPlayer.PlaybackStarted",
    ]
    stopped = exchanges[1].request["request"]
    assert (stopped["token"], stopped["offsetInMilliseconds"]) == (replaced.token, 900)
    assert device.state.player.current is not None
    assert device.state.player.current.token != replaced.token


def test_every_device_event_can_be_sent_in_turn(simulation: Simulation) -> None:
    device = new_device(simulation)
    device.say("open no contact companion")
    device.say("play the whole guide")
    sent = {event: [e.request_type for e in device.act(event)] for event in EVENTS}
    assert sent["pause"][0] == "PlaybackController.PauseCommandIssued"
    assert sent["play"][0] == "PlaybackController.PlayCommandIssued"
    with pytest.raises(ValueError, match="unknown device event"):
        device.act("shake")


def test_an_intent_already_understood_starts_a_new_session_and_plays_as_if_said(
    simulation: Simulation,
) -> None:
    from skill.simulator.language_model import ResolvedIntent

    device = new_device(simulation)

    exchanges = device.ask(ResolvedIntent("PlayGuideIntent"))

    request = exchanges[0].request
    assert request["session"]["new"] is True
    assert request["request"]["intent"]["name"] == "PlayGuideIntent"
    assert device.state.player.activity == "PLAYING"
    assert device.finish_stream()  # the device plays on, as after "play the whole guide"
