"""What plays for each section: its clips from the audio manifest, in batches Alexa accepts.

A clip's URL is the public audio base URL + "/" + its manifest key. Alexa plays only HTTPS, so
a plain-HTTP base URL is refused unless local serving allows it. A section with no clips (no
manifest configured, or audio not built yet) is read aloud from its text in Alexa's voice, so
the skill always has something to say. The manifest is read at start-up and re-read now and
then (skill.runtime.manifest_source), so a new audio build reaches a running skill and a failed read
keeps the clips already known. Only the standard library is imported here.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping
from functools import partial
from pathlib import PurePosixPath
from typing import Any, NamedTuple
from urllib.parse import quote, urlsplit

from skill.runtime import SkillError, budget
from skill.runtime.config import SkillConfig
from skill.runtime.guidebook import Guidebook
from skill.runtime.manifest_source import ManifestSource, ManifestUnavailableError
from skill.runtime.playback import Clip, PlayOrder, play_order
from skill.runtime.speech import MAX_AUDIO_SECONDS, Speech

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1
# SSML characters kept free in every batch for the question that follows it.
QUESTION_ROOM = 600
_SHA256 = re.compile(r"[0-9a-f]{64}")


class CatalogError(SkillError):
    """The manifest or audio base URL cannot be used; the message says what to fix."""


class ManifestPart(NamedTuple):
    """A part as manifest.json lists it."""

    key: str
    sha256: str
    seconds: float


def parse_manifest(data: bytes) -> dict[str, tuple[ManifestPart, ...]]:
    """Each section's parts from manifest.json; CatalogError names the first bad field."""
    try:
        manifest = json.loads(data)
    except ValueError as error:
        raise CatalogError(f"manifest.json is not JSON: {error}") from None
    if not isinstance(manifest, dict) or manifest.get("schema_version") != SCHEMA_VERSION:
        raise CatalogError(f"manifest.json must be an object with schema_version {SCHEMA_VERSION}")
    sections = manifest.get("sections")
    if not isinstance(sections, list):
        raise CatalogError("manifest.json: 'sections' must be a list")
    parsed: dict[str, tuple[ManifestPart, ...]] = {}
    for index, section in enumerate(sections):
        where = f"manifest.json: sections[{index}]"
        section_id = section.get("id") if isinstance(section, dict) else None
        parts = section.get("parts") if isinstance(section, dict) else None
        if not isinstance(section_id, str) or not isinstance(parts, list) or not parts:
            raise CatalogError(f"{where} needs an 'id' and a non-empty 'parts' list")
        parsed[section_id] = tuple(
            _part(part, f"{where}.parts[{number}]") for number, part in enumerate(parts)
        )
    return parsed


def parse_reflections(data: bytes) -> dict[str, ManifestPart]:
    """Each guided-reflection clip's one part from manifest.json (none in older manifests)."""
    manifest = json.loads(data)
    entries = manifest.get("reflections", []) if isinstance(manifest, dict) else []
    if not isinstance(entries, list):
        raise CatalogError("manifest.json: 'reflections' must be a list")
    parsed: dict[str, ManifestPart] = {}
    for index, entry in enumerate(entries):
        where = f"manifest.json: reflections[{index}]"
        clip_id = entry.get("id") if isinstance(entry, dict) else None
        parts = entry.get("parts") if isinstance(entry, dict) else None
        if not isinstance(clip_id, str) or not isinstance(parts, list) or len(parts) != 1:
            raise CatalogError(f"{where} needs an 'id' and a 'parts' list of one part")
        parsed[clip_id] = _part(parts[0], f"{where}.parts[0]")
    return parsed


def _part(part: Any, where: str) -> ManifestPart:
    key = part.get("key") if isinstance(part, dict) else None
    sha256 = part.get("sha256") if isinstance(part, dict) else None
    seconds = part.get("duration") if isinstance(part, dict) else None
    if not isinstance(key, str) or not _is_relative_key(key):
        raise CatalogError(f"{where}.key must be a relative path inside the store")
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        raise CatalogError(f"{where}.sha256 must be the clip's SHA-256 in lower-case hex")
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise CatalogError(f"{where}.duration must be a number of seconds")
    if not 0 < seconds <= MAX_AUDIO_SECONDS:
        raise CatalogError(f"{where}.duration must be over 0 and at most 240 s (Alexa's limit)")
    return ManifestPart(key=key, sha256=sha256, seconds=float(seconds))


def _is_relative_key(key: str) -> bool:
    path = PurePosixPath(key)
    return bool(key) and not path.is_absolute() and ".." not in path.parts and ":" not in key


def audio_base_url(base_url: str | None, *, allow_http: bool = False) -> str:
    """The base URL clips are served from, if Alexa can play them from there."""
    if not base_url:
        raise CatalogError("set NOCONTACT_AUDIO_BASE_URL to where the manifest's clips are served")
    scheme = urlsplit(base_url).scheme.lower()
    if scheme == "http" and not allow_http:
        raise CatalogError(
            f"audio base URL {base_url!r} is plain HTTP, which Alexa will not play; "
            "serve the audio over HTTPS (NOCONTACT_ALLOW_HTTP_AUDIO=1 is for local serving only)"
        )
    if scheme not in ("https", "http") or not urlsplit(base_url).netloc:
        raise CatalogError(f"audio base URL {base_url!r} must look like https://host/path")
    return base_url.rstrip("/")


