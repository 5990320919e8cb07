"""Guided reflection: its queue on a speaker, its one response elsewhere, crisis words first."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from skill.runtime import intents
from skill.runtime.builder import build_skill
from skill.runtime.config import SkillConfig
from skill.runtime.guidebook import load_guidebook
from skill.runtime.guided import estimated_seconds, prompt_id
from skill.runtime.handlers.guided import start_guided_reflection
from skill.runtime.persistence import persistence_adapter
from skill.runtime.playback import make_guided_token, parse_guided_token
from skill.runtime.speech import MAX_AUDIO_SECONDS, MAX_AUDIO_TAGS
from tests.skill.conftest import (
    AUDIO_BASE_URL,
    MANIFEST,
    Device,
    Handler,
    Said,
    Session,
    check_response,
    clip_seconds,
    handler_for,
    intent,
    topic_slot,
)
from tests.skill.runtime.handlers.test_listening import Echo, directives, played

GUIDEBOOK = load_guidebook()
GUIDED = GUIDEBOOK.guided
SPEAKER, PHONE = Device(), Device(audio_player=False)
GUILT = "guilt-trips"


def _digest(clip_id: str) -> str:
    return hashlib.sha256(clip_id.encode()).hexdigest()


def reflection_entries(seconds: dict[str, float]) -> list[dict[str, Any]]:
    """Manifest entries for every reflection clip, each lasting `seconds[kind]`."""
    ids = [("reflect-opening", "opening"), ("reflect-space", "space"), ("reflect-close", "close")]
    ids += [
        (prompt_id(section.id, n), "prompt")
        for section in GUIDEBOOK.sections
        for n in range(1, len(section.reflections) + 1)
    ]
    return [
        {
            "id": clip_id,
            "title": clip_id,
            "fingerprint": _digest(f"input {clip_id}"),
            "parts": [{
                "key": f"clips/{clip_id}/{_digest(clip_id)[:16]}-1.mp3",
                "sha256": _digest(clip_id),
                "bytes": 1000,
                "duration": seconds[kind],
            }],
        }
        for clip_id, kind in ids
    ]


def write_manifest(folder: Path, seconds: dict[str, float]) -> Path:
    """The fixture manifest with reflection clips added."""
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    manifest["reflections"] = reflection_entries(seconds)
    path = folder / "manifest.json"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    return path


SHORT = {"opening": 20.0, "prompt": 8.0, "space": 45.0, "close": 15.0}
LONG = {"opening": 60.0, "prompt": 12.0, "space": 45.0, "close": 40.0}


def all_seconds(seconds: dict[str, float]) -> dict[str, float]:
    urls = clip_seconds()
    for entry in reflection_entries(seconds):
        part = entry["parts"][0]
        urls[f"{AUDIO_BASE_URL}/{part['key']}"] = part["duration"]
    return urls


def url_of(clip_id: str) -> str:
    return f"{AUDIO_BASE_URL}/clips/{clip_id}/{_digest(clip_id)[:16]}-1.mp3"


def step_token(section_id: str, step: int, clip_id: str) -> str:
    return make_guided_token(section_id, step, _digest(clip_id))


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    return write_manifest(tmp_path, SHORT)


@pytest.fixture
def config(manifest: Path) -> SkillConfig:
    return SkillConfig(manifest=str(manifest), audio_base_url=AUDIO_BASE_URL)


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "places.sqlite3"


@pytest.fixture
def skill(config: SkillConfig, database: Path) -> Handler:
    return handler_for(build_skill(config, persistence_adapter(f"sqlite:{database}")))


class Speaker(Echo):
    """An Echo whose checks know the reflection clips' lengths."""

    def _send(self, envelope: dict[str, Any]) -> Said:
        if self.device.audio_player:
            envelope["context"]["AudioPlayer"] = dict(self.player)
        return check_response(envelope, self.handler(envelope), all_seconds(SHORT))


@pytest.fixture
def echo(skill: Handler) -> Speaker:
    return Speaker(skill)


