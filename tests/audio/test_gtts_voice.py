"""The gTTS voice over real HTTP to a local server: rate limits, retries, outages, bad answers."""

from __future__ import annotations

import base64
import socket
from collections.abc import Callable
from urllib.parse import unquote_plus

import pytest
from pydub.generators import Sine

from audio import ffmpeg
from audio.errors import SynthesisError
from audio.voices import make_voice
from audio.voices.backoff import Backoff
from audio.voices.gtts_voice import GttsVoice
from tests.audio.conftest import Sleeps, SpeechServer, loopback_session


def google_answer(seconds: float = 0.5) -> str:
    """A batchexecute response carrying an MP3, shaped like Google's."""
    tone = Sine(300, sample_rate=24000).to_audio_segment(duration=int(seconds * 1000), volume=-10)
    mp3 = ffmpeg.run_ffmpeg(
        ["-f", "s16le", "-ar", "24000", "-ac", "1", "-i", "pipe:0",
         "-codec:a", "libmp3lame", "-b:a", "32k", "-f", "mp3", "pipe:1"],
        tone.raw_data,
    )
    audio = base64.b64encode(mp3).decode("ascii")
    return f')]}}\'\n\n123\n[["wrb.fr","jQ1olc","[\\"{audio}\\"]",null,null,null,"generic"]]\n'


def voice_for(server: SpeechServer, sleep: Callable[[float], None]) -> GttsVoice:
    return make_voice(
        "gtts",
        session=loopback_session(server.base_url),
        backoff=Backoff(attempts=3, first_delay=0.5, sleep=sleep),
    )


def test_speech_comes_back_decoded(speech_server: SpeechServer, record_sleeps: Sleeps) -> None:
    speech_server.script.append((200, google_answer(0.5)))
    speech = voice_for(speech_server, record_sleeps[1]).synthesize("Rest now.")
    assert (speech.frame_rate, speech.channels) == (24000, 1)
    assert speech.duration_seconds == pytest.approx(0.5, abs=0.15)
    assert "Rest now." in unquote_plus(speech_server.bodies[0])


def test_a_rate_limit_is_retried_after_a_pause(
    speech_server: SpeechServer, record_sleeps: Sleeps
) -> None:
    speech_server.script += [(429, "slow down"), (503, "busy"), (200, google_answer())]
    delays, sleep = record_sleeps
    speech = voice_for(speech_server, sleep).synthesize("Rest now.")
    assert len(speech) > 0
    assert len(speech_server.bodies) == 3
    assert delays == [0.5, 1.0]


def test_a_lasting_rate_limit_gives_up_with_advice(
    speech_server: SpeechServer, record_sleeps: Sleeps
) -> None:
    speech_server.script += [(429, "slow down")] * 3
    with pytest.raises(SynthesisError) as raised:
        voice_for(speech_server, record_sleeps[1]).synthesize("Rest now.")
    message = str(raised.value)
    assert "rate limiting" in message and "HTTP 429 after 3 attempts" in message
    assert "--voice piper" in message
    assert len(speech_server.bodies) == 3


def test_a_refusal_is_not_retried(speech_server: SpeechServer, record_sleeps: Sleeps) -> None:
    speech_server.script.append((403, "forbidden"))
    with pytest.raises(SynthesisError, match=r"refused the request \(HTTP 403\)"):
        voice_for(speech_server, record_sleeps[1]).synthesize("Rest now.")
    assert record_sleeps[0] == []


def test_an_answer_without_audio_is_explained(
    speech_server: SpeechServer, record_sleeps: Sleeps
) -> None:
    speech_server.script.append((200, ")]}'\n\n[]"))
    with pytest.raises(SynthesisError, match="answered without audio"):
        voice_for(speech_server, record_sleeps[1]).synthesize("Rest now.")


def test_an_answer_with_broken_audio_is_explained(
    speech_server: SpeechServer, record_sleeps: Sleeps
) -> None:
    answer = google_answer().replace('[\\"', '[\\"%%not base64%%', 1)
    speech_server.script.append((200, answer))
    with pytest.raises(SynthesisError, match="answered without audio"):
        voice_for(speech_server, record_sleeps[1]).synthesize("Rest now.")


def test_an_answer_cut_off_midway_is_retried(
    speech_server: SpeechServer, record_sleeps: Sleeps
) -> None:
    answer = google_answer()
    cut_off = (200, answer[:40], {"Content-Length": str(len(answer))})
    speech_server.script += [cut_off, (200, answer)]
    delays, sleep = record_sleeps
    assert len(voice_for(speech_server, sleep).synthesize("Rest now.")) > 0
    assert delays == [0.5]


def test_an_answer_that_cannot_be_read_is_explained_without_retrying(
    speech_server: SpeechServer, record_sleeps: Sleeps
) -> None:
    speech_server.script.append((200, google_answer(), {"Content-Encoding": "gzip"}))
    with pytest.raises(SynthesisError, match=r"the request to translate\.google\.com failed"):
        voice_for(speech_server, record_sleeps[1]).synthesize("Rest now.")
    assert record_sleeps[0] == []


def test_text_with_nothing_to_say_gives_no_audio_and_sends_nothing(
    speech_server: SpeechServer, record_sleeps: Sleeps
) -> None:
    assert len(voice_for(speech_server, record_sleeps[1]).synthesize("...")) == 0
    assert speech_server.bodies == []


def test_an_unreachable_service_is_retried_then_explained(record_sleeps: Sleeps) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    delays, sleep = record_sleeps
    voice = voice_for(SpeechServer(port=port), sleep)
    with pytest.raises(SynthesisError) as raised:
        voice.synthesize("Rest now.")
    assert "cannot reach translate.google.com after 3 attempts" in str(raised.value)
    assert "check the network connection" in str(raised.value)
    assert delays == [0.5, 1.0]


def test_long_text_is_sent_in_pieces_and_joined(
    speech_server: SpeechServer, record_sleeps: Sleeps
) -> None:
    text = "Rest now, and come back whenever you are ready. " * 4
    speech_server.script += [(200, google_answer(0.3))] * 8
    speech = voice_for(speech_server, record_sleeps[1]).synthesize(text)
    pieces = len(speech_server.bodies)
    assert pieces >= 2  # gTTS keeps every request under 100 characters
    assert speech.duration_seconds == pytest.approx(0.3 * pieces, abs=0.1 * pieces)


def test_the_id_names_language_and_host() -> None:
    assert make_voice("gtts", lang="en", tld="co.uk").id == "gtts:en:co.uk"
