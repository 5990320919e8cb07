"""The catalog: manifest clips to HTTPS URLs, batches within Alexa's limits, text fallback."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audio.manifest import parse_manifest as audio_parse_manifest
from skill.runtime.catalog import (
    QUESTION_ROOM,
    Catalog,
    CatalogError,
    LiveCatalog,
    audio_base_url,
    build_catalog,
    clip_url,
    open_catalog,
    pack,
    parse_manifest,
)
from skill.runtime.config import SkillConfig
from skill.runtime.guidebook import Guidebook, load_guidebook
from skill.runtime.manifest_source import RETRY_SECONDS, ManifestSource
from skill.runtime.speech import MAX_AUDIO_SECONDS, MAX_AUDIO_TAGS, Speech
from tests.skill.conftest import AUDIO_BASE_URL, MANIFEST, Clock


@pytest.fixture(scope="module")
def guidebook() -> Guidebook:
    return load_guidebook()


@pytest.fixture(scope="module")
def catalog(guidebook: Guidebook) -> Catalog:
    return build_catalog(guidebook, MANIFEST.read_bytes(), AUDIO_BASE_URL)


def clip_urls(catalog: Catalog, section_id: str) -> list[str]:
    """The URLs of a section's clips, in the order they play."""
    return [track.url for track in catalog.order.tracks if track.section_id == section_id]


def manifest_with(change: Callable[[dict[str, Any]], None]) -> bytes:
    data = json.loads(MANIFEST.read_text(encoding="utf-8"))
    change(data)
    return json.dumps(data).encode()


def test_the_skill_reads_the_manifest_as_the_audio_build_writes_it() -> None:
    written = audio_parse_manifest(MANIFEST.read_bytes())
    read = parse_manifest(MANIFEST.read_bytes())
    assert list(read) == [section.id for section in written.sections]
    for section in written.sections:
        assert [(p.key, p.sha256, p.seconds) for p in read[section.id]] == [
            (p.key, p.sha256, p.duration) for p in section.parts
        ]


def _drop_schema(data: dict[str, Any]) -> None:
    del data["schema_version"]


def _no_parts(data: dict[str, Any]) -> None:
    data["sections"][0]["parts"] = []


def _escaping_key(data: dict[str, Any]) -> None:
    data["sections"][0]["parts"][0]["key"] = "../secrets/clip.mp3"


def _absolute_url_key(data: dict[str, Any]) -> None:
    data["sections"][0]["parts"][0]["key"] = "https://elsewhere.example/clip.mp3"


def _long_part(data: dict[str, Any]) -> None:
    data["sections"][0]["parts"][0]["duration"] = 240.5


def _text_duration(data: dict[str, Any]) -> None:
    data["sections"][0]["parts"][0]["duration"] = "38"


def _short_hash(data: dict[str, Any]) -> None:
    data["sections"][0]["parts"][0]["sha256"] = "not-a-hash"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_drop_schema, "schema_version 1"),
        (_no_parts, r"sections\[0\] needs an 'id' and a non-empty 'parts'"),
        (_escaping_key, r"parts\[0\]\.key must be a relative path"),
        (_absolute_url_key, r"parts\[0\]\.key must be a relative path"),
        (_long_part, "at most 240 s"),
        (_text_duration, "duration must be a number"),
        (_short_hash, "sha256 must be the clip's SHA-256"),
    ],
)
def test_a_broken_manifest_names_the_field(
    change: Callable[[dict[str, Any]], None], message: str
) -> None:
    with pytest.raises(CatalogError, match=message):
        parse_manifest(manifest_with(change))


def test_a_manifest_that_is_not_json_is_reported() -> None:
    with pytest.raises(CatalogError, match="not JSON"):
        parse_manifest(b"<html>")


@pytest.mark.parametrize(
    ("base", "url"),
    [
        ("https://cdn.example.org", "https://cdn.example.org/clips/a/b-1.mp3"),
        ("https://cdn.example.org/audio/", "https://cdn.example.org/audio/clips/a/b-1.mp3"),
        ("HTTPS://cdn.example.org", "HTTPS://cdn.example.org/clips/a/b-1.mp3"),
    ],
)
def test_a_clip_url_is_the_base_url_then_the_key(base: str, url: str) -> None:
    assert clip_url(audio_base_url(base), "clips/a/b-1.mp3") == url


def test_keys_are_quoted_in_urls() -> None:
    assert clip_url(audio_base_url("https://cdn.example.org"), "clips/a b/c#1.mp3") == (
        "https://cdn.example.org/clips/a%20b/c%231.mp3"
    )


def test_plain_http_audio_is_refused_in_production(guidebook: Guidebook) -> None:
    with pytest.raises(CatalogError, match="plain HTTP, which Alexa will not play"):
        build_catalog(guidebook, MANIFEST.read_bytes(), "http://127.0.0.1:8000/audio")