def play_through(echo: Speaker, first: dict[str, Any]) -> list[str]:
    """Let the device play every queued step to its end; the tokens in playing order."""
    tokens, current = [], first
    while current is not None:
        token = current["token"]
        tokens.append(token)
        echo.holds(token).report("AudioPlayer.PlaybackStarted", token)
        nearly = echo.report("AudioPlayer.PlaybackNearlyFinished", token, 1_000)
        current = played(nearly) if directives(nearly) else None
        if current is not None:
            assert current["behavior"] == "ENQUEUE" and current["expectedPreviousToken"] == token
        echo.report("AudioPlayer.PlaybackFinished", token, 2_000)
    return tokens


def test_a_guided_reflection_plays_opening_each_prompt_with_its_space_then_the_close(
    echo: Speaker,
) -> None:
    said = echo.say(intents.GUIDED_REFLECTION, topic=topic_slot("guilt", GUILT))
    first = played(said)
    assert first["behavior"] == "REPLACE_ALL" and said.ends and "outputSpeech" not in said.body
    tokens = play_through(echo, first)
    prompts = len(GUIDEBOOK.section(GUILT).reflections)
    expected = ["reflect-opening"]
    for n in range(1, prompts + 1):
        expected += [prompt_id(GUILT, n), "reflect-space"]
    expected.append("reflect-close")
    assert tokens == [step_token(GUILT, step, clip) for step, clip in enumerate(expected, 1)]
    assert all(parse_guided_token(token).section_id == GUILT for token in tokens)


def test_the_stream_urls_are_the_published_reflection_clips(echo: Speaker) -> None:
    first = played(echo.say(intents.GUIDED_REFLECTION, topic=topic_slot("guilt", GUILT)))
    assert first["url"] == url_of("reflect-opening")
    echo.holds(first["token"])
    second = played(echo.report("AudioPlayer.PlaybackNearlyFinished", first["token"], 100))
    assert second["url"] == url_of(prompt_id(GUILT, 1))


def test_pause_then_resume_picks_up_inside_the_space(echo: Speaker) -> None:
    space = step_token(GUILT, 3, "reflect-space")
    echo.holds(space).report("AudioPlayer.PlaybackStarted", space)
    paused = echo.holds(space, 21_000).say(intents.PAUSE)
    assert [d["type"] for d in directives(paused)] == ["AudioPlayer.Stop"]
    echo.holds(space, 21_300, "STOPPED").report("AudioPlayer.PlaybackStopped", space, 21_300)
    resumed = played(echo.say(intents.RESUME))
    assert (resumed["token"], resumed["offsetInMilliseconds"]) == (space, 21_300)


def test_a_stop_that_reports_no_offset_keeps_the_place_in_the_space(echo: Speaker) -> None:
    space = step_token(GUILT, 3, "reflect-space")
    echo.listened(space, 21_300)
    echo.holds(space, 21_300, "STOPPED").report("AudioPlayer.PlaybackStopped", token=space)
    resumed = played(Speaker(echo.handler).say(intents.CONTINUE_LISTENING))
    assert (resumed["token"], resumed["offsetInMilliseconds"]) == (space, 21_300)


def test_continue_where_i_left_off_next_week_resumes_the_reflection(
    echo: Speaker, config: SkillConfig, database: Path
) -> None:
    prompt = step_token(GUILT, 4, prompt_id(GUILT, 2))
    echo.listened(prompt, 3_500)
    restarted = handler_for(build_skill(config, persistence_adapter(f"sqlite:{database}")))
    resumed = played(Speaker(restarted).say(intents.CONTINUE_LISTENING))
    assert (resumed["token"], resumed["offsetInMilliseconds"]) == (prompt, 3_500)


def test_next_in_a_space_skips_to_the_next_prompt(echo: Speaker) -> None:
    space = step_token(GUILT, 3, "reflect-space")
    following = played(echo.holds(space, 5_000).say(intents.NEXT))
    assert following["behavior"] == "REPLACE_ALL"
    assert following["token"] == step_token(GUILT, 4, prompt_id(GUILT, 2))


def test_the_next_button_on_a_prompt_skips_its_space(echo: Speaker) -> None:
    prompt = step_token(GUILT, 2, prompt_id(GUILT, 1))
    following = played(echo.holds(prompt).report("PlaybackController.NextCommandIssued"))
    assert following["token"] == step_token(GUILT, 4, prompt_id(GUILT, 2))


