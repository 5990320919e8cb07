"""The podcast feed: valid RSS with Apple's and Podcasting 2.0's tags, read back by feedparser,
naming only clips the store holds, in guide order; a store without a manifest gets no feed."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import feedparser
import pytest
from lxml import etree

from audio.build import BuildOptions, build_store
from audio.cache import ClipCache
from audio.feed import (
    DEFAULT_TITLE,
    FEED_KEY,
    Episode,
    FeedError,
    FeedOptions,
    duration_text,
    feed_xml,
    plan_episodes,
    publish_feed,
)
from audio.manifest import (
    MANIFEST_KEY,
    Captions,
    Manifest,
    Part,
    SectionEntry,
    captions_key,
    clip_key,
)
from audio.podcasting import PODCAST_NS, feed_guid
from audio.settings import RenderSettings
from audio.stores import LocalStore, S3Store, Store
from audio.voices import Voice
from content import Guide
from tests.audio.conftest import published

BASE = "https://d111111abcdef8.cloudfront.net/guide"
OPTIONS = FeedOptions(base_url=BASE)
NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def built(
    tmp_path_factory: pytest.TempPathFactory, small_guide: Guide, offline_voice: Voice
) -> LocalStore:
    """The small guide narrated into a folder store, once for the module."""
    root = tmp_path_factory.mktemp("feed")
    store = LocalStore(root / "store")
    cache = ClipCache(root / "cache")
    build_store(small_guide, store, offline_voice, RenderSettings(), cache, BuildOptions())
    return store


def copy_store(source: LocalStore, target: Store) -> Store:
    for item in source.list():
        data = source.get(item.key)
        assert data is not None
        target.put(item.key, data, content_type="audio/mpeg", cache_control="no-cache")
    return target


def parsed(store: Store) -> Any:
    data = store.get(FEED_KEY)
    assert data is not None, "no feed.xml in the store"
    feed = feedparser.parse(data)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


@pytest.mark.slow
def test_the_feed_lists_every_published_clip_in_guide_order(
    built: LocalStore, small_guide: Guide, tmp_path: Path
) -> None:
    store = copy_store(built, LocalStore(tmp_path / "store"))
    report = publish_feed(store, OPTIONS, now=NOW)
    manifest = published(store)
    feed = parsed(store)
    assert feed.version == "rss20"
    assert feed.feed.title == DEFAULT_TITLE
    assert feed.feed.link == BASE
    assert feed.feed.itunes_block == 1
    assert [entry.title for entry in feed.entries] == [s.title for s in small_guide.sections]
    assert (report.episodes, report.missing) == (3, 0)
    guide_parts = [part for section in manifest.sections for part in section.parts]
    for entry, part in zip(feed.entries, guide_parts, strict=True):
        (enclosure,) = entry.enclosures
        assert enclosure.href == f"{BASE}/{part.key}"
        assert enclosure.type == "audio/mpeg"
        assert int(enclosure.length) == part.bytes == len(store.get(part.key) or b"")
        assert entry.itunes_duration == duration_text(part.duration)
        assert entry.id == part.sha256
    # Listened to in order: a serial show, episodes numbered and dated oldest first.
    dates = [entry.published_parsed for entry in feed.entries]
    assert dates == sorted(dates) and len(set(dates)) == len(dates)
    assert [entry.itunes_episode for entry in feed.entries] == ["1", "2", "3"]


@pytest.mark.slow
def test_the_feed_carries_the_podcasting_namespace_tags(
    built: LocalStore, tmp_path: Path
) -> None:
    store = copy_store(built, LocalStore(tmp_path / "store"))
    publish_feed(store, OPTIONS, now=NOW)
    root = etree.fromstring(store.get(FEED_KEY) or b"")
    channel = root.find("channel")
    assert channel is not None
    namespaces = {"podcast": PODCAST_NS, "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd"}
    guid = channel.findtext("podcast:guid", namespaces=namespaces)
    assert guid == str(uuid.uuid5(uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6"),
                                  "d111111abcdef8.cloudfront.net/guide/feed.xml"))
    assert channel.findtext("podcast:locked", namespaces=namespaces) == "yes"
    assert channel.findtext("itunes:type", namespaces=namespaces) == "serial"
    assert channel.findtext("itunes:block", namespaces=namespaces) == "yes"
    assert channel.findtext("itunes:explicit", namespaces=namespaces) == "no"
    assert channel.find("itunes:category", namespaces=namespaces) is not None
    # No captions in this store, so no transcript tag.
    assert root.findall(".//podcast:transcript", namespaces=namespaces) == []


def test_the_feed_guid_follows_the_podcasting_spec() -> None:
    # The spec's own example: podcastindex.org/namespace/1.0#guid
    assert feed_guid("https://mp3s.nashownotes.com/pc20rss.xml/") == (
        "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    )


@pytest.mark.slow
def test_a_title_given_replaces_the_discreet_one(built: LocalStore, tmp_path: Path) -> None:
    store = copy_store(built, LocalStore(tmp_path / "store"))
    publish_feed(store, FeedOptions(base_url=BASE, title="Evening Readings"), now=NOW)
    assert parsed(store).feed.title == "Evening Readings"


@pytest.mark.slow
def test_clips_missing_from_the_store_are_left_out(built: LocalStore, tmp_path: Path) -> None:
    store = copy_store(built, LocalStore(tmp_path / "store"))
    manifest = published(store)
    store.delete([manifest.parts[1].key])
    report = publish_feed(store, OPTIONS, now=NOW)
    assert (report.episodes, report.missing) == (2, 1)
    hrefs = [entry.enclosures[0].href for entry in parsed(store).entries]
    assert hrefs == [f"{BASE}/{manifest.parts[0].key}", f"{BASE}/{manifest.parts[2].key}"]


def test_a_store_without_a_manifest_gets_one_sentence_and_no_feed(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "store")
    store.put("clips/a/0123456789abcdef-1.mp3", b"x", content_type="audio/mpeg",
              cache_control="no-cache")
    with pytest.raises(FeedError, match=rf"^{tmp_path / 'store'} has no manifest\.json") as error:
        publish_feed(store, OPTIONS)
    assert "no feed was written" in str(error.value) and "\n" not in str(error.value)
    assert store.get(FEED_KEY) is None


@pytest.mark.slow
def test_a_store_holding_none_of_its_clips_keeps_its_previous_feed(
    built: LocalStore, tmp_path: Path
) -> None:
    store = copy_store(built, LocalStore(tmp_path / "store"))
    publish_feed(store, OPTIONS, now=NOW)
    before = store.get(FEED_KEY)
    store.delete(sorted(published(store).keys))
    with pytest.raises(FeedError, match="holds none of the clips"):
        publish_feed(store, OPTIONS)
    assert store.get(FEED_KEY) == before


def test_an_invalid_manifest_is_named_and_nothing_is_written(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "store")
    store.put(MANIFEST_KEY, b"{not json", content_type="application/json", cache_control="x")
    with pytest.raises(FeedError, match="is not a valid manifest"):
        publish_feed(store, OPTIONS)
    assert store.get(FEED_KEY) is None


@pytest.mark.slow
def test_the_feed_publishes_to_s3(
    built: LocalStore, s3_client: Any, make_bucket: Callable[[], str]
) -> None:
    bucket = make_bucket()
    store = copy_store(built, S3Store(bucket, "guide", client=s3_client))
    report = publish_feed(store, OPTIONS, now=NOW)
    assert report.uri == f"s3://{bucket}/guide/feed.xml"
    head = s3_client.head_object(Bucket=bucket, Key="guide/feed.xml")
    assert head["ContentType"].startswith("application/rss+xml")
    assert head["CacheControl"] == "no-cache"
    assert len(parsed(store).entries) == 3


def _part(section_id: str, number: int, seconds: float, captions: str | None = None) -> Part:
    sha = f"{number:x}".rjust(64, "a")
    key = clip_key(section_id, sha, number)
    held = None
    if captions is not None:
        digest = f"{number:x}".rjust(64, "c")
        held = Captions(key=captions_key(section_id, digest, number), sha256=digest, bytes=10)
    return Part(key=key, sha256=sha, bytes=100 * number, duration=seconds, captions=held)


def test_a_section_in_parts_is_one_episode_per_part_and_captions_become_transcripts() -> None:
    first = _part("long", 1, 200.0, captions="yes")
    second = _part("long", 2, 190.0, captions="yes")
    assert first.captions is not None and second.captions is not None
    manifest = Manifest(
        voice="test",
        render="test",
        sections=(SectionEntry(id="long", title="A Long One", fingerprint="0" * 64,
                               parts=(first, second)),),
    )
    stored = {first.key: first.bytes, second.key: second.bytes, first.captions.key: 10}
    episodes = plan_episodes(manifest, stored)
    assert [e.title for e in episodes] == ["A Long One (part 1)", "A Long One (part 2)"]
    assert [e.captions for e in episodes] == [first.captions.key, None]
    feed = feedparser.parse(feed_xml(episodes, OPTIONS, NOW))
    assert not feed.bozo
    root = etree.fromstring(feed_xml(episodes, OPTIONS, NOW))
    transcripts = root.findall(f".//{{{PODCAST_NS}}}transcript")
    assert [(t.get("url"), t.get("type")) for t in transcripts] == [
        (f"{BASE}/{first.captions.key}", "text/vtt")
    ]
    assert [e.itunes_duration for e in feed.entries] == ["0:03:20", "0:03:10"]


def test_episodes_are_numbered_after_what_is_left_out() -> None:
    part = _part("a", 1, 5.0)
    episode = Episode(1, "A", part)
    assert plan_episodes(
        Manifest(voice="v", render="r", sections=(
            SectionEntry(id="a", title="A", fingerprint="0" * 64, parts=(part,)),)),
        {part.key: part.bytes},
    ) == (episode,)
