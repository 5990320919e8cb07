"""The web service: verified skill endpoint, clear 4xx for bad input, the local audio store."""

from __future__ import annotations

import functools
import http.client
import json
import os
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import RequestEnvelope
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st

from skill.runtime.config import SkillConfig
from skill.runtime.guidebook import load_guidebook
from skill.web.webservice import CLIP_CACHE, MANIFEST_CACHE, WebConfig, create_app
from tests.skill.alexa_requests import (
    CERT_URL,
    CLIP_BYTES,
    CLIP_PATH,
    SKILL_ID,
    body_of,
    envelope,
    section_request,
    signed_headers,
    trusting_verifier,
    write_store,
)
from tests.skill.fuzzing import json_values, mutate
from tests.skill.runtime.handlers.test_privacy import keep_place

LOOPBACK = "127.0.0.1"
GUIDEBOOK = load_guidebook()


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return write_store(tmp_path / "store")


def make_app(store_dir: Path | None = None, *, verify: bool = True, **config: Any) -> Flask:
    """The app around the real skill on a loopback host, trusting the test authority instead
    of the public roots."""
    skill = SkillConfig(skill_id=SKILL_ID)
    config.setdefault("host", LOOPBACK)
    web = WebConfig(skill=skill, store_dir=store_dir, verify=verify, **config)
    return create_app(web, verifier=trusting_verifier())


@pytest.fixture
def client(store: Path) -> FlaskClient:
    return make_app(store).test_client()


@functools.cache
def verified_client() -> FlaskClient:
    """One verifying app without a store, shared by tests that only send requests."""
    return make_app().test_client()


@functools.cache
def unverified_client() -> FlaskClient:
    return make_app(verify=False).test_client()


def post_signed(client: FlaskClient, data: dict[str, Any]) -> Any:
    body = body_of(data)
    return client.post("/alexa", data=body, headers=signed_headers(body))


def refused(response: Any) -> str:
    """The reason of a 4xx JSON refusal; asserts no skill response leaked out."""
    assert 400 <= response.status_code < 500, response.data
    payload = response.get_json()
    assert set(payload) == {"error"}
    return payload["error"]


def test_health_check_answers_ok(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_signed_launch_request_gets_the_skills_welcome(client: FlaskClient) -> None:
    response = post_signed(client, envelope())
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    answer = response.get_json()["response"]
    assert answer["outputSpeech"]["ssml"].startswith("<speak>")
    assert answer["shouldEndSession"] is False


def test_skill_plays_clips_from_this_servers_audio_route(client: FlaskClient) -> None:
    ssml = post_signed(client, section_request()).get_json()["response"]["outputSpeech"]["ssml"]
    assert f'<audio src="http://127.0.0.1:8000{CLIP_PATH}"/>' in ssml
    clip = client.get(CLIP_PATH)
    assert clip.status_code == 200
    assert clip.data == CLIP_BYTES


def test_public_url_is_where_clips_are_announced(store: Path) -> None:
    client = make_app(store, public_url="https://companion.example.org/").test_client()
    ssml = post_signed(client, section_request()).get_json()["response"]["outputSpeech"]["ssml"]
    assert f'<audio src="https://companion.example.org{CLIP_PATH}"/>' in ssml


def test_unsigned_request_is_refused_with_a_reason(client: FlaskClient) -> None:
    response = client.post("/alexa", json=envelope())
    assert response.status_code == 400
    assert refused(response) == "request verification failed: missing SignatureCertChainUrl header"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda h, b: ({**h, "SignatureCertChainUrl": CERT_URL.replace("https", "http")}, b),
         "must use https"),
        (lambda h, b: ({**h, "SignatureCertChainUrl": CERT_URL.replace("/echo.api/", "/x/")}, b),
         "must start with /echo.api/"),
        (lambda h, b: (h, b.replace(b"LaunchRequest", b"SessionEndedRequest")), "does not match"),
        (lambda h, b: ({**h, "Signature-256": "garbage"}, b), "base64"),
        (lambda h, b: ({k: v for k, v in h.items() if k != "Signature-256"}, b), "missing"),
    ],
    ids=["http-certificate-url", "wrong-path", "tampered-body", "garbage-signature",
         "no-signature"],
)
def test_forged_requests_are_refused_before_the_skill_runs(client, change, reason) -> None:
    body = body_of(envelope())
    headers, sent = change(signed_headers(body), body)
    response = client.post("/alexa", data=sent, headers=headers)
    assert response.status_code == 400
    assert reason in refused(response)