def test_next_after_the_last_prompt_goes_to_the_close_and_then_says_it_is_over(
    echo: Speaker,
) -> None:
    prompts = len(GUIDEBOOK.section(GUILT).reflections)
    last_space = step_token(GUILT, 2 * prompts + 1, "reflect-space")
    close = played(echo.holds(last_space).say(intents.NEXT))
    assert close["token"] == step_token(GUILT, 2 * prompts + 2, "reflect-close")
    over = echo.holds(close["token"]).say(intents.NEXT)
    assert not directives(over) and GUIDED.finished in over.text


def test_previous_in_a_space_goes_back_to_the_prompt_before(echo: Speaker) -> None:
    second_space = step_token(GUILT, 5, "reflect-space")
    before = played(echo.holds(second_space).say(intents.PREVIOUS))
    assert before["token"] == step_token(GUILT, 2, prompt_id(GUILT, 1))


def test_the_end_of_the_close_forgets_the_place(echo: Speaker) -> None:
    tokens = play_through(echo, played(echo.say(intents.GUIDED_REFLECTION,
                                                 topic=topic_slot("guilt", GUILT))))
    assert parse_guided_token(tokens[-1]).part == len(tokens)
    echo.holds(tokens[-1], 15_000, "FINISHED")
    again = played(echo.say(intents.CONTINUE_LISTENING))
    assert parse_guided_token(again["token"]) is None  # nothing kept: the guide starts


def test_crisis_words_during_a_space_stop_the_reflection_and_give_the_lines(
    echo: Speaker,
) -> None:
    space = step_token(GUILT, 3, "reflect-space")
    said = echo.holds(space, 12_000).say(intents.CRISIS)
    assert [d["type"] for d in directives(said)] == ["AudioPlayer.Stop", "AudioPlayer.ClearQueue"]
    assert GUIDEBOOK.crisis.message in said.text


def test_danger_words_in_the_reflections_topic_get_the_crisis_answer(echo: Speaker) -> None:
    said = echo.say(intents.GUIDED_REFLECTION, topic=topic_slot("hurting myself", "crisis"))
    assert GUIDEBOOK.crisis.message in said.text
    assert not [d for d in directives(said) if d["type"] == "AudioPlayer.Play"]


def test_the_guide_playing_is_not_taken_for_a_reflection(echo: Speaker) -> None:
    from tests.skill.runtime.handlers.test_listening import token

    following = played(echo.holds(token("regret", 1)).say(intents.NEXT))
    assert parse_guided_token(following["token"]) is None


def quiet_seconds(ssml: str) -> list[float]:
    """The runs of breaks between the clips and words of a response, in seconds."""
    runs = re.findall(r'((?:<break time="\d+ms"/>)+)', ssml)
    return [sum(int(ms) for ms in re.findall(r'(\d+)ms', run)) / 1000 for run in runs]


def phone_session(tmp_path: Path, seconds: dict[str, float]) -> Session:
    config = SkillConfig(
        manifest=str(write_manifest(tmp_path, seconds)), audio_base_url=AUDIO_BASE_URL
    )
    return Session(handler_for(build_skill(config)), device=PHONE, seconds=all_seconds(seconds))


def total_seconds(said: Said, seconds: dict[str, float]) -> float:
    clips = sum(all_seconds(seconds)[url] for url in said.audio)
    words = re.sub(r"<audio[^>]*/>|<break[^>]*/>", " ", said.ssml)
    text = re.sub(r"<[^>]+>", " ", words)
    return clips + sum(quiet_seconds(said.ssml)) + estimated_seconds(text)


@pytest.mark.parametrize("seconds", [SHORT, LONG], ids=["short clips", "long clips"])
def test_without_audio_player_one_response_keeps_every_prompt_within_240_seconds(
    tmp_path: Path, seconds: dict[str, float]
) -> None:
    said = phone_session(tmp_path, seconds).say(
        intents.GUIDED_REFLECTION, topic=topic_slot("guilt", GUILT)
    )
    prompts = len(GUIDEBOOK.section(GUILT).reflections)
    assert said.audio == [
        url_of("reflect-opening"), *(url_of(prompt_id(GUILT, n)) for n in range(1, prompts + 1)),
        url_of("reflect-close"),
    ]
    spaces = quiet_seconds(said.ssml)
    assert len(spaces) == prompts and len(set(spaces)) == 1
    assert total_seconds(said, seconds) <= MAX_AUDIO_SECONDS
    assert not said.ends and said.reprompt


