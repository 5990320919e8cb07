"""A feedgen extension for the Podcasting 2.0 namespace: podcast:guid, podcast:locked and
podcast:transcript.

feedgen's own `podcast` extension writes Apple's itunes: tags; this one adds the tags of
https://podcastindex.org/namespace/1.0 that the feed uses. Register both on one generator:

    feed.register_extension("podcasting", PodcastingExtension, PodcastingEntryExtension)
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.util import xml_elem

PODCAST_NS = "https://podcastindex.org/namespace/1.0"
# The namespace the Podcasting 2.0 spec fixes for a feed's podcast:guid (a UUIDv5).
GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")


def feed_guid(feed_url: str) -> str:
    """The podcast:guid the spec derives from a feed's URL, without scheme or trailing slash."""
    address = feed_url.split("://", 1)[-1].rstrip("/")
    return str(uuid.uuid5(GUID_NAMESPACE, address))


@dataclass(frozen=True)
class Transcript:
    """An episode's transcript file: its URL and MIME type (WebVTT captions: text/vtt)."""

    url: str
    type: str = "text/vtt"


class PodcastingExtension(BaseExtension):
    """Channel tags: the feed's permanent guid and whether other platforms may import it."""

    def __init__(self) -> None:
        self._guid: str | None = None
        self._locked: bool | None = None

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS}

    def guid(self, value: str) -> None:
        """podcast:guid: the feed's identity, kept when the feed moves."""
        self._guid = value

    def locked(self, value: bool) -> None:
        """podcast:locked: yes asks hosting platforms not to import the feed."""
        self._locked = value

    def extend_rss(self, feed: object) -> object:
        channel = feed[0]  # type: ignore[index]
        if self._guid is not None:
            xml_elem(f"{{{PODCAST_NS}}}guid", channel).text = self._guid
        if self._locked is not None:
            xml_elem(f"{{{PODCAST_NS}}}locked", channel).text = "yes" if self._locked else "no"
        return feed


class PodcastingEntryExtension(BaseEntryExtension):
    """Episode tags: transcripts."""

    def __init__(self) -> None:
        self._transcripts: list[Transcript] = []

    def transcript(self, value: Transcript) -> None:
        """Add a podcast:transcript to the episode."""
        self._transcripts.append(value)

    def extend_rss(self, entry: object) -> object:
        for transcript in self._transcripts:
            xml_elem(
                f"{{{PODCAST_NS}}}transcript", entry, url=transcript.url, type=transcript.type
            )
        return entry
