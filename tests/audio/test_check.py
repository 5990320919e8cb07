"""Checking a published store: a sound build passes; every kind of damage is named."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from pydub.generators import Sine

from audio.build import BuildOptions, build_store
from audio.cache import ClipCache
from audio.check import Problem, check_store
from audio.ffmpeg import run_ffmpeg
from audio.manifest import MANIFEST_KEY, clip_key
from audio.settings import RenderSettings
from audio.stores import LocalStore
from audio.voices import Voice
from content import Guide
from tests.audio.conftest import published

SETTINGS = RenderSettings()
pytestmark = pytest.mark.slow  # real synthesis with the offline voice


@pytest.fixture(scope="module")
def built(
    tmp_path_factory: pytest.TempPathFactory, small_guide: Guide, offline_voice: Voice
) -> Path:
    """The small guide built once into a folder; tests copy it before changing anything."""
    root = tmp_path_factory.mktemp("built")
    cache = ClipCache(root / "cache")
    store = LocalStore(root / "store")
    build_store(small_guide, store, offline_voice, SETTINGS, cache, BuildOptions())
    return root / "store"


@pytest.fixture
def store(built: Path, tmp_path: Path) -> LocalStore:
    shutil.copytree(built, tmp_path / "store")
    return LocalStore(tmp_path / "store")


def test_a_fresh_build_passes(store: LocalStore) -> None:
    report = check_store(store, SETTINGS)
    assert report.ok, report.problems
    assert (report.sections, report.clips) == (3, len(published(store).parts))


def test_missing_changed_and_truncated_clips_are_each_named(store: LocalStore) -> None:
    first, second, third = published(store).parts[:3]
    store.delete([first.key])
    data = bytearray(store.get(second.key) or b"")
    data[-1] ^= 0xFF
    headers = {"content_type": "audio/mpeg", "cache_control": "no-cache"}
    store.put(second.key, bytes(data), **headers)
    store.put(third.key, (store.get(third.key) or b"")[:-100], **headers)
    report = check_store(store, SETTINGS)
    assert not report.ok
    assert report.problems == (
        Problem(first.key, "missing from the store"),
        Problem(second.key, "contents differ from the manifest's sha256"),
        Problem(
            third.key, f"{third.bytes - 100} bytes in the store, {third.bytes} in the manifest"
        ),
    )


def test_a_clip_outside_alexas_format_is_reported_with_the_rule_it_breaks(
    store: LocalStore,
) -> None:
    tone = Sine(440).to_audio_segment(duration=1000).set_channels(1).set_sample_width(2)
    mp3 = run_ffmpeg(
        ["-f", "s16le", "-ar", str(tone.frame_rate), "-ac", "1", "-i", "pipe:0",
         "-codec:a", "libmp3lame", "-b:a", "128k", "-ar", "44100", "-f", "mp3", "pipe:1"],
        tone.raw_data,
    )
    manifest = published(store)
    section = manifest.sections[0]
    digest = hashlib.sha256(mp3).hexdigest()
    replaced = section.parts[0].model_copy(
        update={"key": clip_key(section.id, digest, 1), "sha256": digest, "bytes": len(mp3)}
    )
    store.put(replaced.key, mp3, content_type="audio/mpeg", cache_control="no-cache")
    sections = (section.model_copy(update={"parts": (replaced, *section.parts[1:])}),
                *manifest.sections[1:])
    store.put(MANIFEST_KEY, manifest.model_copy(update={"sections": sections}).to_json(),
              content_type="application/json", cache_control="no-cache")
    messages = [problem.message for problem in check_store(store, SETTINGS).problems]
    assert "MPEG version 1; Alexa needs MPEG version 2" in messages
    assert "128 kbps; Alexa needs 48 kbps" in messages
    assert "44100 Hz; clips must be 24000 Hz" in messages


def test_a_store_without_a_manifest_says_to_build_first(tmp_path: Path) -> None:
    report = check_store(LocalStore(tmp_path), SETTINGS)
    assert report.problems == (
        Problem(MANIFEST_KEY, "missing; build the audio into this store first"),
    )


def test_a_manifest_that_is_not_valid_is_a_problem(store: LocalStore) -> None:
    store.put(MANIFEST_KEY, b'{"schema_version": 1}', content_type="application/json",
              cache_control="no-cache")
    (problem,) = check_store(store, SETTINGS).problems
    assert problem.key == MANIFEST_KEY and problem.message.startswith("not valid: ")