def test_stale_and_foreign_requests_are_refused(client: FlaskClient) -> None:
    stale = envelope(timestamp=datetime.now(UTC) - timedelta(minutes=5))
    assert "150 seconds" in refused(post_signed(client, stale))
    foreign = envelope(application_id="amzn1.ask.skill.someone-else")
    assert "different skill" in refused(post_signed(client, foreign))


@pytest.mark.parametrize(
    ("body", "content_type", "status", "reason"),
    [
        (b"{not json", "application/json", 400, "not valid UTF-8 JSON"),
        (b"\xff\xfe\x00", "application/json", 400, "not valid UTF-8 JSON"),
        (b"[" * 50_000 + b"]" * 50_000, "application/json", 400, "not valid UTF-8 JSON"),
        (b"[1, 2]", "application/json", 400, "JSON object"),
        (b'{"version": "1.0"}', "application/json", 400, "request object with a type"),
        (b'{"request": {"type": 7}}', "application/json", 400, "request object with a type"),
        (b'{"request": {"type": "LaunchRequest"}}', "application/json", 400, "context"),
        (b"version=1.0", "application/x-www-form-urlencoded", 415, "application/json"),
        (b"{}", "text/plain", 415, "application/json"),
        (b"{}", "", 415, "application/json"),
        (b" " * 200_000, "application/json", 413, "larger than 131072 bytes"),
    ],
    ids=["broken", "not-utf8", "deeply-nested", "array", "no-request", "type-not-text",
         "no-context", "form", "text", "no-content-type", "huge"],
)
def test_malformed_requests_get_a_clear_4xx(body, content_type, status, reason) -> None:
    for client in (verified_client(), unverified_client()):
        response = client.post("/alexa", data=body, headers={"Content-Type": content_type})
        assert response.status_code == status
        assert reason in refused(response)


def test_a_request_the_sdk_cannot_parse_gets_the_skills_apology_not_a_refusal() -> None:
    data = envelope()
    data["request"]["timestamp"] = "2024-02-30T00:00:00Z"
    response = unverified_client().post("/alexa", json=data)
    assert response.status_code == 200
    ssml = response.get_json()["response"]["outputSpeech"]["ssml"]
    assert GUIDEBOOK.words.error in ssml


def intent_envelope(name: str, slots: dict[str, Any] | None = None) -> dict[str, Any]:
    data = envelope("IntentRequest")
    data["request"]["intent"] = {"name": name, "confirmationStatus": "NONE",
                                 "slots": slots or {}}
    return data


def new_dialog_state(data: dict[str, Any]) -> None:
    data["request"]["dialogState"] = "SOMETHING_NEW"


def new_confirmation(data: dict[str, Any]) -> None:
    data["request"]["intent"]["confirmationStatus"] = "MAYBE"


def new_player_activity(data: dict[str, Any]) -> None:
    data["context"]["AudioPlayer"] = {"playerActivity": "SOMETHING_NEW"}


@pytest.mark.parametrize("drift", [new_dialog_state, new_confirmation, new_player_activity])
@pytest.mark.parametrize(
    ("name", "slots"),
    [("CrisisIntent", {}),
     ("TopicIntent", {"topic": {"name": "topic", "value": "I want to die"}})],
    ids=["crisis-intent", "danger-in-a-slot"],
)
def test_a_signed_crisis_reaches_the_crisis_lines_whatever_new_value_it_holds(
    name: str, slots: dict[str, Any], drift: Any
) -> None:
    data = intent_envelope(name, slots)
    drift(data)

    response = post_signed(verified_client(), data)

    assert response.status_code == 200
    assert GUIDEBOOK.crisis.message in response.get_json()["response"]["outputSpeech"]["ssml"]


