"""The build pipeline with real synthesis (offline voice, three tiny sections) into real stores.

Local builds use a folder under tmp_path; S3 builds go through boto3 to moto's server over HTTP.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydub import AudioSegment

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
from audio.manifest import MANIFEST_KEY, Target, parse_manifest
from audio.narration import RenderedPart
from audio.reflections import SPACE_ID
from audio.settings import RenderSettings
from audio.stores import LocalStore, S3Store, Store, make_client
from audio.voices import Voice, make_voice
from content import Guide
from content.lexicon import Entry, Lexicon
from tests.audio.conftest import published

SETTINGS = RenderSettings()
Edit = Callable[[Guide, str, str], Guide]
pytestmark = pytest.mark.slow  # real synthesis with the offline voice


def holds_its_manifest(store: Store) -> bool:
    """Every clip the published manifest lists is in the store with its recorded sha256."""
    return all(
        hashlib.sha256(store.get(part.key) or b"").hexdigest() == part.sha256
        for part in published(store).parts
    )


@dataclass(frozen=True)
class FailingVoice:
    """The offline voice, except that it cannot say any sentence containing `words`."""

    voice: Voice
    words: str

    @property
    def id(self) -> str:
        return self.voice.id

    def synthesize(self, text: str) -> AudioSegment:
        if self.words in text:
            raise SynthesisError(f"cannot say {text!r}")
        return self.voice.synthesize(text)


class InterruptedDeletes(LocalStore):
    """A folder store where Ctrl-C arrives while clips are being deleted."""

    def delete(self, keys: Sequence[str]) -> None:
        raise KeyboardInterrupt


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


def test_force_narrates_again_under_new_keys_and_leaves_the_old_clips_untouched(
    build: Callable[..., BuildReport], tmp_path: Path
) -> None:
    store = LocalStore(tmp_path / "store")
    build(store)
    before = published(store)
    report = build(store, force=True)
    after = published(store)
    assert (report.synthesized, report.cached) == (3, 0)
    # The offline voice never says a sentence the same way twice: new bytes, so new keys.
    # The reflection's space is made, not spoken: the same bytes again, under the same key.
    space = {part.key for part in after.entry(SPACE_ID).parts}
    assert report.uploaded == report.clips - len(space) == len(after.parts) - len(space)
    assert after.keys & before.keys == space
    assert [s.fingerprint for s in after.sections] == [s.fingerprint for s in before.sections]
    for part in before.parts:
        assert hashlib.sha256(store.get(part.key) or b"").hexdigest() == part.sha256
    assert check_store(store, SETTINGS).ok


def test_a_forced_rebuild_failing_midway_leaves_the_previous_manifest_whole(
    small_guide: Guide, offline_voice: Voice, cache: ClipCache, tmp_path: Path
) -> None:
    store = LocalStore(tmp_path / "store")
    build_store(small_guide, store, offline_voice, SETTINGS, cache)
    before = store.get(MANIFEST_KEY)
    failing = FailingVoice(offline_voice, "begin again")  # the last section's only sentence
    with pytest.raises(SynthesisError, match="cannot say"):
        build_store(small_guide, store, failing, SETTINGS, cache, BuildOptions(force=True))
    assert store.get(MANIFEST_KEY) == before
    assert len(store.list("clips/")) > len(published(store).parts)  # new clips were uploaded
    assert holds_its_manifest(store)
    assert check_store(store, SETTINGS).ok


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


def test_prune_deletes_a_clip_one_build_after_it_stops_being_used(
    build: Callable[..., BuildReport], small_guide: Guide, edit_section: Edit, tmp_path: Path
) -> None:
    store = LocalStore(tmp_path / "store")
    build(store)
    oldest = published(store).sections[0].parts
    report = build(store, edit_section(small_guide, "first-steps", "One step."), prune=True)
    # Running skills may still play the manifest just replaced: its clips stay.
    assert report.pruned == 0
    assert all(store.get(part.key) is not None for part in oldest)
    previous = published(store)

    report = build(store, edit_section(small_guide, "first-steps", "Two steps."), prune=True)
    assert report.pruned == len(oldest)
    assert all(store.get(part.key) is None for part in oldest)
    remaining = {item.key for item in store.list("clips/")}
    assert remaining == published(store).keys | previous.keys


def test_ctrl_c_while_pruning_is_reported_after_the_manifest_is_published(
    build: Callable[..., BuildReport], small_guide: Guide, edit_section: Edit, tmp_path: Path
) -> None:
    store = InterruptedDeletes(tmp_path / "store")
    build(store)
    before = published(store)
    report = build(store, edit_section(small_guide, "onward", "Keep going."), prune=True)
    assert report.published
    assert report.prune_error == "pruning was interrupted"
    assert published(store).sections[2].fingerprint != before.sections[2].fingerprint
    assert holds_its_manifest(store)


def test_a_build_over_a_manifest_that_is_not_valid_warns_and_replaces_it(
    build: Callable[..., BuildReport], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = LocalStore(tmp_path / "store")
    build(store)
    store.put(MANIFEST_KEY, b'{"schema_version": 1, "sec', content_type="application/json",
              cache_control="no-cache")
    with caplog.at_level(logging.WARNING, logger="audio.inventory"):
        report = build(store, prune=True)
    assert f"{store.uri(MANIFEST_KEY)} is not a valid manifest; the build replaces it" in (
        caplog.text
    )
    assert report.published
    assert (report.synthesized, report.cached, report.uploaded) == (0, 3, 0)
    assert check_store(store, SETTINGS).ok
    # What the broken manifest listed is unknown, and running skills may still play it.
    assert report.pruned == 0
    assert report.prune_error is not None and report.prune_error.startswith("no clip was deleted")


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


@pytest.fixture
def own_s3_client(moto_endpoint: str, aws_environment: None) -> Any:
    """A client of the test's own, made by the build's factory: the event handlers
    `record_puts` adds must not stay on the session's shared one."""
    return make_client(moto_endpoint)


def test_s3_build_uploads_clips_first_and_the_manifest_last_with_their_headers(
    build: Callable[..., BuildReport], s3_client: Any, own_s3_client: Any,
    make_bucket: Callable[[], str],
) -> None:
    bucket = make_bucket()
    events = record_puts(own_s3_client)
    build(S3Store(bucket, "skill/audio", client=own_s3_client), jobs=3)
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
    build: Callable[..., BuildReport], own_s3_client: Any, make_bucket: Callable[[], str]
) -> None:
    store = S3Store(make_bucket(), client=own_s3_client)
    build(store)
    events = record_puts(own_s3_client)
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


def test_a_lexicon_entry_narrates_again_only_the_sections_whose_words_it_respells(
    build: Callable[..., BuildReport], small_guide: Guide, tmp_path: Path
) -> None:
    store = LocalStore(tmp_path / "store")
    build(store)
    before = published(store)
    lexicon = Lexicon((Entry("water", "wah ter"), Entry("nowhere", "no where")))
    report = build(store, dataclasses.replace(small_guide, lexicon=lexicon))
    after = published(store)
    assert (report.synthesized, report.cached, report.uploaded) == (1, 0, 1)
    assert after.sections[0] == before.sections[0] and after.sections[2] == before.sections[2]
    assert after.sections[1].fingerprint != before.sections[1].fingerprint
    # An entry for a word no section says changes nothing.
    unused = Lexicon((*lexicon.entries, Entry("elsewhere", "else where")))
    again = build(store, dataclasses.replace(small_guide, lexicon=unused))
    assert (again.synthesized, again.cached, again.uploaded, again.published) == (0, 0, 0, False)

