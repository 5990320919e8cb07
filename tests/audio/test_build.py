"""The build pipeline with real synthesis (offline voice, three tiny sections) into real stores.

Local builds use a folder under tmp_path; S3 builds go through boto3 to moto's server over HTTP.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from audio.build import (
    CLIP_CACHE_CONTROL,
    BuildOptions,
    BuildReport,
    build_store,
    section_entry,
)
from audio.cache import ClipCache
from audio.check import check_store
from audio.errors import AudioError, StoreError, SynthesisError
from audio.manifest import MANIFEST_KEY, Manifest, Target, parse_manifest
from audio.narration import RenderedPart
from audio.settings import RenderSettings
from audio.stores import LocalStore, S3Store, Store
from audio.voices import Voice, make_voice
from content import Guide

SETTINGS = RenderSettings()
Edit = Callable[[Guide, str, str], Guide]
pytestmark = pytest.mark.slow  # real synthesis with the offline voice


def published(store: Store) -> Manifest:
    data = store.get(MANIFEST_KEY)
    assert data is not None, "no manifest.json in the store"
    return parse_manifest(data)


@pytest.fixture
def cache(tmp_path: Path) -> ClipCache:
    return ClipCache(tmp_path / "cache")


@pytest.fixture
def build(small_guide: Guide, offline_voice: Voice, cache: ClipCache) -> Callable[..., BuildReport]:
    """Builds the small guide (or another) into a store with this test's cache."""

    def run(store: Store, guide: Guide = small_guide, **options: Any) -> BuildReport:
        return build_store(guide, store, offline_voice, SETTINGS, cache, BuildOptions(**options))

    return run


def test_first_build_publishes_every_section_in_article_order_with_valid_clips(
    build: Callable[..., BuildReport], small_guide: Guide, tmp_path: Path
) -> None:
    store = LocalStore(tmp_path / "store")
    report = build(store, jobs=2)
    manifest = published(store)
    assert [entry.id for entry in manifest.sections] == list(small_guide.ids)
    assert [entry.title for entry in manifest.sections] == [s.title for s in small_guide.sections]
    assert manifest.voice == make_voice("piper").id
    assert manifest.render == SETTINGS.fingerprint()
    assert (report.synthesized, report.cached, report.skipped) == (3, 0, 0)
    assert report.uploaded == report.clips == len(manifest.parts) >= 3
    assert report.published
    assert check_store(store, SETTINGS).problems == ()


def test_rebuild_with_no_changes_synthesizes_nothing_and_writes_nothing(
    build: Callable[..., BuildReport], tmp_path: Path
) -> None:
    store = LocalStore(tmp_path / "store")
    build(store)
    written = {path: path.stat().st_mtime_ns for path in (tmp_path / "store").rglob("*")}
    report = build(store)
    assert (report.synthesized, report.cached, report.uploaded) == (0, 0, 0)
    assert report.skipped == report.clips
    assert not report.published
    assert {path: path.stat().st_mtime_ns for path in (tmp_path / "store").rglob("*")} == written


def test_changing_one_section_renders_and_uploads_only_that_section(
    build: Callable[..., BuildReport], small_guide: Guide, edit_section: Edit, tmp_path: Path
) -> None:
    store = LocalStore(tmp_path / "store")
    build(store)
    before = published(store)
    report = build(store, edit_section(small_guide, "quiet-days", "Rest when you can."))
    after = published(store)
    assert (report.synthesized, report.cached, report.uploaded) == (1, 0, 1)
    assert after.sections[0] == before.sections[0] and after.sections[2] == before.sections[2]
    assert after.sections[1].fingerprint != before.sections[1].fingerprint
    assert report.published


def test_force_narrates_and_uploads_everything_again(
    build: Callable[..., BuildReport], tmp_path: Path
) -> None:
    store = LocalStore(tmp_path / "store")
    first = build(store)
    report = build(store, force=True)
    assert (report.synthesized, report.cached, report.skipped) == (3, 0, 0)
    assert report.uploaded == first.clips


def test_a_new_store_is_filled_from_the_cache_without_synthesis(
    build: Callable[..., BuildReport], tmp_path: Path
) -> None:
    build(LocalStore(tmp_path / "first"))
    report = build(LocalStore(tmp_path / "second"))
    assert (report.synthesized, report.cached) == (0, 3)
    assert report.uploaded == report.clips
    assert published(LocalStore(tmp_path / "second")) == published(LocalStore(tmp_path / "first"))


def test_a_clip_deleted_from_the_store_is_uploaded_again_from_the_cache(
    build: Callable[..., BuildReport], tmp_path: Path
) -> None:
    store = LocalStore(tmp_path / "store")
    build(store)
    lost = published(store).parts[1].key
    store.delete([lost])
    report = build(store)
    assert (report.synthesized, report.uploaded) == (0, 1)
    assert store.get(lost) is not None
    assert check_store(store, SETTINGS).ok