def test_plain_http_audio_is_allowed_for_local_serving(guidebook: Guidebook) -> None:
    base = "http://127.0.0.1:8000/audio"
    catalog = build_catalog(guidebook, MANIFEST.read_bytes(), base, allow_http=True)
    assert all(url.startswith(f"{base}/clips/") for url in clip_urls(catalog, "healing"))


@pytest.mark.parametrize("base", ["ftp://cdn.example.org", "cdn.example.org", "https://"])
def test_a_base_url_that_is_not_a_web_address_is_refused(base: str) -> None:
    with pytest.raises(CatalogError, match="must look like https://host/path"):
        audio_base_url(base)


def test_every_section_gets_its_clips_in_order(catalog: Catalog) -> None:
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    for entry in manifest["sections"]:
        tracks = [t for t in catalog.order.tracks if t.section_id == entry["id"]]
        assert [t.url for t in tracks] == [f"{AUDIO_BASE_URL}/{p['key']}" for p in entry["parts"]]
        assert [t.part for t in tracks] == list(range(1, len(tracks) + 1))


def test_a_section_over_five_clips_is_split_into_batches(catalog: Catalog) -> None:
    batches = catalog.batches("healing")
    assert [batch.audio_tags for batch in batches] == [4, 2]
    assert all(batch.audio_seconds <= MAX_AUDIO_SECONDS for batch in batches)
    played = "".join(batch.body for batch in batches)
    tracks = [t for t in catalog.order.tracks if t.section_id == "healing"]
    assert played == "".join(Speech().play(t.url, t.duration_ms / 1000).body for t in tracks)


def test_a_section_over_240_seconds_is_split_into_batches(catalog: Catalog) -> None:
    assert [batch.audio_tags for batch in catalog.batches("regret")] == [1, 1]


def test_a_section_without_audio_is_read_from_its_text(guidebook: Guidebook) -> None:
    catalog = Catalog(guidebook)
    myths = guidebook.section("myths")
    ssml = "".join(batch.body for batch in catalog.batches("myths"))
    assert ssml.count("<p>") == len(myths.spoken_lines)
    assert "❌" not in ssml and "selfish" in ssml
    assert clip_urls(catalog, "myths") == []


def test_sections_missing_from_the_manifest_fall_back_to_text(guidebook: Guidebook) -> None:
    manifest = manifest_with(lambda data: data["sections"].pop())
    catalog = build_catalog(guidebook, manifest, AUDIO_BASE_URL)
    assert clip_urls(catalog, "final-thoughts") == []
    assert catalog.batches("final-thoughts")[0].audio_tags == 0
    assert catalog.batches("myths")[0].audio_tags == 1


def test_manifest_sections_the_guide_does_not_have_are_ignored(guidebook: Guidebook) -> None:
    def add_stranger(data: dict[str, Any]) -> None:
        data["sections"].append({**data["sections"][0], "id": "retired-section"})

    catalog = build_catalog(guidebook, manifest_with(add_stranger), AUDIO_BASE_URL)
    assert clip_urls(catalog, "retired-section") == []


def test_a_manifest_without_a_base_url_is_refused(guidebook: Guidebook) -> None:
    with pytest.raises(CatalogError, match="NOCONTACT_AUDIO_BASE_URL"):
        build_catalog(guidebook, MANIFEST.read_bytes(), None)


@given(st.lists(st.floats(min_value=0.5, max_value=MAX_AUDIO_SECONDS), max_size=30))
def test_packing_keeps_every_clip_in_order_and_every_batch_within_limits(
    lengths: list[float],
) -> None:
    pieces = [Speech().play(f"https://a.example/{n}.mp3", s) for n, s in enumerate(lengths)]
    batches = pack(pieces)
    assert "".join(batch.body for batch in batches) == "".join(piece.body for piece in pieces)
    assert sum(batch.audio_tags for batch in batches) == len(pieces)
    for batch in batches:
        assert batch.audio_tags <= MAX_AUDIO_TAGS
        assert batch.fits(room=QUESTION_ROOM)


@given(st.lists(st.text(min_size=1, max_size=900), max_size=40))
def test_packing_text_keeps_room_for_the_question(paragraphs: list[str]) -> None:
    batches = pack(Speech().paragraph(text) for text in paragraphs)
    assert all(batch.fits(room=QUESTION_ROOM) for batch in batches)


def test_no_manifest_configured_means_text_for_every_section(guidebook: Guidebook) -> None:
    catalog = open_catalog(SkillConfig(), guidebook)
    assert catalog.order.tracks == ()


def test_the_configured_manifest_gives_clips(guidebook: Guidebook) -> None:
    config = SkillConfig(manifest=str(MANIFEST), audio_base_url=AUDIO_BASE_URL)
    assert len(clip_urls(open_catalog(config, guidebook), "healing")) == 6


