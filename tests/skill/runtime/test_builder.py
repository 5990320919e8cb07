"""Assembly: the order that decides who answers, every intent answered, settings applied."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.attributes_manager import AttributesManager
from ask_sdk_core.exceptions import AskSdkException
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_core.skill import CustomSkill
from ask_sdk_model import RequestEnvelope

from content import default_guide
from skill.runtime import SkillError, builder, intents
from skill.runtime.builder import build_skill
from skill.runtime.catalog import parse_manifest
from skill.runtime.config import SkillConfig
from skill.runtime.handlers import navigation, safety
from skill.runtime.manifest_source import make_s3_client
from tests.skill.conftest import (
    AUDIO_BASE_URL,
    MANIFEST,
    SKILL_ID,
    USER_ID,
    Device,
    Handler,
    Session,
    check_response,
    clip_seconds,
    event,
    fixture_json,
    handler_for,
    intent,
    launch,
    topic_slot,
)

WORDS = default_guide().skill
DEVICES = [Device(), Device(screen=True), Device(audio_player=False, locale="en-GB")]
MODEL = Path(__file__).resolve().parents[3] / "skill-package/interactionModels/custom/en-US.json"


@pytest.fixture(scope="module")
def model_intents() -> list[str]:
    """The intents of the committed en-US model (tests/skill/exports holds it to content/)."""
    model = json.loads(MODEL.read_text(encoding="utf-8"))["interactionModel"]["languageModel"]
    return [model_intent["name"] for model_intent in model["intents"]]


def handler_names(skill: CustomSkill) -> list[str]:
    chains = skill.request_dispatcher.request_mappers[0].request_handler_chains
    return [type(chain.request_handler).__name__ for chain in chains]


def test_safety_is_asked_first_and_the_catch_all_last() -> None:
    names = handler_names(build_skill(SkillConfig()))
    assert names[0] == "CrisisHandler"
    assert names[-1] == "CatchAllHandler"


def test_guided_listening_comes_after_safety_and_before_the_conversations_controls() -> None:
    families = builder.FAMILIES
    assert families[0] is safety.handlers
    for family in builder.AUDIO_PLAYER:
        assert families.index(family) < families.index(navigation.handlers)


def test_every_failure_is_caught_by_the_error_handler() -> None:
    handlers = build_skill(SkillConfig()).request_dispatcher.exception_mapper.exception_handlers
    assert [type(handler).__name__ for handler in handlers] == ["ErrorHandler"]


@pytest.mark.parametrize("device", DEVICES, ids=["speaker", "screen", "app"])
@pytest.mark.parametrize("new", [True, False], ids=["new-session", "mid-session"])
def test_every_intent_in_the_model_gets_a_checked_answer_and_never_the_error(
    audio_skill: Handler, model_intents: list[str], device: Device, new: bool
) -> None:
    for name in model_intents:
        session = Session(audio_skill, device)
        said = session.send(intent(name), new=new)
        assert said.body, name
        assert WORDS.error not in said.text, name


def _without(*path: str) -> Callable[[dict[str, Any]], None]:
    def remove(envelope: dict[str, Any]) -> None:
        parent = envelope
        for key in path[:-1]:
            parent = parent[key]
        del parent[path[-1]]

    return remove


def _null_slot(envelope: dict[str, Any]) -> None:
    envelope["request"]["intent"]["slots"]["topic"] = None


def _null_resolution(envelope: dict[str, Any]) -> None:
    envelope["request"]["intent"]["slots"]["topic"]["resolutions"]["resolutionsPerAuthority"] = [
        None]


def _null_match(envelope: dict[str, Any]) -> None:
    slot = envelope["request"]["intent"]["slots"]["topic"]
    slot["resolutions"]["resolutionsPerAuthority"][0]["values"] = [None]


MALFORMED = {
    "intent-request-without-intent": (intent(intents.TOPIC), _without("request", "intent")),
    "crisis-without-context": (intent(intents.CRISIS), _without("context")),
    "play-guide-without-context": (intent(intents.PLAY_GUIDE), _without("context")),
    "next-without-device": (intent(intents.NEXT), _without("context", "System", "device")),
    "playback-event-without-context": (
        event("AudioPlayer.PlaybackStarted", token="x"), _without("context")),
    "envelope-without-request": (launch(), _without("request")),
    "null-slot": (intent(intents.TOPIC, topic=topic_slot("guilt")), _null_slot),
    "null-resolution": (intent(intents.TOPIC, topic=topic_slot("guilt", "guilt-trips")),
                        _null_resolution),
    "null-match": (intent(intents.REFLECT, topic=topic_slot("guilt", "guilt-trips")), _null_match),
}  # fmt: skip


def malformed(name: str) -> tuple[HandlerInput, str | None]:
    """The damaged request as handlers receive it, and its type (None when it has none)."""
    request, damage = MALFORMED[name]
    envelope = Device().envelope(request)
    damage(envelope)
    parsed = DefaultSerializer().deserialize(json.dumps(envelope), RequestEnvelope)
    kind = envelope.get("request", {}).get("type")
    return HandlerInput(request_envelope=parsed, attributes_manager=AttributesManager(parsed)), kind


@pytest.mark.parametrize("name", MALFORMED)
def test_every_handler_and_the_error_handler_cope_with_a_malformed_request(name: str) -> None:
    skill = build_skill(SkillConfig(manifest=str(MANIFEST), audio_base_url=AUDIO_BASE_URL))
    chains = skill.request_dispatcher.request_mappers[0].request_handler_chains
    for chain in chains:
        assert chain.request_handler.can_handle(malformed(name)[0]) in (True, False)
    (error_handler,) = skill.request_dispatcher.exception_mapper.exception_handlers
    handler_input, kind = malformed(name)

    response = error_handler.handle(handler_input, AttributeError("broken"))

    if name.startswith("crisis"):
        assert WORDS.crisis.message in response.output_speech.ssml
    elif kind in ("LaunchRequest", "IntentRequest"):
        assert WORDS.error in response.output_speech.ssml and not response.should_end_session
    else:
        assert response.output_speech is None


def test_a_playback_event_fixture_gets_directives_only(audio_skill: Handler) -> None:
    request = fixture_json("playback_nearly_finished.json")
    check_response(request, audio_skill(request), clip_seconds())


def test_requests_for_another_skill_are_refused() -> None:
    handle = handler_for(build_skill(SkillConfig(skill_id="amzn1.ask.skill.someone-else")))
    with pytest.raises(AskSdkException, match="Skill ID Verification failed"):
        handle(Device().envelope(intent(intents.HELP)))


def test_the_configured_skill_id_is_accepted() -> None:
    config = SkillConfig(skill_id=SKILL_ID)
    said = Session(handler_for(build_skill(config))).say(intents.HELP)
    assert said.text.startswith(WORDS.help)


def test_a_persistence_setting_gives_the_skill_an_adapter(tmp_path: Path) -> None:
    skill = build_skill(SkillConfig(persistence=f"sqlite:{tmp_path / 'listening.db'}"))
    assert skill.persistence_adapter is not None
    assert build_skill(SkillConfig()).persistence_adapter is None


def test_a_malformed_persistence_setting_is_refused_at_start() -> None:
    with pytest.raises(SkillError, match="NOCONTACT_PERSISTENCE"):
        build_skill(SkillConfig(persistence="postgres:somewhere"))


def test_a_lenient_start_logs_an_unusable_persistence_setting_and_keeps_nothing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="skill.runtime.builder"):
        skill = build_skill(SkillConfig(persistence="postgres:somewhere"), strict=False)
    assert skill.persistence_adapter is None
    assert "NOCONTACT_PERSISTENCE" in caplog.text
    said = Session(handler_for(skill)).say(intents.FORGET_ME)
    assert said.text.startswith(WORDS.nothing_stored)


GUILT = topic_slot("guilt", "guilt-trips")
PARTS = parse_manifest(MANIFEST.read_bytes())
GUILT_CLIPS = [f"{AUDIO_BASE_URL}/{part.key}" for part in PARTS["guilt-trips"]]
FIRST_CLIP = f"{AUDIO_BASE_URL}/{PARTS['introduction'][0].key}"


@pytest.fixture
def own_s3_server(aws_environment: None) -> Iterator[Any]:
    """A moto S3 server on loopback that a test may stop, unlike the shared one."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    yield server
    server.stop()


