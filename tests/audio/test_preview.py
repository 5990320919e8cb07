"""The dry run: says what a build would do, agrees with the build that follows, writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from audio.build import BuildOptions, build_store
from audio.cache import ClipCache
from audio.preview import preview_build
from audio.reflections import reflection_clips
from audio.settings import RenderSettings
from audio.stores import LocalStore
from audio.voices import Voice
from content import Guide
from tests.audio.conftest import published

SETTINGS = RenderSettings()
pytestmark = pytest.mark.slow  # real synthesis with the offline voice


def snapshot(root: Path) -> dict[Path, int]:
    """Every file and folder under root with its modification time."""
    return {path: path.stat().st_mtime_ns for path in root.rglob("*")}


def test_an_empty_store_would_get_every_section_and_nothing_is_written(
    small_guide: Guide, offline_voice: Voice, cache: ClipCache, tmp_path: Path
) -> None:
    store = LocalStore(tmp_path / "store")
    report = preview_build(small_guide, store, offline_voice, SETTINGS, cache)
    assert report.actions == (
        "Would synthesize first-steps (First Steps)",
        f"Would upload the clips of first-steps to {store.uri()}",
        "Would synthesize quiet-days (Quiet Days)",
        f"Would upload the clips of quiet-days to {store.uri()}",
        "Would synthesize onward (Onward)",
        f"Would upload the clips of onward to {store.uri()}",
        *(f"Would narrate and upload reflection clip {clip.id} to {store.uri()}"
          for clip in reflection_clips(small_guide)),
        f"Would publish manifest.json to {store.uri()}",
    )
    assert (report.dry_run, report.synthesized, report.published) == (True, 3, True)
    assert not (tmp_path / "store").exists() and not cache.directory.exists()


def test_an_up_to_date_store_has_nothing_to_do(
    small_guide: Guide, offline_voice: Voice, cache: ClipCache, tmp_path: Path
) -> None:
    store = LocalStore(tmp_path / "store")
    build_store(small_guide, store, offline_voice, SETTINGS, cache)
    report = preview_build(small_guide, store, offline_voice, SETTINGS, cache)
    assert report.actions == ()
    assert (report.synthesized, report.uploaded, report.published) == (0, 0, False)
    assert report.skipped == report.clips == 3 + len(reflection_clips(small_guide))


def test_a_changed_section_would_be_narrated_and_only_clips_no_longer_in_use_pruned(
    small_guide: Guide,
    offline_voice: Voice,
    cache: ClipCache,
    edit_section: Callable[[Guide, str, str], Guide],
    tmp_path: Path,
) -> None:
    store = LocalStore(tmp_path / "store")
    build_store(small_guide, store, offline_voice, SETTINGS, cache)
    oldest = published(store).sections[2].parts[0].key
    edited = edit_section(small_guide, "onward", "Tomorrow is a new day.")
    build_store(edited, store, offline_voice, SETTINGS, cache)
    before = snapshot(tmp_path)
    changed = edit_section(small_guide, "onward", "Rest, then begin.")
    report = preview_build(
        changed, store, offline_voice, SETTINGS, cache, BuildOptions(prune=True)
    )
    # The clip replaced two builds ago goes; the one replaced now stays for running skills.
    assert report.actions == (
        "Would synthesize onward (Onward)",
        f"Would upload the clips of onward to {store.uri()}",
        f"Would publish manifest.json to {store.uri()}",
        f"Would delete {oldest} from {store.uri()}",
    )
    assert report.pruned == 1
    assert snapshot(tmp_path) == before


def test_the_preview_of_a_new_store_from_the_cache_matches_the_build_that_follows(
    small_guide: Guide, offline_voice: Voice, cache: ClipCache, tmp_path: Path
) -> None:
    build_store(small_guide, LocalStore(tmp_path / "first"), offline_voice, SETTINGS, cache)
    store = LocalStore(tmp_path / "second")
    preview = preview_build(small_guide, store, offline_voice, SETTINGS, cache)
    built = build_store(small_guide, store, offline_voice, SETTINGS, cache)
    manifest = published(store)
    assert preview.actions == (
        *(f"Would upload {part.key} to {store.uri()}" for part in manifest.parts),
        f"Would publish manifest.json to {store.uri()}",
    )
    assert {item.key for item in store.list("clips/")} == manifest.keys
    counts = ("clips", "synthesized", "cached", "uploaded", "skipped", "published", "duration",
              "reflections", "reflections_synthesized", "reflections_cached")
    assert [getattr(preview, name) for name in counts] == [getattr(built, name) for name in counts]


def test_pruning_over_a_manifest_that_is_not_valid_would_delete_nothing(
    small_guide: Guide, offline_voice: Voice, cache: ClipCache, tmp_path: Path
) -> None:
    store = LocalStore(tmp_path / "store")
    build_store(small_guide, store, offline_voice, SETTINGS, cache)
    store.put("clips/gone/0000000000000000-1.mp3", b"old", content_type="audio/mpeg",
              cache_control="no-cache")
    store.put("manifest.json", b"{}", content_type="application/json", cache_control="no-cache")
    report = preview_build(
        small_guide, store, offline_voice, SETTINGS, cache, BuildOptions(prune=True)
    )
    assert report.actions == (
        f"Would publish manifest.json to {store.uri()}",
        "Would delete no clip: the previous manifest.json is not valid, and running skills "
        "may still play the clips it lists",
    )
    assert report.pruned == 0