def test_a_signed_intent_request_without_an_intent_name_gets_the_fallback() -> None:
    data = envelope("IntentRequest")
    data["request"]["intent"] = {"confirmationStatus": "NONE"}
    response = post_signed(verified_client(), data)
    assert response.status_code == 200
    assert GUIDEBOOK.words.fallback in response.get_json()["response"]["outputSpeech"]["ssml"]


def test_without_verification_unsigned_requests_reach_the_skill(
    store: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("WARNING", logger="skill.web.webservice"):
        client = make_app(store, verify=False).test_client()
    assert "verification is OFF" in caplog.text
    response = client.post("/alexa", json=section_request())
    assert response.status_code == 200
    assert CLIP_PATH in response.get_json()["response"]["outputSpeech"]["ssml"]


def test_without_verification_the_skill_id_still_holds(store: Path) -> None:
    client = make_app(store, verify=False).test_client()
    response = client.post("/alexa", json=envelope(application_id="amzn1.ask.skill.other"))
    assert "different skill" in refused(response)


def test_wrong_method_and_unknown_paths_answer_in_json(client: FlaskClient) -> None:
    response = client.get("/alexa")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert refused(response)
    assert refused(client.get("/nowhere"))


def test_simulator_page_is_served_at_the_root_when_enabled(store: Path) -> None:
    web = WebConfig(skill=SkillConfig(), host=LOOPBACK, store_dir=store, simulator=True)
    response = create_app(web).test_client().get("/")
    assert response.status_code == 200
    assert response.mimetype == "text/html"


def test_simulator_is_off_unless_asked_for_so_no_one_bypasses_verification(
    client: FlaskClient,
) -> None:
    assert client.get("/").status_code == 404
    assert client.post("/simulator/say", json={"utterance": "help with guilt"}).status_code == 404
    assert not WebConfig.from_env({}).simulator
    assert WebConfig.from_env({"NOCONTACT_SIMULATOR": "1"}).simulator


def test_skill_failure_is_a_short_500_without_a_traceback() -> None:
    builder = SkillBuilder()

    @builder.request_handler(can_handle_func=is_request_type("LaunchRequest"))
    def broken(handler_input: Any) -> Any:
        raise RuntimeError("secret internals")

    config = WebConfig(skill=SkillConfig(), host=LOOPBACK, verify=False)
    client = create_app(config, skill=builder.create()).test_client()
    response = client.post("/alexa", json=envelope())
    assert response.status_code == 500
    assert response.get_json() == {"error": "the skill could not answer this request"}


def test_a_failing_skill_is_logged_without_what_was_said(caplog: pytest.LogCaptureFixture) -> None:
    builder = SkillBuilder()

    @builder.request_handler(can_handle_func=is_request_type("IntentRequest"))
    def broken(handler_input: Any) -> Any:
        feeling = handler_input.request_envelope.request.intent.slots["feeling"]
        raise ValueError(f"cannot answer {feeling.value}")

    data = envelope("IntentRequest")
    said = {"name": "feeling", "value": "my mother shouts at me", "confirmationStatus": "NONE"}
    data["request"]["intent"] = {"name": "FeelingIntent", "confirmationStatus": "NONE",
                                 "slots": {"feeling": said}}
    config = WebConfig(skill=SkillConfig(), host=LOOPBACK, verify=False)
    client = create_app(config, skill=builder.create())
    with caplog.at_level("ERROR", logger="skill.web.webservice"):
        response = client.test_client().post("/alexa", json=data)
    assert response.status_code == 500
    assert "ValueError" in caplog.text and "in broken" in caplog.text
    assert "shouts" not in caplog.text


@pytest.mark.parametrize(
    ("where", "warned"),
    [
        ({"host": LOOPBACK}, False),
        ({"host": "0.0.0.0", "allow_any_skill": True}, True),
        ({"host": LOOPBACK, "public_url": "https://example.org", "allow_any_skill": True}, True),
    ],
)
def test_a_missing_skill_id_is_a_warning_only_where_others_can_reach_the_server(
    caplog: pytest.LogCaptureFixture, where: dict[str, Any], warned: bool
) -> None:
    with caplog.at_level("WARNING", logger="skill.web.webservice"):
        create_app(WebConfig(skill=SkillConfig(), **where), verifier=trusting_verifier())
    assert ("NOCONTACT_SKILL_ID is not set" in caplog.text) is warned


def test_a_relative_store_is_found_from_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest = (write_store(tmp_path / "store") / "manifest.json").read_bytes()
    monkeypatch.chdir(tmp_path)
    configs = [
        WebConfig(skill=SkillConfig(skill_id=SKILL_ID), store_dir=Path("store")),
        WebConfig.from_env({"NOCONTACT_STORE": "store", "NOCONTACT_SKILL_ID": SKILL_ID}),
    ]
    for config in configs:
        client = create_app(config, verifier=trusting_verifier()).test_client()
        clip = client.get(CLIP_PATH)
        assert (clip.status_code, clip.data) == (200, CLIP_BYTES)
        served = client.get("/audio/manifest.json")
        assert (served.status_code, served.data) == (200, manifest)
        ssml = post_signed(client, section_request()).get_json()["response"]["outputSpeech"]
        assert CLIP_PATH in ssml["ssml"]


def test_clips_are_served_as_immutable_mp3(client: FlaskClient) -> None:
    response = client.get(CLIP_PATH)
    assert response.status_code == 200
    assert response.mimetype == "audio/mpeg"
    assert response.headers["Cache-Control"] == CLIP_CACHE
    assert response.headers["Accept-Ranges"] == "bytes"
    assert response.data == CLIP_BYTES


def test_manifest_is_served_as_json_that_is_never_stale(store: Path, client: FlaskClient) -> None:
    response = client.get("/audio/manifest.json")
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == MANIFEST_CACHE
    assert response.data == (store / "manifest.json").read_bytes()


def test_served_headers_match_what_the_audio_build_uploads() -> None:
    from audio import build

    assert CLIP_CACHE == build.CLIP_CACHE_CONTROL
    assert MANIFEST_CACHE == build.MANIFEST_CACHE_CONTROL


def test_byte_ranges_are_served_for_seeking(client: FlaskClient) -> None:
    response = client.get(CLIP_PATH, headers={"Range": "bytes=100-199"})
    assert response.status_code == 206
    assert response.headers["Content-Range"] == f"bytes 100-199/{len(CLIP_BYTES)}"
    assert response.data == CLIP_BYTES[100:200]
    tail = client.get(CLIP_PATH, headers={"Range": "bytes=-10"})
    assert tail.data == CLIP_BYTES[-10:]
    beyond = client.get(CLIP_PATH, headers={"Range": f"bytes={len(CLIP_BYTES)}-"})
    assert beyond.status_code == 416


def test_unchanged_clip_is_not_sent_again(client: FlaskClient) -> None:
    etag = client.get(CLIP_PATH).headers["ETag"]
    again = client.get(CLIP_PATH, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""


@pytest.mark.parametrize(
    "key",
    [
        "../secret.mp3",
        "clips/../../secret.mp3",
        "%2e%2e/secret.mp3",
        "clips/introduction/missing.mp3",
        "clips/introduction/notes.txt",
        ".hidden.mp3",
        "clips/introduction/.draft.mp3",
        "clips/.partial/clip.mp3",
    ],
)
def test_only_clips_inside_the_store_are_served(store: Path, client: FlaskClient, key) -> None:
    (store.parent / "secret.mp3").write_bytes(b"outside the store")
    (store / "clips" / "introduction" / "notes.txt").write_text("private")
    (store / ".hidden.mp3").write_text("private")
    (store / "clips" / "introduction" / ".draft.mp3").write_text("private")
    (store / "clips" / ".partial").mkdir()
    (store / "clips" / ".partial" / "clip.mp3").write_text("private")
    response = client.get(f"/audio/{key}")
    assert response.status_code == 404
    assert b"outside the store" not in response.data
    assert b"private" not in response.data


def test_without_a_store_audio_is_not_found() -> None:
    response = verified_client().get(CLIP_PATH)
    assert response.status_code == 404
    assert "local audio store" in refused(response)


# Property-based fuzzing: whatever arrives, the answer is a 4xx or 200 in JSON, never a 5xx.

_header_text = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=80)


def _topic_request() -> dict[str, Any]:
    """"Tell me about the holidays": TopicIntent with its slot resolved to a section id."""
    data = envelope("IntentRequest")
    resolution = {"authority": f"amzn1.er-authority.echo-sdk.{SKILL_ID}.SectionTopic",
                  "status": {"code": "ER_SUCCESS_MATCH"},
                  "values": [{"value": {"name": "holidays", "id": "holidays"}}]}
    slot = {"name": "topic", "value": "holidays", "confirmationStatus": "NONE",
            "resolutions": {"resolutionsPerAuthority": [resolution]}}
    data["request"]["intent"] = {"name": "TopicIntent", "confirmationStatus": "NONE",
                                 "slots": {"topic": slot}}
    return data


def _player_event() -> dict[str, Any]:
    data = envelope("AudioPlayer.PlaybackNearlyFinished")
    data["request"].update(token="introduction:1:0123456789abcdef", offsetInMilliseconds=3000)
    del data["session"]
    return data


_GENUINE = (
    envelope, section_request, _topic_request, _player_event,
    lambda: envelope("SessionEndedRequest"), lambda: envelope("AlexaSkillEvent.SkillEnabled"),
    lambda: envelope("System.ExceptionEncountered"),
)


@st.composite
def _mutated_envelopes(draw: st.DrawFn) -> dict[str, Any]:
    """A genuine envelope with a few fields replaced, removed or added at random depths."""
    data = draw(st.sampled_from(_GENUINE))()
    # Mutations start at the top, in the request or in the session attributes.
    mutate(draw, [data, data["request"], data.get("session", {}).get("attributes", {})], most=4)
    return data


_bodies = st.one_of(
    st.binary(max_size=200),
    json_values.map(lambda value: json.dumps(value).encode()),
    _mutated_envelopes().map(body_of),
)
_content_types = st.sampled_from(
    ["application/json", "application/json; charset=utf-8", "text/plain", "",
     "multipart/form-data; boundary=x", "application/x-www-form-urlencoded"]
)
_FUZZ = settings(max_examples=200, deadline=None)


def assert_answered_cleanly(response: Any) -> None:
    assert response.status_code < 500, response.data
    assert b"Traceback" not in response.data
    payload = json.loads(response.data)
    if response.status_code >= 400:
        assert set(payload) == {"error"}


@_FUZZ
@given(body=_bodies, content_type=_content_types, cert_url=_header_text, signature=_header_text)
def test_fuzzed_requests_with_verification_are_refused_cleanly(
    body: bytes, content_type: str, cert_url: str, signature: str
) -> None:
    response = verified_client().post(
        "/alexa", data=body,
        headers={"Content-Type": content_type, "SignatureCertChainUrl": cert_url,
                 "Signature-256": signature},
    )
    assert_answered_cleanly(response)
    assert response.status_code in (400, 415)


@_FUZZ
@given(data=_mutated_envelopes())
def test_fuzzed_envelopes_signed_by_amazon_never_break_the_server(data: dict[str, Any]) -> None:
    body = body_of(data)
    response = verified_client().post("/alexa", data=body, headers=signed_headers(body))
    assert_answered_cleanly(response)


@_FUZZ
@given(body=_bodies)
def test_fuzzed_bodies_without_verification_never_break_the_server(body: bytes) -> None:
    assert_answered_cleanly(
        unverified_client().post("/alexa", data=body, headers={"Content-Type": "application/json"})
    )


# A real server on loopback: 2,000 requests from 16 threads, every one verified.

@pytest.fixture
def live_server(store: Path) -> Iterator[tuple[str, int]]:
    import waitress

    server = waitress.create_server(make_app(store), host="127.0.0.1", port=0, threads=8)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield "127.0.0.1", server.effective_port
    server.close()
    thread.join(5)


@pytest.mark.slow
def test_real_server_answers_2000_concurrent_requests_without_error(live_server) -> None:
    host, port = live_server
    # Every tenth request is forged: signed for a LaunchRequest, carrying an IntentRequest.
    expected = [400 if n % 10 == 0 else 200 for n in range(2000)]

    def send(batch: list[int]) -> list[str]:
        problems = []
        connection = http.client.HTTPConnection(host, port, timeout=10)
        for status in batch:
            # Signed as it is sent, as Alexa does: a timestamp is good for 150 seconds.
            genuine = body_of(envelope())
            body = genuine if status == 200 else genuine.replace(b"Launch", b"Intent")
            connection.request("POST", "/alexa", body=body, headers={
                **signed_headers(genuine), "Content-Length": str(len(body))})
            response = connection.getresponse()
            payload = json.loads(response.read())
            if response.status != status or ("response" in payload) != (status == 200):
                problems.append(f"{response.status}: {payload}")
        connection.close()
        return problems

    with ThreadPoolExecutor(16) as pool:
        batches = pool.map(send, [expected[i::16] for i in range(16)])
        problems = [problem for batch in batches for problem in batch]
    assert problems == []


# Headers: nothing sniffed anywhere; the simulator page under a strict policy, never framed.

def test_every_answer_forbids_content_sniffing(store: Path) -> None:
    client = make_app(store).test_client()
    answers = [
        client.get("/healthz"), client.get(CLIP_PATH), client.get("/audio/manifest.json"),
        client.get("/audio/nope.mp3"), client.get("/nowhere"), client.get("/alexa"),
        client.post("/alexa", json=envelope()), post_signed(client, envelope()),
        client.post("/alexa", data=b" " * 200_000, content_type="application/json"),
    ]
    assert {answer.headers.get("X-Content-Type-Options") for answer in answers} == {"nosniff"}


def test_the_simulator_page_and_its_assets_run_under_a_strict_policy(store: Path) -> None:
    client = make_app(store, simulator=True).test_client()
    for path in ("/", "/simulator/static/simulator.js", "/simulator/static/simulator.css",
                 "/simulator/setup"):
        response = client.get(path)
        assert response.status_code == 200, path
        policy = response.headers["Content-Security-Policy"]
        assert "default-src 'none'" in policy and "script-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" not in client.get("/healthz").headers


# The store: only regular files whose real path is inside the store.

def test_a_symlink_out_of_the_store_is_not_followed(store: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.mp3").write_bytes(b"outside the store")
    (outside / "manifest.json").write_text('{"secret": true}')
    clips = store / "clips" / "introduction"
    (clips / "escape.mp3").symlink_to(outside / "secret.mp3")
    (store / "clips" / "linked").symlink_to(outside, target_is_directory=True)
    (store / "manifest.json").unlink()
    (store / "manifest.json").symlink_to(outside / "manifest.json")
    client = make_app(store).test_client()
    for key in ("clips/introduction/escape.mp3", "clips/linked/secret.mp3", "manifest.json"):
        response = client.get(f"/audio/{key}")
        assert response.status_code == 404, key
        assert b"secret" not in response.data and b"outside" not in response.data


def test_a_symlink_that_stays_inside_the_store_is_served(store: Path) -> None:
    (store / "clips" / "introduction" / "alias.mp3").symlink_to(store / CLIP_PATH[7:])
    response = make_app(store).test_client().get("/audio/clips/introduction/alias.mp3")
    assert (response.status_code, response.data) == (200, CLIP_BYTES)


def test_only_regular_files_are_served(store: Path) -> None:
    clips = store / "clips" / "introduction"
    os.mkfifo(clips / "pipe.mp3")
    (clips / "folder.mp3").mkdir()
    client = make_app(store).test_client()
    for key in ("pipe.mp3", "folder.mp3"):
        assert client.get(f"/audio/clips/introduction/{key}").status_code == 404


_audio_keys = st.lists(
    st.one_of(
        st.sampled_from(["clips", "introduction", "..", ".", "", "manifest.json", "escape.mp3",
                         "linked", "%2e%2e", "pipe.mp3", CLIP_PATH.rsplit("/", 1)[1]]),
        st.text(max_size=12),
    ),
    min_size=1, max_size=5,
).map("/".join)


@pytest.fixture(scope="module")
def hostile_store_client(tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    """A store with links out of it and a pipe in it."""
    root = tmp_path_factory.mktemp("hostile-store")
    store = write_store(root / "store")
    (root / "secret.mp3").write_bytes(b"outside the store")
    (store / "clips" / "introduction" / "escape.mp3").symlink_to(root / "secret.mp3")
    (store / "clips" / "linked").symlink_to(root, target_is_directory=True)
    os.mkfifo(store / "clips" / "introduction" / "pipe.mp3")
    return make_app(store).test_client()


@_FUZZ
@given(key=_audio_keys, range_header=st.one_of(st.none(), _header_text))
def test_fuzzed_audio_paths_never_break_the_server_or_leave_the_store(
    key: str, range_header: str | None, hostile_store_client: FlaskClient
) -> None:
    headers = {"Range": range_header} if range_header is not None else {}
    response = hostile_store_client.get(f"/audio/{quote(key)}", headers=headers)
    assert response.status_code < 500, (key, response.data)
    assert b"outside the store" not in response.data


# Skill events: signed, an hour's window, and disabling the skill deletes the place.

def test_a_signed_skill_disabled_event_from_the_last_hour_deletes_the_place(
    tmp_path: Path,
) -> None:
    database = tmp_path / "listening.sqlite3"
    fifty_minutes_ago = datetime.now(UTC) - timedelta(minutes=50)
    data = envelope("AlexaSkillEvent.SkillDisabled", timestamp=fifty_minutes_ago)
    del data["session"]
    data["request"]["body"] = {"userInformation": {"persistenceStatus": "PERSISTED"}}
    adapter = keep_place(database, data)
    skill = SkillConfig(skill_id=SKILL_ID, persistence=f"sqlite:{database}")
    client = create_app(WebConfig(skill=skill, host=LOOPBACK), verifier=trusting_verifier())
    response = post_signed(client.test_client(), data)
    assert response.status_code == 200, response.data
    assert response.get_json()["response"] == {}
    request = DefaultSerializer().deserialize(json.dumps(data), RequestEnvelope)
    assert adapter.get_attributes(request) == {}
    stale = envelope("LaunchRequest", timestamp=fifty_minutes_ago)
    assert "150 seconds" in refused(post_signed(client.test_client(), stale))


# A real server: chunked and oversized bodies get clear answers, never a 5xx.

def _raw_post(host: str, port: int, body_chunks: list[bytes], headers: dict[str, str]) -> Any:
    connection = http.client.HTTPConnection(host, port, timeout=10)
    connection.putrequest("POST", "/alexa")
    for name, value in headers.items():
        connection.putheader(name, value)
    connection.endheaders()
    for chunk in body_chunks:
        connection.send(chunk)
    response = connection.getresponse()
    status, payload = response.status, response.read()
    connection.close()
    return status, payload


def _chunked(body: bytes, size: int = 4096) -> list[bytes]:
    pieces = [body[i:i + size] for i in range(0, len(body), size)]
    return [b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces] + [b"0\r\n\r\n"]


@pytest.mark.slow
def test_chunked_and_oversized_bodies_get_a_clear_4xx_from_a_real_server(live_server) -> None:
    host, port = live_server
    chunked = {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}
    genuine = body_of(envelope())
    status, payload = _raw_post(host, port, _chunked(genuine), {**chunked, **{
        k: v for k, v in signed_headers(genuine).items() if k != "Content-Type"}})
    assert status == 200 and b'"response"' in payload
    status, payload = _raw_post(host, port, _chunked(b" " * 300_000), chunked)
    assert status == 413 and b"larger than 131072 bytes" in payload
    big = b" " * 200_000
    sized = {"Content-Type": "application/json", "Content-Length": str(len(big))}
    assert _raw_post(host, port, [big], sized)[0] == 413