def test_the_skill_plays_its_s3_manifest_and_keeps_playing_it_when_s3_stops_answering(
    own_s3_server: Any, caplog: pytest.LogCaptureFixture
) -> None:
    host, port = own_s3_server.get_host_and_port()
    client = make_s3_client(f"http://{host}:{port}")
    bucket = f"nocontact-{uuid.uuid4().hex[:16]}"
    client.create_bucket(Bucket=bucket)
    client.put_object(Bucket=bucket, Key="manifest.json", Body=MANIFEST.read_bytes())
    config = SkillConfig.from_env({
        "NOCONTACT_MANIFEST": f"s3://{bucket}/manifest.json",
        "NOCONTACT_AUDIO_BASE_URL": AUDIO_BASE_URL,
        "NOCONTACT_MANIFEST_REFRESH_SECONDS": "0",  # every request reads S3 again
    })  # fmt: skip
    handler = handler_for(build_skill(config, s3_client=client))
    assert Session(handler).say(intents.TOPIC, topic=GUILT).audio == GUILT_CLIPS

    own_s3_server.stop()
    with caplog.at_level(logging.WARNING, logger="skill.runtime.manifest_source"):
        said = Session(handler).say(intents.TOPIC, topic=GUILT)
        guide = Session(handler).send(intent(intents.PLAY_GUIDE), new=True)

    assert said.audio == GUILT_CLIPS
    (play,) = guide.body["directives"]
    assert play["audioItem"]["stream"]["url"] == FIRST_CLIP
    assert "Keeping the manifest already loaded" in caplog.text


def test_with_no_manifest_in_s3_sections_are_read_aloud_and_crisis_lines_still_answer(
    moto_endpoint: str, aws_environment: None, make_bucket: Callable[[], str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    empty = make_bucket()
    config = SkillConfig(manifest=f"s3://{empty}/manifest.json", audio_base_url=AUDIO_BASE_URL)
    with caplog.at_level(logging.ERROR):
        skill = build_skill(config, s3_client=make_s3_client(moto_endpoint))
        session = Session(handler_for(skill))
        said = session.say(intents.TOPIC, topic=GUILT)
        crisis = session.say(intents.CRISIS)

    assert not said.audio and said.state["section"] == "guilt-trips"
    assert crisis.text.startswith(WORDS.crisis.message)
    assert f"nocontact build --store s3://{empty}" in caplog.text
    assert USER_ID not in caplog.text and "guilt" not in caplog.text.lower()
