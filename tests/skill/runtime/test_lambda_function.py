"""The Lambda entry: plain dicts in and out, configured from the environment, a light import."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import ResponseEnvelope
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skill.runtime import intents
from skill.runtime.guidebook import load_guidebook
from skill.runtime.lambda_function import lambda_handler
from tests.skill.conftest import (
    SKILL_ID,
    Device,
    check_response,
    clip_seconds,
    event,
    fixture_json,
    intent,
    launch,
    topic_slot,
)

ROOT = Path(__file__).resolve().parents[3]
HEAVY = ("pydub", "piper", "onnxruntime", "numpy", "gtts", "flask")
WORDS = load_guidebook().words
CRISIS = load_guidebook().crisis
FIXTURES = ("launch_echo_show.json", "topic_intent_echo_dot.json", "crisis_in_topic_app.json",
            "session_ended_error.json", "playback_nearly_finished.json")


def run_python(code: str, **environment: str) -> str:
    """Run code in a fresh interpreter (the Lambda reads its settings once, at import)."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("NOCONTACT_")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**inherited, **environment},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


@pytest.mark.parametrize("name", FIXTURES)
def test_real_shaped_requests_as_plain_dicts_get_valid_plain_dict_responses(name: str) -> None:
    request = fixture_json(name)
    response = lambda_handler(request, None)
    assert isinstance(response, dict) and response["version"] == "1.0"
    check_response(request, json.loads(json.dumps(response)), clip_seconds())


def test_a_topic_is_read_aloud_when_no_audio_is_configured() -> None:
    response = lambda_handler(Device().envelope(launch(), new=True), None)
    assert response["response"]["outputSpeech"]["ssml"].startswith("<speak>Welcome")
    said = check_response(
        request := Device().envelope(intent("RegretSectionIntent")), lambda_handler(request, None),
        clip_seconds(),
    )
    assert "Will I Regret Going No Contact?" in said.text and not said.audio


