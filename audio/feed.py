"""A podcast feed of the published clips: RSS 2.0 with Apple's and Podcasting 2.0's tags.

`publish_feed` reads the store's manifest, keeps the clips the store really holds, and writes
`feed.xml` beside the manifest: one episode per section in guide order (one per part when a
section is in several), each enclosure a published clip. It writes nothing when the store
has no manifest, so a feed never names audio that is not there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from audio.errors import AudioError
from audio.inventory import fetch_manifest
from audio.manifest import MANIFEST_KEY, Manifest, ManifestError, Part
from audio.stores import Store

FEED_KEY = "feed.xml"
FEED_CONTENT_TYPE = "application/rss+xml; charset=utf-8"
FEED_CACHE_CONTROL = "no-cache"  # rewritten after every build, like the manifest
# A title that says nothing of the subject to anyone glancing at a shared phone or tablet.
DEFAULT_TITLE = "Quiet Minutes"
DEFAULT_DESCRIPTION = "Short, calm readings to listen to at your own pace."
CAPTIONS_TYPE = "text/vtt"


class FeedError(AudioError):
    """The feed cannot be written: no manifest, or one that is not valid."""


@dataclass(frozen=True)
class FeedOptions:
    """How the feed presents itself; `base_url` is where the store's objects are served."""

    base_url: str
    title: str = DEFAULT_TITLE
    description: str = DEFAULT_DESCRIPTION
    language: str = "en"

    def url(self, key: str) -> str:
        """The public address of a store key."""
        return f"{self.base_url.rstrip('/')}/{key}"


@dataclass(frozen=True)
class Episode:
    """One clip as a podcast episode, numbered from 1 in guide order."""

    number: int
    title: str
    part: Part
    captions: str | None = None  # the key of the clip's WebVTT captions, when the store has them


@dataclass(frozen=True)
class FeedReport:
    """What `publish_feed` wrote."""

    uri: str
    episodes: int
    missing: int  # clips the manifest lists that the store does not hold whole


def plan_episodes(manifest: Manifest, stored: Mapping[str, int]) -> tuple[Episode, ...]:
    """Episodes for every part the store holds at its published size, in guide order."""
    episodes: list[Episode] = []
    for section in manifest.sections:
        count = len(section.parts)
        for index, part in enumerate(section.parts, start=1):
            if stored.get(part.key) != part.bytes:
                continue
            title = section.title if count == 1 else f"{section.title} (part {index})"
            captions = part.captions
            held = (
                captions.key
                if captions is not None and stored.get(captions.key) == captions.bytes
                else None
            )
            episodes.append(Episode(len(episodes) + 1, title, part, held))
    return tuple(episodes)


def duration_text(seconds: float) -> str:
    """itunes:duration as H:MM:SS."""
    minutes, second = divmod(round(seconds), 60)
    hours, minute = divmod(minutes, 60)
    return f"{hours}:{minute:02d}:{second:02d}"


def feed_xml(episodes: Sequence[Episode], options: FeedOptions, now: dt.datetime) -> bytes:
    """The RSS document. Episodes are dated a minute apart up to `now`, first the oldest."""
    from feedgen.feed import FeedGenerator

    from audio.podcasting import (
        PodcastingEntryExtension,
        PodcastingExtension,
        Transcript,
        feed_guid,
    )

    feed_url = options.url(FEED_KEY)
    generator = FeedGenerator()
    generator.load_extension("podcast")  # Apple's itunes: tags
    generator.register_extension("podcasting", PodcastingExtension, PodcastingEntryExtension)
    generator.title(options.title)
    generator.description(options.description)
    generator.link(href=feed_url, rel="self")
    generator.link(href=options.base_url, rel="alternate")  # RSS's <link>: the last one given
    generator.language(options.language)
    generator.generator("nocontact feed")
    generator.podcast.itunes_author(options.title)
    generator.podcast.itunes_summary(options.description)
    generator.podcast.itunes_explicit("no")
    generator.podcast.itunes_type("serial")  # listened to in order, first episode first
    generator.podcast.itunes_category("Health & Fitness", "Mental Health")
    generator.podcast.itunes_block(True)  # kept out of Apple's directory; subscribe by URL
    generator.podcasting.guid(feed_guid(feed_url))
    generator.podcasting.locked(True)
    for episode in episodes:
        entry = generator.add_entry(order="append")
        entry.id(episode.part.sha256)
        entry.guid(episode.part.sha256, permalink=False)
        entry.title(episode.title)
        entry.description(episode.title)
        entry.enclosure(options.url(episode.part.key), str(episode.part.bytes), "audio/mpeg")
        entry.published(now - dt.timedelta(minutes=len(episodes) - episode.number))
        entry.podcast.itunes_duration(duration_text(episode.part.duration))
        entry.podcast.itunes_episode(episode.number)
        entry.podcast.itunes_episode_type("full")
        if episode.captions is not None:
            entry.podcasting.transcript(Transcript(options.url(episode.captions), CAPTIONS_TYPE))
    return generator.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)


def publish_feed(
    store: Store, options: FeedOptions, now: dt.datetime | None = None
) -> FeedReport:
    """Write feed.xml from the store's manifest and the clips it holds; FeedError otherwise."""
    try:
        manifest = fetch_manifest(store)
    except ManifestError as error:
        raise FeedError(
            f"{store.uri(MANIFEST_KEY)} is not a valid manifest ({error}), so no feed was "
            f"written; run `nocontact build --store {store.uri()}` again"
        ) from None
    if manifest is None:
        raise FeedError(
            f"{store.uri()} has no {MANIFEST_KEY}, so no feed was written; "
            f"run `nocontact build --store {store.uri()}` first"
        )
    # Every object, not only clips/: captions may live anywhere the manifest says.
    stored = {item.key: item.size for item in store.list()}
    episodes = plan_episodes(manifest, stored)
    # The guide's clips are the episodes; the guided reflection's clips are not.
    listed = sum(len(section.parts) for section in manifest.sections)
    if listed and not episodes:
        raise FeedError(
            f"{store.uri()} holds none of the clips its {MANIFEST_KEY} lists, so no feed was "
            f"written; run `nocontact build --store {store.uri()}` again to restore them"
        )
    moment = now or dt.datetime.now(dt.UTC).replace(microsecond=0)
    store.put(
        FEED_KEY,
        feed_xml(episodes, options, moment),
        content_type=FEED_CONTENT_TYPE,
        cache_control=FEED_CACHE_CONTROL,
    )
    return FeedReport(store.uri(FEED_KEY), len(episodes), listed - len(episodes))