def test_without_audio_player_the_spaces_shrink_only_when_they_must(tmp_path: Path) -> None:
    (tmp_path / "short").mkdir()
    (tmp_path / "long").mkdir()
    short, long = phone_session(tmp_path / "short", SHORT), phone_session(tmp_path / "long", LONG)
    guilt = topic_slot("guilt", GUILT)
    roomy = quiet_seconds(short.say(intents.GUIDED_REFLECTION, topic=guilt).ssml)
    tight = quiet_seconds(long.say(intents.GUIDED_REFLECTION, topic=guilt).ssml)
    assert roomy[0] == GUIDED.space_seconds
    assert 1 <= tight[0] < GUIDED.space_seconds


def test_without_any_audio_alexa_says_every_prompt_with_spaces(text_skill: Handler) -> None:
    said = Session(text_skill, device=PHONE).say(
        intents.GUIDED_REFLECTION, topic=topic_slot("guilt", GUILT)
    )
    for prompt in GUIDEBOOK.section(GUILT).reflections:
        assert prompt.replace("’", "'") in said.text.replace("’", "'")
    assert GUIDED.opening.split(".")[0] in said.text and said.audio == []
    assert len(quiet_seconds(said.ssml)) == len(GUIDEBOOK.section(GUILT).reflections)


def test_a_speaker_without_published_reflection_clips_gets_the_spoken_reflection(
    audio_skill: Handler,
) -> None:
    said = Session(audio_skill).say(intents.GUIDED_REFLECTION, topic=topic_slot("guilt", GUILT))
    assert not directives(said) or all(d["type"] != "AudioPlayer.Play" for d in directives(said))
    assert len(quiet_seconds(said.ssml)) == len(GUIDEBOOK.section(GUILT).reflections)


def test_a_guided_reflection_alone_takes_the_section_just_heard(tmp_path: Path) -> None:
    session = phone_session(tmp_path, SHORT)
    session.say(intents.TOPIC, topic=topic_slot("the holidays", "holidays"))
    said = session.say(intents.GUIDED_REFLECTION)
    assert url_of(prompt_id("holidays", 1)) in said.audio


def test_a_guided_reflection_with_nothing_heard_picks_a_section(tmp_path: Path) -> None:
    said = phone_session(tmp_path, SHORT).send(intent(intents.GUIDED_REFLECTION), new=True)
    picked = {s.id for s in GUIDEBOOK.sections if url_of(prompt_id(s.id, 1)) in said.audio}
    assert len(picked) == 1


def test_an_unknown_topic_asks_which_one(echo: Speaker) -> None:
    said = echo.say(intents.GUIDED_REFLECTION, topic=topic_slot("knitting"))
    assert said.text.startswith(GUIDEBOOK.words.no_match) and not directives(said)


def test_the_entry_point_for_other_features_starts_a_named_section(
    config: SkillConfig,
) -> None:
    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope

    from skill.runtime.catalog import open_catalog
    from skill.runtime.handlers import Resources

    envelope = SPEAKER.envelope({"type": "LaunchRequest"}, new=True)
    request = DefaultSerializer().deserialize(json.dumps(envelope), RequestEnvelope)
    resources = Resources(GUIDEBOOK, open_catalog(config, GUIDEBOOK))
    response = start_guided_reflection(HandlerInput(request), resources, "regret")
    stream = response.directives[0].audio_item.stream
    assert parse_guided_token(stream.token).section_id == "regret"
    assert response.should_end_session is True


def test_the_spoken_reflection_stays_within_the_audio_tag_limit(tmp_path: Path) -> None:
    said = phone_session(tmp_path, SHORT).say(
        intents.GUIDED_REFLECTION, topic=topic_slot("healing", "healing")
    )
    assert len(said.audio) <= MAX_AUDIO_TAGS