def clip_url(base_url: str, key: str) -> str:
    """The public URL of a stored clip, under a base URL `audio_base_url` accepted."""
    return f"{base_url}/{quote(key, safe='/')}"


class Catalog:
    """Each section's clips, the batches of speech that play it, the guide's play order."""

    def __init__(
        self,
        guidebook: Guidebook,
        clips: Mapping[str, tuple[Clip, ...]] | None = None,
        reflections: Mapping[str, Clip] | None = None,
    ):
        self.guidebook = guidebook
        self._clips = dict(clips or {})
        self._reflections = dict(reflections or {})
        self._batches: dict[str, tuple[Speech, ...]] = {}
        # Made now, so clips that cannot be queued in order are refused with the manifest.
        self._order = play_order(guidebook, self._clips)

    def batches(self, section_id: str) -> tuple[Speech, ...]:
        """The section as one or more responses' worth of speech, each within Alexa's limits."""
        if section_id not in self._batches:
            self._batches[section_id] = pack(self._pieces(section_id))
        return self._batches[section_id]

    @property
    def order(self) -> PlayOrder:
        """Every clip of the guide in listening order, for AudioPlayer."""
        return self._order

    @property
    def reflections(self) -> Mapping[str, Clip]:
        """The guided reflection's clips by id (reflect-opening, reflect-<section>-<n>, ...)."""
        return self._reflections

    def _pieces(self, section_id: str) -> Iterable[Speech]:
        clips = self._clips.get(section_id, ())
        if clips:
            return (Speech().play(clip.url, clip.seconds) for clip in clips)
        lines = self.guidebook.section(section_id).spoken_lines
        return (Speech().paragraph(line) for line in lines)


class LiveCatalog(Catalog):
    """The catalog of the manifest as last read, re-read when due by its source.

    Until a manifest has been read, it is the text-only catalog: every section read aloud.
    """

    def __init__(self, guidebook: Guidebook, source: ManifestSource[Catalog]) -> None:
        super().__init__(guidebook)
        self.source = source
        self._problem: str | None = None

    def loaded(self) -> Catalog | None:
        """The manifest's catalog (re-read when due), or None when no manifest was ever read."""
        try:
            catalog = self.source.current()
        except ManifestUnavailableError as error:
            # Said once per problem, not on every request until the next attempt.
            if str(error) != self._problem:
                logger.error("Audio unavailable, reading sections aloud instead: %s", error)
                self._problem = str(error)
            return None
        self._problem = None
        return catalog

    def batches(self, section_id: str) -> tuple[Speech, ...]:
        catalog = self.loaded()
        return super().batches(section_id) if catalog is None else catalog.batches(section_id)

    @property
    def order(self) -> PlayOrder:
        catalog = self.loaded()
        return super().order if catalog is None else catalog.order

    @property
    def reflections(self) -> Mapping[str, Clip]:
        catalog = self.loaded()
        return super().reflections if catalog is None else catalog.reflections


def pack(pieces: Iterable[Speech]) -> tuple[Speech, ...]:
    """Join pieces in order into as few batches as Alexa's per-response limits allow."""
    batches: list[Speech] = []
    current = Speech()
    for piece in pieces:
        joined = current.then(piece)
        if current.body and not joined.fits(room=QUESTION_ROOM):
            batches.append(current)
            current = piece
        else:
            current = joined
    return (*batches, current)


def build_catalog(
    guidebook: Guidebook, manifest: bytes, base_url: str | None, *, allow_http: bool = False
) -> Catalog:
    """A catalog of the manifest's clips for the guidebook's sections (others have none)."""
    return _catalog(guidebook, manifest, audio_base_url(base_url, allow_http=allow_http))


def _catalog(guidebook: Guidebook, manifest: bytes, base_url: str) -> Catalog:
    """`build_catalog` under a base URL already checked."""
    clips = {
        section_id: tuple(
            Clip(number, clip_url(base_url, part.key), part.sha256, part.seconds)
            for number, part in enumerate(parts, 1)
        )
        for section_id, parts in parse_manifest(manifest).items()
        if guidebook.has(section_id)
    }
    reflections = {
        clip_id: Clip(1, clip_url(base_url, part.key), part.sha256, part.seconds)
        for clip_id, part in parse_reflections(manifest).items()
    }
    return Catalog(guidebook, clips, reflections)


def open_catalog(config: SkillConfig, guidebook: Guidebook, s3_client: Any = None) -> Catalog:
    """The configured audio, read now and kept current; the sections' text when it is unusable.

    Never raises: a broken manifest or URL must not silence the skill (least of all its crisis
    answer), so the problem is logged and sections are read aloud until a manifest is read.
    """
    if config.manifest is None:
        return Catalog(guidebook)
    try:
        base_url = audio_base_url(config.audio_base_url, allow_http=config.allow_http_audio)
        source = ManifestSource(
            config.manifest,
            partial(_catalog, guidebook, base_url=base_url),
            s3_client=s3_client,
            refresh_seconds=config.manifest_refresh_seconds,
            timeout_seconds=config.backend_timeout_seconds,
        )
    except (CatalogError, ValueError) as error:
        logger.error("Audio disabled, reading sections aloud instead: %s", error)
        return Catalog(guidebook)
    catalog = LiveCatalog(guidebook, source)
    # Read during start-up (Lambda's init phase), not in the first request's eight seconds,
    # within a deadline of its own: a hanging S3 must not eat into them either.
    with budget.within(config.cold_start_seconds):
        catalog.loaded()
    return catalog
