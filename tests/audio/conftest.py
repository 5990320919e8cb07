"""Fixtures for audio tests: synthetic signals, small sections, stores' manifests, the clip
cache and a loopback speech server.

The offline voice itself is `offline_voice` from tests/conftest.py (one model load per session).
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pytest
import requests
from pydub import AudioSegment
from pydub.generators import Sine, WhiteNoise

import audio  # noqa: F401  (before pydub: the package quiets pydub's import-time warnings)
from audio import ffmpeg
from audio.cache import ClipCache
from audio.manifest import MANIFEST_KEY, Manifest, parse_manifest
from audio.stores import Store
from content.models import FollowUp, Section

SPEECH_RATE = 22050
SINE_RATE = 24000
# What the `record_sleeps` fixture gives: the delays asked for, and the sleep that records them.
Sleeps = tuple[list[float], Callable[[float], None]]


def sine(
    frequency: float, amplitude: float, seconds: float = 3.0, phase: float = 0.0
) -> np.ndarray:
    """A pure tone as float samples at SINE_RATE."""
    time = np.arange(int(seconds * SINE_RATE)) / SINE_RATE
    return (amplitude * np.sin(2 * np.pi * frequency * time + phase)).astype(np.float32)


def syllables(seconds: float, level_dbfs: float = -20.0, rate: int = SPEECH_RATE) -> AudioSegment:
    """Speech-like test signal: voiced, breathy bursts of varying loudness with short gaps.

    Peaks stay under full scale, so the loudest levels asked for come out a little quieter.
    """
    pattern = AudioSegment.empty().set_frame_rate(rate)
    rng = np.random.default_rng(7)
    while pattern.duration_seconds < seconds:
        burst = WhiteNoise(sample_rate=rate).to_audio_segment(
            duration=int(rng.integers(80, 260)),
            volume=min(level_dbfs + float(rng.uniform(-12, 3)), -6.0),
        )
        pitch = Sine(float(rng.uniform(90, 180)), sample_rate=rate).to_audio_segment(
            duration=len(burst), volume=min(level_dbfs + 4, -6.0)
        )
        pattern += burst.low_pass_filter(4000).overlay(pitch).fade_in(10).fade_out(20)
        pattern += AudioSegment.silent(duration=int(rng.integers(20, 120)), frame_rate=rate)
    return pattern[: int(seconds * 1000)].set_channels(1).set_sample_width(2)


def decoded(mp3: bytes, sample_rate: int = 24000) -> np.ndarray:
    """A clip decoded by ffmpeg, as float samples, for measuring independently of audio.render."""
    pcm = ffmpeg.decode_pcm(mp3, sample_rate)
    return np.frombuffer(pcm, dtype="<i2").astype(np.float64) / 32768.0


def published(store: Store) -> Manifest:
    """The store's manifest.json, which must be there and valid."""
    data = store.get(MANIFEST_KEY)
    assert data is not None, "no manifest.json in the store"
    return parse_manifest(data)


@pytest.fixture
def cache(tmp_path: Path) -> ClipCache:
    """An empty clip cache for this test."""
    return ClipCache(tmp_path / "cache")


@pytest.fixture
def make_section() -> Callable[..., Section]:
    """Builds a validated Section from a body text, with placeholder answers for the rest."""

    def build(
        body: str, title: str = "A Short Section", narrate_title: bool = True, **fields: Any
    ) -> Section:
        values: dict[str, Any] = {
            "id": "a-short-section",
            "title": title,
            "narrate_title": narrate_title,
            "topic": "a short section",
            "synonyms": ("the short one",),
            "follow_ups": (FollowUp(question="Would you like a reflection?", reflection=True),),
            "reflections": ("What stays with you?",),
            "body": body,
        }
        return Section(**{**values, **fields})

    return build


@dataclass
class SpeechServer:
    """A local stand-in for Google's speech endpoint, answering from a script of responses.

    Each answer is (status, body) or (status, body, headers); headers given replace the
    server's own, so a Content-Length longer than the body cuts the answer off.
    """

    port: int
    script: list[tuple[Any, ...]] = field(default_factory=list)
    bodies: list[str] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class _Handler(http.server.BaseHTTPRequestHandler):
    server: Any

    def do_POST(self) -> None:
        state: SpeechServer = self.server.state
        length = int(self.headers.get("Content-Length", 0))
        state.bodies.append(self.rfile.read(length).decode("utf-8"))
        status, body, *given = state.script.pop(0) if state.script else (500, "script exhausted")
        payload = body.encode("utf-8")
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Content-Length": str(len(payload)),
            **(given[0] if given else {}),
        }
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""


@pytest.fixture
def speech_server() -> Iterator[SpeechServer]:
    """An HTTP server on 127.0.0.1 with an empty script; tests append (status, body) pairs."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.state = SpeechServer(port=server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield server.state
    server.shutdown()
    server.server_close()
    thread.join()


class LoopbackAdapter(requests.adapters.HTTPAdapter):
    """Sends requests for one host to a server on 127.0.0.1 instead, path unchanged."""

    def __init__(self, base_url: str) -> None:
        super().__init__()
        self.base_url = base_url

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        request.url = self.base_url + urlsplit(request.url).path
        return super().send(request, **kwargs)


def loopback_session(base_url: str) -> requests.Session:
    """A requests session whose traffic to translate.google.com goes to `base_url`."""
    session = requests.Session()
    session.trust_env = False  # no proxies from the environment for loopback traffic
    session.mount("https://translate.google.com/", LoopbackAdapter(base_url))
    return session


@pytest.fixture
def record_sleeps() -> Sleeps:
    """A list of requested delays and a sleep function that records instead of waiting."""
    delays: list[float] = []
    return delays, delays.append