def test_prune_deletes_clips_the_new_manifest_no_longer_references(
    build: Callable[..., BuildReport], small_guide: Guide, edit_section: Edit, tmp_path: Path
) -> None:
    store = LocalStore(tmp_path / "store")
    build(store)
    old = published(store).sections[0].parts
    report = build(store, edit_section(small_guide, "first-steps", "One step."), prune=True)
    assert report.pruned == len(old)
    assert all(store.get(part.key) is None for part in old)
    remaining = {item.key for item in store.list("clips/")}
    assert remaining == published(store).keys


def test_a_synthesis_failure_publishes_nothing_and_keeps_the_previous_manifest(
    build: Callable[..., BuildReport], small_guide: Guide, cache: ClipCache, tmp_path: Path
) -> None:
    store = LocalStore(tmp_path / "store")
    build(store)
    before = store.get(MANIFEST_KEY)
    broken_model = tmp_path / "broken.onnx"
    broken_model.write_bytes(b"not a model")
    broken = make_voice("piper", model_path=broken_model)
    with pytest.raises(SynthesisError, match="cannot load the Piper model"):
        build_store(small_guide, store, broken, SETTINGS, cache, BuildOptions())
    assert store.get(MANIFEST_KEY) == before


def test_a_rendered_part_over_alexas_limit_stops_the_build_with_an_audio_error() -> None:
    target = Target("long-one", "Long One", "cd" * 32)
    too_long = RenderedPart(number=1, mp3=b"\xff\xf3", duration=240.6)
    with pytest.raises(AudioError, match="section 'long-one' rendered clips no manifest may hold"):
        section_entry(target, [too_long])


def record_puts(client: Any) -> list[tuple[str, str]]:
    """("send", key) as each PutObject starts and ("done", key) as its response arrives."""
    events: list[tuple[str, str]] = []

    def sending(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context["put_key"] = params["Key"]
        events.append(("send", params["Key"]))

    def done(context: dict[str, Any], **_: Any) -> None:
        events.append(("done", context["put_key"]))

    client.meta.events.register("before-parameter-build.s3.PutObject", sending)
    client.meta.events.register("after-call.s3.PutObject", done)
    return events


def test_s3_build_uploads_clips_first_and_the_manifest_last_with_their_headers(
    build: Callable[..., BuildReport], s3_client: Any, make_bucket: Callable[[], str]
) -> None:
    bucket = make_bucket()
    events = record_puts(s3_client)
    build(S3Store(bucket, "skill/audio", client=s3_client), jobs=3)
    manifest_key = "skill/audio/manifest.json"
    assert events[-2:] == [("send", manifest_key), ("done", manifest_key)]
    clips = [key for _, key in events[:-2]]
    manifest = parse_manifest(s3_client.get_object(Bucket=bucket, Key=manifest_key)["Body"].read())
    assert sorted(set(clips)) == sorted(f"skill/audio/{key}" for key in manifest.keys)
    head = s3_client.head_object(Bucket=bucket, Key=manifest_key)
    assert (head["ContentType"], head["CacheControl"]) == ("application/json", "no-cache")
    for key in set(clips):
        head = s3_client.head_object(Bucket=bucket, Key=key)
        assert (head["ContentType"], head["CacheControl"]) == ("audio/mpeg", CLIP_CACHE_CONTROL)


def test_s3_rebuild_with_no_changes_sends_no_uploads(
    build: Callable[..., BuildReport], s3_client: Any, make_bucket: Callable[[], str]
) -> None:
    store = S3Store(make_bucket(), client=s3_client)
    build(store)
    events = record_puts(s3_client)
    report = build(store)
    assert events == []
    assert (report.synthesized, report.uploaded, report.skipped) == (0, 0, report.clips)


def test_s3_upload_refused_mid_build_keeps_the_previous_manifest_and_the_rerun_finishes(
    build: Callable[..., BuildReport],
    small_guide: Guide,
    edit_section: Edit,
    s3_client: Any,
    make_bucket: Callable[[], str],
    deny_uploads: Callable[[str, str], None],
) -> None:
    bucket = make_bucket()
    store = S3Store(bucket, client=s3_client)
    build(store)
    before = store.get(MANIFEST_KEY)
    changed = edit_section(small_guide, "first-steps", "Begin gently.")
    changed = edit_section(changed, "onward", "Keep going.")
    deny_uploads(bucket, "clips/onward/*")
    stored_before = {item.key for item in store.list()}

    with pytest.raises(StoreError, match=rf"could not upload clips/onward/\S+ to s3://{bucket}"):
        build(store, changed)
    assert store.get(MANIFEST_KEY) == before
    new_objects = {item.key for item in store.list()} - stored_before
    assert [key.split("/")[1] for key in new_objects] == ["first-steps"]  # failed mid-way

    s3_client.delete_bucket_policy(Bucket=bucket)
    report = build(store, changed)
    assert (report.synthesized, report.cached, report.uploaded) == (0, 2, 1)
    assert [s.fingerprint for s in published(store).sections] != [
        s.fingerprint for s in parse_manifest(before).sections
    ]
    assert check_store(store, SETTINGS).ok
