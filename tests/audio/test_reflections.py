"""The guided reflection's clips, narrated by the offline voice into a real folder store."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from audio import loudness
from audio.build import BuildOptions, build_store
from audio.cache import ClipCache
from audio.check import check_store
from audio.chime import quiet_until
from audio.manifest import Manifest
from audio.reflections import (
    CLOSE_ID,
    OPENING_ID,
    SPACE_ID,
    clip_fingerprint,
    prompt_id,
    reflection_clips,
)
from audio.settings import RenderSettings
from audio.stores import LocalStore, Store
from audio.voices import Voice
from content import Guide
from content.lexicon import Entry, Lexicon
from tests.audio.conftest import decoded, published

SETTINGS = RenderSettings()
QUIET_DBFS = -35.0
WINDOW_SECONDS = 0.4
pytestmark = pytest.mark.slow  # real synthesis with the offline voice

@pytest.fixture(scope="module")
def built(
    small_guide: Guide, offline_voice: Voice, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Store, ClipCache]:
    """The small guide built once into a store, with its cache."""
    root = tmp_path_factory.mktemp("reflections")
    store, cache = LocalStore(root / "store"), ClipCache(root / "cache")
    build_store(small_guide, store, offline_voice, SETTINGS, cache)
    return store, cache


def clip_of(store: Store, manifest: Manifest, clip_id: str) -> np.ndarray:
    entry = manifest.entry(clip_id)
    assert entry is not None and len(entry.parts) == 1
    data = store.get(entry.parts[0].key)
    assert data is not None
    return decoded(data, SETTINGS.sample_rate)


def loudest_window_dbfs(samples: np.ndarray) -> float:
    """The RMS level of the loudest 400 ms window, in dBFS."""
    size = round(WINDOW_SECONDS * SETTINGS.sample_rate)
    windows = samples[: len(samples) // size * size].reshape(-1, size)
    rms = np.sqrt(np.mean(np.square(windows), axis=1)).max(initial=0.0)
    return -np.inf if rms == 0 else 20 * np.log10(rms)


def test_every_reflection_clip_is_listed_after_the_sections(
    built: tuple[Store, ClipCache], small_guide: Guide
) -> None:
    store, _ = built
    manifest = published(store)
    assert [entry.id for entry in manifest.sections] == list(small_guide.ids)
    expected = [clip.id for clip in reflection_clips(small_guide)]
    assert [entry.id for entry in manifest.reflections] == expected
    assert {OPENING_ID, CLOSE_ID, SPACE_ID, prompt_id(small_guide.ids[0], 1)} <= set(expected)
    assert all(part.key.startswith("clips/reflect-") for e in manifest.reflections
               for part in e.parts)


def test_every_reflection_clip_meets_alexas_audio_rules(built: tuple[Store, ClipCache]) -> None:
    store, _ = built
    report = check_store(store, SETTINGS)
    assert report.ok, report.problems
    assert report.clips == len(published(store).parts)


def test_a_guided_reflections_audio_is_quiet_in_its_spaces_and_at_the_target_loudness(
    built: tuple[Store, ClipCache], small_guide: Guide
) -> None:
    store, _ = built
    manifest = published(store)
    guided = small_guide.skill.guided_reflection
    section = small_guide.sections[0]
    spoken = [OPENING_ID, *(prompt_id(section.id, n)
                            for n in range(1, len(section.reflections) + 1)), CLOSE_ID]
    for clip_id in spoken:
        samples = clip_of(store, manifest, clip_id)
        lufs = loudness.integrated_loudness(samples, SETTINGS.sample_rate)
        assert abs(lufs - SETTINGS.target_lufs) <= SETTINGS.lufs_tolerance, clip_id
        assert loudness.true_peak(samples) <= SETTINGS.true_peak_dbtp, clip_id
    space = clip_of(store, manifest, SPACE_ID)
    assert abs(len(space) / SETTINGS.sample_rate - guided.space_seconds) < 0.2
    quiet_end = round(quiet_until(guided.space_seconds, with_chime=True) * SETTINGS.sample_rate)
    assert loudest_window_dbfs(space[:quiet_end]) < QUIET_DBFS
    chime = space[quiet_end - SETTINGS.sample_rate // 10:]
    chime_lufs = loudness.integrated_loudness(chime, SETTINGS.sample_rate)
    assert abs(chime_lufs - SETTINGS.target_lufs) <= SETTINGS.lufs_tolerance
    assert loudness.true_peak(chime) <= SETTINGS.true_peak_dbtp
    assert loudest_window_dbfs(chime) > QUIET_DBFS  # the chime is there to be heard


def test_a_rebuild_with_nothing_changed_renders_and_uploads_no_reflection_clip(
    built: tuple[Store, ClipCache], small_guide: Guide, offline_voice: Voice
) -> None:
    store, cache = built
    before = published(store)
    report = build_store(small_guide, store, offline_voice, SETTINGS, cache)
    assert (report.uploaded, report.published) == (0, False)
    assert published(store) == before


def test_a_changed_prompt_is_narrated_again_and_nothing_else(
    built: tuple[Store, ClipCache], small_guide: Guide, offline_voice: Voice, tmp_path: Path
) -> None:
    store, cache = built
    first = small_guide.sections[0]
    changed = first.model_copy(update={"reflections": ("What would kindness to yourself be?",)})
    guide = Guide(
        sections=(changed, *small_guide.sections[1:]),
        skill=small_guide.skill,
        phrasings=small_guide.phrasings,
    )
    fresh = LocalStore(tmp_path / "copy")
    for item in store.list(""):
        fresh.put(item.key, store.get(item.key) or b"", content_type="audio/mpeg",
                  cache_control="no-cache")
    before = published(fresh)
    report = build_store(guide, fresh, offline_voice, SETTINGS, cache)
    after = published(fresh)
    moved = {e.id for e in after.reflections if e != before.entry(e.id)}
    assert moved == {prompt_id(first.id, 1)}
    assert report.uploaded == 1


def test_without_a_chime_the_space_is_silence_that_passes_the_check(
    small_guide: Guide, offline_voice: Voice, tmp_path: Path, built: tuple[Store, ClipCache]
) -> None:
    _, cache = built
    guided = small_guide.skill.guided_reflection.model_copy(update={"chime": False})
    skill = small_guide.skill.model_copy(update={"guided_reflection": guided})
    guide = Guide(sections=small_guide.sections, skill=skill, phrasings=small_guide.phrasings)
    store = LocalStore(tmp_path / "store")
    build_store(guide, store, offline_voice, SETTINGS, cache)
    space = clip_of(store, published(store), SPACE_ID)
    assert loudest_window_dbfs(space) < QUIET_DBFS
    assert check_store(store, SETTINGS).ok


def test_pruning_keeps_the_reflection_clips(
    built: tuple[Store, ClipCache], small_guide: Guide, offline_voice: Voice
) -> None:
    store, cache = built
    build_store(small_guide, store, offline_voice, SETTINGS, cache, BuildOptions(prune=True))
    manifest = published(store)
    stored = {item.key for item in store.list("clips/")}
    assert {p.key for e in manifest.reflections for p in e.parts} <= stored



def test_a_lexicon_entry_changes_only_the_reflection_clips_whose_words_it_respells(
    small_guide: Guide,
) -> None:
    guided = small_guide.skill.guided_reflection
    spoken = [clip for clip in reflection_clips(small_guide) if clip.text]
    word = next(w for w in spoken[0].text.split() if w.isalpha() and len(w) > 3)
    lexicon = Lexicon(entries=(Entry(word.lower(), "zzyx"),))

    def fingerprints(lex: Lexicon) -> dict[str, str]:
        return {c.id: clip_fingerprint(c, guided, "piper", SETTINGS, lex) for c in spoken}

    before, after = fingerprints(Lexicon()), fingerprints(lexicon)
    using = {c.id for c in spoken if lexicon.applied(c.text)}
    assert spoken[0].id in using
    assert {clip_id for clip_id in before if before[clip_id] != after[clip_id]} == using
