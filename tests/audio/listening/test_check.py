"""The listening check on real Piper clips: the guide's clips and the guided reflection's
pass; a clip of another section, a clip cut in half and white noise fail, as do a reflection
prompt cut in half, another prompt's clip and a space that speaks; an undecodable clip is
named."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from audio.ffmpeg import run_ffmpeg
from audio.listening.check import (
    MAX_SHORT_CLIP_RATE,
    MAX_WORD_ERROR_RATE,
    ClipHearing,
    listen_to_manifest,
    listen_to_reflection,
    listen_to_section,
)
from audio.listening.recognizer import Recognizer
from audio.listening.words import WordErrors
from audio.manifest import Manifest, Part, SectionEntry, clip_key
from audio.stores import LocalStore
from content import Guide
from scripts.cli import main
from tests.audio.conftest import published

pytestmark = pytest.mark.slow  # real synthesis and recognition


def _manifest(store_dir: Path) -> Manifest:
    return published(LocalStore(store_dir))


def _listen(store_dir: Path, guide: Guide, recognizer: Recognizer, replaced: dict[str, bytes]):
    store = LocalStore(store_dir)
    return listen_to_manifest(
        _manifest(store_dir), guide, lambda key: replaced.get(key) or store.get(key), recognizer
    )


def _mp3(pcm: bytes, rate: int = 24000) -> bytes:
    return run_ffmpeg(
        ["-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0",
         "-b:a", "48k", "-f", "mp3", "pipe:1"],
        pcm,
    )


def test_the_guides_real_clips_pass(
    captioned_store: Path, three_sections: Guide, recognizer: Recognizer
) -> None:
    report = _listen(captioned_store, three_sections, recognizer, {})
    assert report.ok, [f"{clip.key}: {clip.verdict()}" for clip in report.failures]
    manifest = _manifest(captioned_store)
    assert [clip.key for clip in report.clips] == [part.key for part in manifest.parts]
    sections = report.clips[: len(manifest.sections)]
    assert all(clip.errors and clip.errors.rate <= MAX_WORD_ERROR_RATE for clip in sections)
    *spoken, space = report.clips[len(manifest.sections):]
    assert len(spoken) == 2 + 3 * 3  # the opening, three sections' prompts, the close
    assert all(clip.errors and clip.errors.rate <= MAX_SHORT_CLIP_RATE for clip in spoken)
    assert space.section == "reflect-space" and space.errors and space.errors.errors == 0
    assert 0 < report.real_time_factor < 1


def _reflection(store_dir: Path, clip_id: str):
    return next(e for e in _manifest(store_dir).reflections if e.id == clip_id).parts[0]


def test_a_reflection_prompt_cut_in_half_or_swapped_fails_and_a_space_that_speaks_fails(
    captioned_store: Path, three_sections: Guide, recognizer: Recognizer
) -> None:
    store = LocalStore(captioned_store)
    first, second = (_reflection(captioned_store, f"reflect-final-thoughts-{n}") for n in (1, 2))
    space = _reflection(captioned_store, "reflect-space")
    half = run_ffmpeg(
        ["-i", "pipe:0", "-t", f"{first.duration / 2:.2f}", "-c", "copy", "-f", "mp3", "pipe:1"],
        store.get(first.key),
    )
    for replaced, rate in (
        ({first.key: half}, 0.25), ({first.key: store.get(second.key)}, 0.6),
        ({space.key: store.get(second.key)}, 1.0),
    ):
        report = _listen(captioned_store, three_sections, recognizer, replaced)
        [failure] = report.failures
        assert failure.key in replaced and failure.errors.rate >= rate, failure.verdict()
        assert failure.aligned is not True


def test_a_short_clip_over_the_threshold_passes_only_when_its_text_aligns() -> None:
    three_of_sixteen = WordErrors(16, 2, 1, 0, ("and", "what", "are"))
    hearing = ClipHearing("clips/reflect-x", "reflect-x", 5.0, 0.2, three_of_sixteen)
    assert not hearing.ok
    assert ClipHearing(**{**hearing.__dict__, "aligned": True}).ok
    assert not ClipHearing(**{**hearing.__dict__, "aligned": False}).ok
    assert "does not align" in ClipHearing(**{**hearing.__dict__, "aligned": False}).verdict()
    six_of_sixteen = WordErrors(16, 6, 0, 0, ("a",) * 6)
    assert not ClipHearing("k", "s", 5.0, 0.2, six_of_sixteen, aligned=True).ok


def test_a_clip_of_another_section_fails(
    captioned_store: Path, three_sections: Guide, recognizer: Recognizer
) -> None:
    first, second = _manifest(captioned_store).parts[:2]
    other = LocalStore(captioned_store).get(second.key)
    report = _listen(captioned_store, three_sections, recognizer, {first.key: other})
    assert [clip.key for clip in report.failures] == [first.key]
    assert report.failures[0].errors.rate > 0.8
    assert "words wrong" in report.failures[0].verdict()


def test_a_clip_cut_in_half_fails(
    captioned_store: Path, three_sections: Guide, recognizer: Recognizer
) -> None:
    part = _manifest(captioned_store).parts[1]
    data = LocalStore(captioned_store).get(part.key)
    half = run_ffmpeg(
        ["-i", "pipe:0", "-t", f"{part.duration / 2:.2f}", "-c", "copy", "-f", "mp3", "pipe:1"],
        data,
    )
    report = _listen(captioned_store, three_sections, recognizer, {part.key: half})
    [failure] = report.failures
    assert failure.key == part.key
    assert 0.35 < failure.errors.rate < 0.65
    assert failure.errors.deletions > failure.errors.substitutions


def test_white_noise_fails(
    captioned_store: Path, three_sections: Guide, recognizer: Recognizer
) -> None:
    part = _manifest(captioned_store).parts[2]
    noise = np.random.default_rng(3).normal(0, 3000, int(part.duration * 24000))
    clip = _mp3(noise.clip(-32768, 32767).astype("<i2").tobytes())
    report = _listen(captioned_store, three_sections, recognizer, {part.key: clip})
    [failure] = report.failures
    assert failure.key == part.key and failure.errors.rate > 0.8


def test_an_undecodable_clip_gets_one_sentence_naming_it(
    captioned_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copytree(captioned_store, tmp_path / "store")
    part = _manifest(tmp_path / "store").parts[0]
    before = (tmp_path / "store" / "manifest.json").read_bytes()
    (tmp_path / "store" / part.key).write_bytes(b"this is not audio at all" * 100)
    assert main(["check", "--store", str(tmp_path / "store"), "--listen"]) == 1
    out = capsys.readouterr().out
    [line] = [line for line in out.splitlines() if "FAIL" in line and "cannot be decoded" in line]
    assert part.key in line and line.rstrip().endswith("build the audio again")
    assert line.count(". ") == 0  # one sentence
    assert main(["check", "--store", str(tmp_path / "store"), "--listen", "--json"]) == 1
    listening = json.loads(capsys.readouterr().out)["listening"]
    sections = listening["clips"][:3]
    assert [clip["ok"] for clip in sections] == [False, True, True]
    assert sections[0]["word_error_rate"] is None
    assert all(clip["word_error_rate"] <= MAX_WORD_ERROR_RATE for clip in sections[1:])
    assert all(clip["ok"] for clip in listening["clips"][3:])
    assert (tmp_path / "store" / "manifest.json").read_bytes() == before


def _unknown_entry(entry_id: str) -> SectionEntry:
    sha = "ab" * 32
    part = Part(key=clip_key(entry_id, sha, 1), sha256=sha, bytes=1, duration=2.0)
    return SectionEntry(id=entry_id, title="Gone", fingerprint=sha, parts=(part,))


def test_a_clip_the_guide_does_not_have_is_refused_by_name_without_being_read(
    three_sections: Guide,
) -> None:
    def unread(key: str) -> bytes:
        raise AssertionError(f"{key} was read")

    for hearings, kind, entry_id in (
        (listen_to_reflection(_unknown_entry("reflect-gone-1"), None, unread, None),
         "reflection clip", "reflect-gone-1"),
        (listen_to_section(_unknown_entry("gone"), three_sections, unread, None),
         "section", "gone"),
    ):
        [hearing] = hearings
        assert not hearing.ok
        assert hearing.verdict().startswith(f"{kind} {entry_id!r} is not in the guide")
        assert "--content" in hearing.verdict()