@pytest.mark.parametrize(
    ("config", "logged"),
    [
        (SkillConfig(manifest="/nowhere.json", audio_base_url=AUDIO_BASE_URL), "cannot read"),
        (SkillConfig(manifest=str(MANIFEST), audio_base_url="http://cdn.example"), "plain HTTP"),
        (SkillConfig(manifest=str(MANIFEST)), "NOCONTACT_AUDIO_BASE_URL"),
    ],
)
def test_unusable_audio_is_logged_and_the_skill_reads_text_instead(
    config: SkillConfig, logged: str, guidebook: Guidebook, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="skill.runtime.catalog"):
        catalog = open_catalog(config, guidebook)
    assert logged in caplog.text
    assert clip_urls(catalog, "healing") == []


def test_a_malformed_s3_location_is_logged_and_the_skill_reads_text_instead(
    guidebook: Guidebook, caplog: pytest.LogCaptureFixture
) -> None:
    config = SkillConfig(manifest="s3://bucket-only", audio_base_url=AUDIO_BASE_URL)
    with caplog.at_level(logging.ERROR, logger="skill.runtime.catalog"):
        catalog = open_catalog(config, guidebook)
    assert "not an S3 object URL" in caplog.text
    assert clip_urls(catalog, "healing") == [] and catalog.order.first() is None


def test_the_manifest_can_be_read_from_s3(
    guidebook: Guidebook, s3_client: Any, make_bucket: Callable[[], str]
) -> None:
    bucket = make_bucket()
    s3_client.put_object(Bucket=bucket, Key="manifest.json", Body=MANIFEST.read_bytes())
    config = SkillConfig(manifest=f"s3://{bucket}/manifest.json", audio_base_url=AUDIO_BASE_URL)
    catalog = open_catalog(config, guidebook, s3_client)
    assert len(clip_urls(catalog, "healing")) == 6


def test_the_play_order_holds_every_clip_in_article_order(catalog: Catalog) -> None:
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    keys = [part["key"] for entry in manifest["sections"] for part in entry["parts"]]
    assert [track.url for track in catalog.order.tracks] == [f"{AUDIO_BASE_URL}/{k}" for k in keys]


def live_catalog(guidebook: Guidebook, path: Path, clock: Clock) -> LiveCatalog:
    """A catalog kept current from a local manifest, on a clock the test moves."""
    read = partial(build_catalog, guidebook, base_url=AUDIO_BASE_URL)
    return LiveCatalog(guidebook, ManifestSource(str(path), read, clock=clock))


def test_sections_are_read_aloud_until_the_manifest_can_be_read(
    guidebook: Guidebook, tmp_path: Path
) -> None:
    clock, path = Clock(), tmp_path / "manifest.json"
    catalog = live_catalog(guidebook, path, clock)
    assert catalog.batches("myths")[0].audio_tags == 0 and catalog.order.first() is None

    path.write_bytes(MANIFEST.read_bytes())
    clock.now += RETRY_SECONDS

    assert catalog.batches("myths")[0].audio_tags == 1
    assert catalog.order.first() is not None and len(clip_urls(catalog, "healing")) == 6


def test_the_clips_stay_when_the_manifest_can_no_longer_be_read(
    guidebook: Guidebook, tmp_path: Path
) -> None:
    clock, path = Clock(), tmp_path / "manifest.json"
    path.write_bytes(MANIFEST.read_bytes())
    catalog = live_catalog(guidebook, path, clock)
    order = catalog.order

    path.unlink()
    clock.now += 3600

    assert catalog.order == order and len(clip_urls(catalog, "healing")) == 6


def test_a_new_audio_build_changes_what_plays_after_the_refresh_interval(
    guidebook: Guidebook, tmp_path: Path
) -> None:
    clock, path = Clock(), tmp_path / "manifest.json"
    path.write_bytes(MANIFEST.read_bytes())
    catalog = live_catalog(guidebook, path, clock)
    assert catalog.batches("final-thoughts")[0].audio_tags == 1

    path.write_bytes(manifest_with(lambda data: data["sections"].pop()))
    clock.now += 300

    assert clip_urls(catalog, "final-thoughts") == []
    assert catalog.batches("final-thoughts")[0].audio_tags == 0
    assert all(track.section_id != "final-thoughts" for track in catalog.order.tracks)


def test_an_unreadable_manifest_is_logged_once_not_on_every_request(
    guidebook: Guidebook, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    catalog = live_catalog(guidebook, tmp_path / "manifest.json", Clock())
    with caplog.at_level(logging.ERROR, logger="skill.runtime.catalog"):
        for section_id in guidebook.ids:
            catalog.batches(section_id)
    assert [record.getMessage().count("cannot read") for record in caplog.records] == [1]
