"""The Polly voice against botocore's Stubber: chunking, throttling, and errors people can fix."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import Stubber
from hypothesis import given
from hypothesis import strategies as st

from audio.errors import SynthesisError
from audio.voices import make_voice
from audio.voices.backoff import Backoff
from audio.voices.polly_voice import PCM_RATE, chunk_text
from tests.audio.conftest import Sleeps


@pytest.fixture
def polly() -> Iterator[tuple[Any, Stubber]]:
    """A real Polly client whose HTTP layer is replaced by recorded responses."""
    client = boto3.client(
        "polly",
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def pcm_answer(seconds: float) -> dict[str, Any]:
    audio = bytes(2 * int(seconds * PCM_RATE))
    return {"AudioStream": StreamingBody(io.BytesIO(audio), len(audio)), "ContentType": "audio/pcm"}


def request(text: str, voice_id: str = "Matthew") -> dict[str, str]:
    return {
        "Engine": "neural", "VoiceId": voice_id, "OutputFormat": "pcm",
        "SampleRate": str(PCM_RATE), "TextType": "text", "Text": text,
    }


def test_one_sentence_is_one_request(polly: tuple[Any, Stubber], record_sleeps: Sleeps) -> None:
    client, stubber = polly
    stubber.add_response("synthesize_speech", pcm_answer(0.8), request("Rest now.", "Joanna"))
    voice = make_voice("polly", client=client, voice_id="Joanna")
    speech = voice.synthesize("Rest now.")
    assert (speech.frame_rate, speech.channels) == (PCM_RATE, 1)
    assert speech.duration_seconds == pytest.approx(0.8)
    assert voice.id == "polly:Joanna:neural"


def test_text_over_the_size_limit_is_sent_in_sentence_chunks(
    polly: tuple[Any, Stubber], record_sleeps: Sleeps
) -> None:
    client, stubber = polly
    sentences = ["First comes rest.", "Then comes a walk outside.", "Last comes sleep."]
    for sentence in sentences:
        stubber.add_response("synthesize_speech", pcm_answer(0.5), request(sentence))
    voice = make_voice("polly", client=client, max_characters=30)
    speech = voice.synthesize(" ".join(sentences))
    assert speech.duration_seconds == pytest.approx(1.5)


def test_throttling_is_retried_with_backoff(
    polly: tuple[Any, Stubber], record_sleeps: Sleeps
) -> None:
    client, stubber = polly
    stubber.add_client_error("synthesize_speech", "ThrottlingException", http_status_code=400)
    stubber.add_client_error("synthesize_speech", "ServiceFailureException", http_status_code=500)
    stubber.add_response("synthesize_speech", pcm_answer(0.4), request("Rest now."))
    delays, sleep = record_sleeps
    backoff = Backoff(attempts=3, first_delay=0.2, sleep=sleep)
    voice = make_voice("polly", client=client, backoff=backoff)
    assert voice.synthesize("Rest now.").duration_seconds == pytest.approx(0.4)
    assert delays == [0.2, 0.4]


def test_lasting_throttling_gives_up_with_advice(
    polly: tuple[Any, Stubber], record_sleeps: Sleeps
) -> None:
    client, stubber = polly
    for _ in range(2):
        stubber.add_client_error("synthesize_speech", "ThrottlingException", http_status_code=400)
    voice = make_voice("polly", client=client, backoff=Backoff(attempts=2, sleep=record_sleeps[1]))
    with pytest.raises(
        SynthesisError, match=r"throttling or failing \(ThrottlingException after 2"
    ):
        voice.synthesize("Rest now.")


def test_a_voice_without_the_neural_engine_is_refused_at_once(
    polly: tuple[Any, Stubber], record_sleeps: Sleeps
) -> None:
    client, stubber = polly
    stubber.add_client_error(
        "synthesize_speech", "EngineNotSupportedException", "This voice does not support neural"
    )
    backoff = Backoff(sleep=record_sleeps[1])
    voice = make_voice("polly", client=client, voice_id="Filiz", backoff=backoff)
    with pytest.raises(SynthesisError, match=r"rejected voice 'Filiz'.*choose a neural voice"):
        voice.synthesize("Rest now.")
    assert record_sleeps[0] == []


class FailingPolly(BaseHTTPRequestHandler):
    """Polly over HTTP, failing every request with a retryable error; counts the requests."""

    requests = 0

    def do_POST(self) -> None:
        type(self).requests += 1
        self.rfile.read(int(self.headers["Content-Length"]))
        body = b'{"message": "try again"}'
        self.send_response(500)
        self.send_header("x-amzn-ErrorType", "ServiceFailureException")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def failing_polly(
    polly_on_loopback: Callable[[type[BaseHTTPRequestHandler]], str],
) -> type[FailingPolly]:
    """A failing Polly on loopback, reached by the voice's own client through AWS's variables."""
    FailingPolly.requests = 0
    polly_on_loopback(FailingPolly)
    return FailingPolly


def test_each_attempt_is_a_single_request(
    failing_polly: type[FailingPolly], record_sleeps: Sleeps
) -> None:
    voice = make_voice("polly", backoff=Backoff(attempts=3, sleep=record_sleeps[1]))
    with pytest.raises(SynthesisError, match="ServiceFailureException after 3 attempts"):
        voice.synthesize("Rest now.")
    assert failing_polly.requests == 3


def test_missing_configuration_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    with pytest.raises(SynthesisError, match="needs a region; set AWS_REGION"):
        make_voice("polly").synthesize("Rest now.")


TEXT = st.text(alphabet=st.sampled_from(list("abc .,;!?\n")), max_size=400)


@given(TEXT, st.integers(min_value=5, max_value=80))
def test_chunks_fit_the_limit_and_lose_no_character(text: str, limit: int) -> None:
    chunks = list(chunk_text(text, limit))
    assert all(0 < len(chunk) <= limit for chunk in chunks)
    assert "".join("".join(chunks).split()) == "".join(text.split())


def test_ssml_goes_to_polly_as_ssml_in_one_request(
    polly: tuple[Any, Stubber], record_sleeps: Sleeps
) -> None:
    client, stubber = polly
    document = '<speak>Your <phoneme alphabet="ipa" ph="ˌdiːɛnˈeɪ">DNA</phoneme>.</speak>'
    stubber.add_response(
        "synthesize_speech", pcm_answer(0.5), {**request(document), "TextType": "ssml"}
    )
    speech = make_voice("polly", client=client).synthesize_ssml(document)
    assert speech.duration_seconds == pytest.approx(0.5)


def test_ssml_over_the_size_limit_is_refused_with_a_sentence(polly: tuple[Any, Stubber]) -> None:
    client, _ = polly
    voice = make_voice("polly", client=client, max_characters=40)
    with pytest.raises(SynthesisError, match="over Polly's 40; split it"):
        voice.synthesize_ssml("<speak>" + "word " * 20 + "</speak>")
