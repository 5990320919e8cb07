"""The simulator page's JSON API, through the real app and the real skill."""

from __future__ import annotations

import copy
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st

from audio.listening.captions import parse_webvtt
from audio.manifest import parse_manifest
from content import default_guide
from skill.runtime.config import SkillConfig
from skill.runtime.intents import section_intent
from skill.simulator import envelopes
from skill.simulator.device import EVENTS, DeviceState
from skill.simulator.envelopes import SIMULATOR_SKILL_ID, Caller, Player, Session, Stream
from skill.simulator.language_model import ResolvedIntent
from skill.simulator.simulation import understanding
from skill.web.webservice import WebConfig, create_app
from tests.skill.fuzzing import json_values, mutate


@pytest.fixture(scope="module")
def client(short_store: Path, tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    database = tmp_path_factory.mktemp("page-api") / "positions.sqlite"
    config = WebConfig(
        simulator=True,
        skill=SkillConfig(persistence=f"sqlite:{database}"),
        host="127.0.0.1",
        port=8123,
        store_dir=short_store,
        verify=False,
    )
    return create_app(config).test_client()


def post(client: FlaskClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    reply = client.post(path, json=body)
    assert reply.status_code == 200, reply.get_json()
    return reply.get_json()


def test_the_page_and_its_assets_are_served_by_the_app(client: FlaskClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert 'aria-live="polite"' in html and '<label for="utterance">' in html
    for asset, mimetype in (("simulator.js", "text/javascript"), ("simulator.css", "text/css")):
        reply = client.get(f"/simulator/static/{asset}")
        assert reply.status_code == 200 and reply.mimetype == mimetype
    assert re.findall(r'(?:src|href)="(?!/|data:|#)[^"]*"', html) == []


def test_every_topic_button_asks_for_its_own_section(client: FlaskClient) -> None:
    learned = understanding("en-US")
    own_intents = {section_intent(section): section for section in default_guide().ids}
    topics = client.get("/simulator/setup").get_json()["topics"]
    heard = []
    for topic in topics:
        intent = learned.resolve(topic["utterance"]).intent
        slot = intent.slot("topic") if intent else None
        if intent and intent.name in own_intents:
            heard.append(own_intents[intent.name])
        else:
            heard.append(slot.value.id if slot and slot.value else None)
    assert heard == list(default_guide().ids)


def test_the_open_button_launches_the_skill(client: FlaskClient) -> None:
    phrases = client.get("/simulator/setup").get_json()["phrases"]
    opening = next(p for p in phrases if p["label"] == "Open the skill")
    reply = post(client, "/simulator/say", {"utterance": opening["utterance"], "state": None})
    assert [turn["request"] for turn in reply["turns"]] == ["LaunchRequest"]
    assert reply["state"]["session"]["open"] is True


def test_the_state_carries_the_conversation_from_one_call_to_the_next(client: FlaskClient) -> None:
    first = post(client, "/simulator/say", {"utterance": "help with guilt", "state": None})
    (turn,) = first["turns"]
    (clip,) = [s for s in turn["speech"] if s["kind"] == "audio"]
    assert clip["label"] == default_guide().section("guilt-trips").title
    assert clip["url"].startswith("http://127.0.0.1:8123/audio/clips/guilt-trips/")
    second = post(client, "/simulator/say", {"utterance": "yes", "state": first["state"]})
    (turn,) = second["turns"]
    assert turn["envelope"]["session"]["new"] is False
    assert turn["envelope"]["session"]["attributes"] == first["state"]["session"]["attributes"]


def test_guided_listening_reports_the_player_and_a_button_moves_it(client: FlaskClient) -> None:
    guide = default_guide()
    playing = post(client, "/simulator/say", {"utterance": "play the whole guide", "state": None})
    requests = [turn["request"] for turn in playing["turns"]]
    assert requests[:3] == [
        "PlayGuideIntent", "AudioPlayer.PlaybackStarted", "AudioPlayer.PlaybackNearlyFinished",
    ]
    assert playing["state"]["player"]["activity"] == "PLAYING"
    captions = playing["labels"].pop("captions")
    assert playing["labels"] == {
        "current": guide.sections[0].title, "queue": [guide.sections[1].title], "space": False,
    }
    assert captions.endswith(".vtt") and captions.startswith("http://127.0.0.1:8123/audio/clips/")
    moved = post(client, "/simulator/event", {
        "event": "next", "state": playing["state"], "offset_ms": 800,
    })
    assert moved["turns"][0]["request"] == "PlaybackController.NextCommandIssued"
    assert moved["turns"][0]["envelope"]["context"]["AudioPlayer"]["offsetInMilliseconds"] == 800
    assert moved["labels"]["current"] == guide.sections[1].title


def test_a_playing_clips_captions_are_served_beside_it(
    client: FlaskClient, short_store: Path
) -> None:
    playing = post(client, "/simulator/say", {"utterance": "play the whole guide", "state": None})
    manifest = parse_manifest((short_store / "manifest.json").read_bytes())
    first = manifest.sections[0].parts[0]
    assert first.captions is not None
    url = playing["labels"]["captions"]
    clip_url = playing["state"]["player"]["current"]["url"]
    assert url == clip_url.replace(first.key, first.captions.key)
    served = client.get(urlsplit(url).path)
    assert served.status_code == 200 and served.mimetype == "text/vtt"
    assert [cue.text for cue in parse_webvtt(served.data)] == ["A short narration for testing."]
    assert "immutable" in served.headers["Cache-Control"]


def test_a_finished_stream_moves_on_to_the_queued_one(client: FlaskClient) -> None:
    guide = default_guide()
    playing = post(client, "/simulator/say", {"utterance": "play the whole guide", "state": None})
    done = post(client, "/simulator/event", {"event": "finished", "state": playing["state"]})
    requests = [turn["request"] for turn in done["turns"]]
    assert requests[:2] == ["AudioPlayer.PlaybackFinished", "AudioPlayer.PlaybackStarted"]
    assert done["labels"]["current"] == guide.sections[1].title


def test_a_guided_reflection_plays_and_its_space_is_marked_for_the_countdown(
    client: FlaskClient,
) -> None:
    guided = default_guide().skill.guided_reflection
    state = post(client, "/simulator/say",
                 {"utterance": "guide me through a reflection on guilt", "state": None})
    assert state["turns"][0]["request"].startswith("GuidedReflectionIntent")
    assert state["labels"]["current"] == guided.title and not state["labels"]["space"]
    labels = []
    for _ in range(2):  # the opening, then the first prompt, play to their ends
        state = post(client, "/simulator/event", {"event": "finished", "state": state["state"]})
        labels.append(state["labels"])
    assert labels[-1] == {"current": guided.space_title, "queue": labels[-1]["queue"],
                          "space": True, "captions": None}


def test_without_audio_player_the_reflections_quiet_spaces_reach_the_page(
    client: FlaskClient,
) -> None:
    said = post(client, "/simulator/say", {
        "utterance": "guide me through a reflection on guilt", "state": None,
        "device": "app-text-only",
    })
    speech = said["turns"][0]["speech"]
    quiet = [segment for segment in speech if segment["kind"] == "quiet"]
    prompts = next(s for s in default_guide().sections if s.id == "guilt-trips").reflections
    assert len(quiet) == len(prompts) and all(q["seconds"] >= 10 for q in quiet)


@pytest.mark.parametrize(
    ("path", "body", "reason"),
    [
        ("/simulator/say", {"utterance": "  "}, "utterance is empty"),
        ("/simulator/say", {"utterance": "hi", "state": {"caller": 1}}, "state is not valid"),
        ("/simulator/say", {"utterance": "hi", "device": "toaster"}, "choose a device"),
        ("/simulator/say", {"utterance": "hi", "device": []}, "choose a device"),
        ("/simulator/say", {"utterance": "hi", "locale": "fr-FR"}, "choose a device"),
        ("/simulator/say", {"utterance": "hi", "locale": {}}, "choose a device"),
        ("/simulator/say", {"utterance": "hi", "state": {"caller": {
            "user_id": "u", "device_id": "d", "device": "xecho-show"}}}, "state is not valid"),
        ("/simulator/say", {"utterance": "hi", "state": {"caller": {
            "user_id": "u", "device_id": "d", "locale": "fr-FR"}}}, "state is not valid"),
        ("/simulator/event", {"event": "explode"}, "unknown event"),
        ("/simulator/event", {"event": []}, "unknown event"),
    ],
)
def test_bad_requests_get_a_short_reason(
    client: FlaskClient, path: str, body: dict[str, Any], reason: str
) -> None:
    reply = client.post(path, json=body)
    assert reply.status_code == 400
    assert reason in reply.get_json()["error"]


def test_requests_go_to_the_served_skill_whatever_the_page_sends(client: FlaskClient) -> None:
    first = post(client, "/simulator/say", {"utterance": "help with guilt", "state": None})
    assert "skill_id" not in first["state"]["caller"]
    forged = {**first["state"]["caller"], "skill_id": "amzn1.ask.skill.someone-else"}
    reply = post(client, "/simulator/say", {
        "utterance": "yes", "state": {**first["state"], "caller": forged},
    })
    (turn,) = reply["turns"]
    assert turn["envelope"]["session"]["application"]["applicationId"] == SIMULATOR_SKILL_ID


def test_reminders_work_in_the_page_against_the_simulators_own_apis(client: FlaskClient) -> None:
    state = None
    for words in ("remind me to reflect every day at 8 pm", "yes", "yes"):
        reply = post(client, "/simulator/say", {"utterance": words, "state": state})
        state = reply["state"]
    assert "I'll remind you every day at 8 PM" in str(reply["turns"][-1]["speech"])
    (reminder,) = state["alexa"]["reminders"].values()
    assert "BYHOUR=20;BYMINUTE=0" in reminder["trigger"]["recurrence"]["recurrenceRules"][0]
    listed = post(client, "/simulator/say", {"utterance": "what reminders do I have",
                                             "state": state})
    assert "every day at 8 PM" in str(listed["turns"][-1]["speech"])


def test_a_crisis_answer_is_marked_so_the_page_shows_its_lines_once(client: FlaskClient) -> None:
    crisis = post(client, "/simulator/say", {"utterance": "I need help now", "state": None})
    topic = post(client, "/simulator/say", {"utterance": "help with guilt", "state": None})
    assert [turn["crisis"] for turn in crisis["turns"]] == [True]
    assert [turn["crisis"] for turn in topic["turns"]] == [False]


def test_a_devices_envelope_is_answered_unsigned_on_the_pages_own_route(
    client: FlaskClient,
) -> None:
    envelope = post(client, "/simulator/say", {"utterance": "help with guilt",
                                               "state": None})["turns"][0]["envelope"]
    answered = post(client, "/simulator/alexa", envelope)
    assert answered["version"] == "1.0" and "outputSpeech" in answered["response"]
    assert client.post("/simulator/alexa", json=[envelope]).status_code == 400
    shapeless = client.post("/simulator/alexa", json={**envelope, "request": {"type": 1}})
    assert shapeless.status_code == 400
    assert "a request object with a type" in shapeless.get_json()["error"]


def test_the_pages_envelope_route_still_holds_the_skill_id(short_store: Path) -> None:
    config = WebConfig(simulator=True, skill=SkillConfig(skill_id=SIMULATOR_SKILL_ID),
                       host="127.0.0.1", store_dir=short_store)
    client = create_app(config).test_client()
    envelope = post(client, "/simulator/say", {"utterance": "stop",
                                               "state": None})["turns"][0]["envelope"]
    envelope["context"]["System"]["application"]["applicationId"] = "amzn1.ask.skill.other"
    refused = client.post("/simulator/alexa", json=envelope)
    assert refused.status_code == 400 and "different skill" in refused.get_json()["error"]


# Property-based fuzzing: whatever the page sends, the answer is a 200 or a 4xx, never a 5xx.

_TOKEN = "introduction:1:0123456789abcdef"


def _genuine_state() -> dict[str, Any]:
    """A conversation in the middle of guided listening, as an answer hands it to the page."""
    stream = Stream(token=_TOKEN, url="http://127.0.0.1:8123/audio/clips/x.mp3", title="X")
    state = DeviceState(
        caller=Caller.new(),
        session=Session(id="amzn1.echo-api.session.x", open=True,
                        attributes={"conversation": {"section": "guilt-trips"}}),
        player=Player(activity="PLAYING", current=stream, offset_ms=1200, queue=(stream,)),
    )
    return state.model_dump(mode="json")


@st.composite
def _mutated(draw: st.DrawFn, start: dict[str, Any]) -> dict[str, Any]:
    """A genuine body with a few fields replaced, removed or added at random depths."""
    data = copy.deepcopy(start)
    mutate(draw, [data], most=3)
    return data


_SAY = {"utterance": "play the whole guide", "state": None, "device": "echo", "locale": "en-US",
        "offset_ms": 0}
_FUZZ = settings(max_examples=120, deadline=None)


def assert_answered_cleanly(reply: Any) -> None:
    assert reply.status_code < 500, reply.get_json()
    if reply.status_code >= 400:
        assert set(reply.get_json()) == {"error"}


@_FUZZ
@given(body=json_values | _mutated(_SAY) | _mutated({**_SAY, "state": _genuine_state()}))
def test_fuzzed_utterances_never_break_the_server(client: FlaskClient, body: Any) -> None:
    assert_answered_cleanly(client.post("/simulator/say", json=body))


@_FUZZ
@given(
    event=st.sampled_from(EVENTS) | json_values,
    body=_mutated({"state": _genuine_state(), "offset_ms": 800}),
)
def test_fuzzed_device_events_never_break_the_server(
    client: FlaskClient, event: Any, body: dict[str, Any]
) -> None:
    assert_answered_cleanly(client.post("/simulator/event", json={**body, "event": event}))


def _genuine_envelope() -> dict[str, Any]:
    """A device's request for a topic, as the page's own route receives it."""
    state = DeviceState.model_validate(_genuine_state())
    return envelopes.intent_request(
        state.caller, state.session, state.player,
        ResolvedIntent("GuiltTripsSectionIntent"),
        datetime(2026, 12, 7, tzinfo=UTC),
    )


@_FUZZ
@given(body=json_values | _mutated(_genuine_envelope()))
def test_fuzzed_envelopes_never_break_the_pages_route(client: FlaskClient, body: Any) -> None:
    assert_answered_cleanly(client.post("/simulator/alexa", json=body))