def test_importing_the_lambda_loads_no_audio_stack_or_web_framework() -> None:
    loaded = run_python(
        "import sys, json, skill.runtime.lambda_function; "
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    assert json.loads(loaded) == []


def test_importing_the_lambda_skips_the_content_loader_and_yaml() -> None:
    loaded = run_python(
        "import sys, json, skill.runtime.lambda_function; "
        "print(json.dumps([m for m in ('content', 'yaml') if m in sys.modules]))"
    )
    assert json.loads(loaded) == []


def test_the_lambda_reads_its_audio_settings_from_the_environment() -> None:
    manifest = ROOT / "tests/skill/fixtures/manifest.json"
    code = (
        "import json; from skill.runtime.lambda_function import lambda_handler; "
        "from tests.skill.conftest import Device, intent; "
        "print(json.dumps(lambda_handler(Device().envelope(intent('MythsSectionIntent')), None)))"
    )
    out = run_python(
        code,
        NOCONTACT_MANIFEST=str(manifest),
        NOCONTACT_AUDIO_BASE_URL="https://cdn.example.org/guide",
    )
    ssml = json.loads(out.splitlines()[-1])["response"]["outputSpeech"]["ssml"]  # after EMF
    assert '<audio src="https://cdn.example.org/guide/clips/myths/' in ssml


def test_disabling_the_skill_on_lambda_deletes_the_listeners_place(tmp_path: Path) -> None:
    database = tmp_path / "listening.sqlite3"
    code = (
        "import json; from skill.runtime.lambda_function import lambda_handler; "
        "from tests.skill.runtime.handlers.test_privacy import disabled, keep_place; "
        f"keep_place(__import__('pathlib').Path({str(database)!r}), disabled()); "
        "print(json.dumps(lambda_handler(disabled(), None)))"
    )
    out = run_python(code, NOCONTACT_PERSISTENCE=f"sqlite:{database}")
    assert json.loads(out.splitlines()[-1])["response"] == {}  # after the EMF records
    assert b"regret" not in database.read_bytes()


def test_an_intent_request_without_its_intent_gets_a_gentle_answer_and_stays_open() -> None:
    request = Device().envelope(intent(intents.TOPIC))
    del request["request"]["intent"]

    response = lambda_handler(request, None)

    said = check_response(request, response, clip_seconds())
    assert said.text == f"{WORDS.fallback} {WORDS.reprompt}" and said.reprompt
    assert said.ends is False


def answer_in_a_fresh_lambda(request: str, **environment: str) -> dict[str, Any]:
    """The Lambda's answer to `request` (Python building a plain dict) under these settings."""
    code = (
        "import json; from skill.runtime.lambda_function import lambda_handler; "
        "from tests.skill.conftest import Device, intent; "
        f"request = {request}; print(json.dumps(lambda_handler(request, None)))"
    )
    return json.loads(run_python(code, **environment).splitlines()[-1])


def test_a_request_without_a_context_gets_an_apology_when_the_skill_id_is_checked() -> None:
    request = "Device().envelope(intent('AMAZON.HelpIntent')); del request['context']"
    response = answer_in_a_fresh_lambda(request, NOCONTACT_SKILL_ID=SKILL_ID)
    ssml = response["response"]["outputSpeech"]["ssml"]
    assert ssml == f"<speak>{WORDS.error} {WORDS.reprompt}</speak>"


@pytest.mark.parametrize(
    "settings",
    [
        {"NOCONTACT_PERSISTENCE": "postgres:somewhere"},
        {"NOCONTACT_MANIFEST_REFRESH_SECONDS": "soon"},
        {"NOCONTACT_PERSISTENCE": "sqlite:/proc/no-such-place/listening.sqlite3"},
    ],
    ids=["unknown-store", "refresh-not-seconds", "unwritable-sqlite"],
)
def test_a_setting_the_lambda_cannot_use_still_leaves_crisis_lines_answered(
    settings: dict[str, str],
) -> None:
    response = answer_in_a_fresh_lambda("Device().envelope(intent('CrisisIntent'))", **settings)
    assert CRISIS.message in response["response"]["outputSpeech"]["ssml"]


def test_dynamodb_without_a_region_leaves_the_lambda_answering_without_memory(
    tmp_path: Path,
) -> None:
    without_aws = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    code = (
        "import json; from skill.runtime.lambda_function import lambda_handler; "
        "from tests.skill.conftest import Device, intent; "
        "print(json.dumps(lambda_handler(Device().envelope(intent('ForgetMeIntent')), None)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
        env={**without_aws, "AWS_CONFIG_FILE": str(tmp_path / "none"),
             "NOCONTACT_PERSISTENCE": "dynamodb:listening"},
    )
    ssml = json.loads(result.stdout.splitlines()[-1])["response"]["outputSpeech"]["ssml"]
    assert WORDS.nothing_stored in ssml


def test_a_request_alexa_could_send_but_the_sdk_cannot_read_gets_an_apology() -> None:
    request = Device().envelope(intent(intents.TOPIC, topic=topic_slot("guilt", "guilt-trips")))
    request["request"]["intent"]["confirmationStatus"] = "SOMETHING_NEW"

    said = check_response(request, lambda_handler(request, None), clip_seconds())

    assert said.text == f"{WORDS.error} {WORDS.reprompt}" and said.reprompt and not said.ends


def test_an_unreadable_playback_event_gets_an_empty_answer() -> None:
    request = Device().envelope(
        event("AudioPlayer.PlaybackStarted", token="x", offsetInMilliseconds="soon"),
        in_session=False,
    )

    said = check_response(request, lambda_handler(request, None), clip_seconds())

    assert said.body == {}


GARBAGE = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12), st.just([]), st.just({}), st.lists(st.text(max_size=3), max_size=2),
)
ENVELOPES = (
    *(fixture_json(name) for name in FIXTURES),
    Device(screen=True).envelope(intent(intents.PLAY_GUIDE, topic=topic_slot("holidays"))),
    Device(audio_player=False).envelope(intent(intents.YES), attributes={
        "conversation": {"section": "regret", "offer": "more"}}),
    Device().envelope(event("AudioPlayer.PlaybackFailed", token="regret:1:" + "a" * 16,
                            error={"type": "MEDIA_ERROR_UNKNOWN", "message": "x"}),
                      in_session=False),
)  # fmt: skip


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every key path inside a JSON value, parents before children."""
    if isinstance(value, dict):
        items: Iterable[tuple[Any, Any]] = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return
    for key, child in items:
        yield (*prefix, key)
        yield from paths(child, (*prefix, key))


@st.composite
def mutated_envelopes(draw: st.DrawFn) -> dict[str, Any]:
    """A real-shaped envelope with one to three fields deleted or replaced by garbage."""
    envelope = copy.deepcopy(draw(st.sampled_from(ENVELOPES)))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(list(paths(envelope))))
        parent = envelope
        for key in path[:-1]:
            parent = parent[key]
        if isinstance(parent, dict) and draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(GARBAGE)
    return envelope


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_envelopes())
def test_a_mangled_request_never_crashes_the_lambda_and_always_gets_a_valid_response(
    request: dict[str, Any],
) -> None:
    response = lambda_handler(request, None)

    envelope = DefaultSerializer().deserialize(json.dumps(response), ResponseEnvelope)
    assert isinstance(envelope, ResponseEnvelope) and envelope.response is not None
    body = response["response"]
    if "outputSpeech" in body and body.get("shouldEndSession") is False:
        assert body["reprompt"]["outputSpeech"]["ssml"]
