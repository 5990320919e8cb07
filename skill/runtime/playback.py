"""The guide as a playlist for AudioPlayer: stable tokens, play order and moves through it.

Pure: no I/O. A token names a clip by section, part and a short hash of the clip's bytes
(`holidays:2:3fa9c0d1e2b4a5f6`), so a saved position survives a rebuild that leaves the clip
alone and is recognised as stale when the clip changes. List indices would silently point at
another clip as soon as a section is added or split.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from skill.runtime.guidebook import Guidebook

TOKEN_LIMIT = 1024  # AudioPlayer stream.token is at most 1024 characters.
HASH_LENGTH = 16
# Resuming this close to a clip's end would play a fragment; start the next clip instead.
END_MARGIN_MS = 2000

_TOKEN = re.compile(
    r"^(?P<section>[a-z0-9]+(?:-[a-z0-9]+)*):(?P<part>[1-9][0-9]*):(?P<digest>[0-9a-f]{8,64})$"
)


# A guided reflection's clip: `reflect:<section>:<step>:<hash>`, one more field than the guide's,
# so neither kind of token can be read as the other.
_GUIDED_TOKEN = re.compile(
    r"^reflect:(?P<section>[a-z0-9]+(?:-[a-z0-9]+)*):(?P<step>[1-9][0-9]*):(?P<digest>[0-9a-f]{8,64})$"
)


class Clip(NamedTuple):
    """One published part of a section and where Alexa fetches it."""

    part: int
    url: str
    sha256: str
    seconds: float


class PlaybackError(ValueError):
    """A play order that cannot be played: duplicate or oversized tokens."""


class TokenParts(NamedTuple):
    """What a token says: the section, the part (from 1) and the clip's short hash."""

    section_id: str
    part: int
    digest: str


def make_token(section_id: str, part: int, clip_sha256: str) -> str:
    """The stable token of one clip: `section-id:part:hash`."""
    token = f"{section_id}:{part}:{clip_sha256[:HASH_LENGTH].lower()}"
    if parse_token(token) is None or len(token) > TOKEN_LIMIT:
        raise PlaybackError(f"cannot make a token from {section_id!r}, part {part}")
    return token


def parse_token(token: str | None) -> TokenParts | None:
    """The parts of one of our tokens, or None for anything else (another skill's, garbage)."""
    if not token or len(token) > TOKEN_LIMIT:
        return None
    match = _TOKEN.match(token)
    if match is None:
        return None
    return TokenParts(match["section"], int(match["part"]), match["digest"])


def make_guided_token(section_id: str, step: int, clip_sha256: str) -> str:
    """The token of one step of a section's guided reflection: `reflect:section-id:step:hash`."""
    token = f"reflect:{section_id}:{step}:{clip_sha256[:HASH_LENGTH].lower()}"
    if parse_guided_token(token) is None:
        raise PlaybackError(f"cannot make a reflection token from {section_id!r}, step {step}")
    return token


def parse_guided_token(token: str | None) -> TokenParts | None:
    """The section, step and short hash of a guided reflection's token, or None."""
    if not token or len(token) > TOKEN_LIMIT:
        return None
    match = _GUIDED_TOKEN.match(token)
    if match is None:
        return None
    return TokenParts(match["section"], int(match["step"]), match["digest"])


def is_our_token(token: str | None) -> bool:
    """Whether a token is one of ours: a clip of the guide or of a guided reflection."""
    return parse_token(token) is not None or parse_guided_token(token) is not None


class Track(NamedTuple):
    """One clip in the play order: part `part` of a section, where to stream it from."""

    section_id: str
    part: int
    title: str
    url: str
    sha256: str
    duration_ms: int

    @property
    def token(self) -> str:
        """The stable token AudioPlayer reports back for this clip."""
        return make_token(self.section_id, self.part, self.sha256)


class Cue(NamedTuple):
    """Where to start playing: a track and an offset into it."""

    track: Track
    offset_ms: int = 0


@dataclass(frozen=True)
class PlayOrder:
    """Every clip of the guide in listening order: sections in article order, parts in order."""

    tracks: tuple[Track, ...]

    def __post_init__(self) -> None:
        tokens = [track.token for track in self.tracks]
        repeated = sorted({token for token in tokens if tokens.count(token) > 1})
        if repeated:
            raise PlaybackError(f"tokens must be unique, repeated: {', '.join(repeated)}")

    @classmethod
    def of(cls, tracks: Iterable[Track]) -> PlayOrder:
        """A play order from tracks already in listening order."""
        return cls(tuple(tracks))

    @cached_property
    def _positions(self) -> dict[str, int]:
        return {track.token: index for index, track in enumerate(self.tracks)}

    def first(self) -> Track | None:
        """The first clip of the guide, or None when nothing has audio."""
        return self.tracks[0] if self.tracks else None

    def find(self, token: str | None) -> Track | None:
        """The clip with exactly this token, or None."""
        index = self._positions.get(token or "")
        return None if index is None else self.tracks[index]

    def start_of(self, section_id: str) -> Track | None:
        """The first clip of a section, or None when the section has no audio."""
        return next((t for t in self.tracks if t.section_id == section_id), None)

    def following(self, token: str | None) -> Track | None:
        """The clip that plays after this one (the next part or section); None at the end."""
        index = self._locate(token)
        if index is None or index + 1 >= len(self.tracks):
            return None
        return self.tracks[index + 1]

    def next_section(self, token: str | None) -> Track | None:
        """The start of the section after this clip's section; None in the last section."""
        index = self._locate(token)
        if index is None:
            return None
        current = self.tracks[index].section_id
        later = (t for t in self.tracks[index + 1 :] if t.section_id != current)
        return next(later, None)

    def previous_section(self, token: str | None) -> Track | None:
        """The start of the section before this clip's section; None in the first section."""
        index = self._locate(token)
        if index is None:
            return None
        current = self.tracks[index].section_id
        earlier = [t for t in self.tracks[:index] if t.section_id != current]
        return self.start_of(earlier[-1].section_id) if earlier else None

    def resume(self, token: str | None, offset_ms: int) -> Cue | None:
        """Where to pick up from a saved token and offset; None when there is nothing left.

        An unchanged clip resumes at the offset; a clip rebuilt since (its hash differs)
        restarts, because the old offset points into different audio; a part rebuilt away
        (its section is shorter now) restarts its section.
        """
        exact = self.find(token)
        if exact is not None:
            offset = max(0, offset_ms)
            if offset < exact.duration_ms - END_MARGIN_MS:
                return Cue(exact, offset)
            after = self.following(token)
            return None if after is None else Cue(after)
        parts, index = parse_token(token), self._locate(token)
        if parts is None or index is None:
            return None
        located = self.tracks[index]
        if located.part != parts.part:
            located = next(t for t in self.tracks if t.section_id == located.section_id)
        return Cue(located)

    def _locate(self, token: str | None) -> int | None:
        """The position of a token's clip; for a clip rebuilt since, of the same part.

        A part rebuilt away came after every part its section has now, so the section's last
        part stands in for it: what follows it is what followed the part.
        """
        if token in self._positions:
            return self._positions[token]
        parts = parse_token(token)
        if parts is None:
            return None
        in_section = [i for i, t in enumerate(self.tracks) if t.section_id == parts.section_id]
        same_part = [i for i in in_section if self.tracks[i].part == parts.part]
        found = same_part or in_section
        return found[-1] if found else None


class ResumePoint(NamedTuple):
    """Everything kept about a listener: the clip they are in and where, nothing else."""

    token: str
    offset_ms: int = 0
    # The token already queued after `token`, so a repeated PlaybackNearlyFinished does not
    # queue it twice; empty when nothing is queued.
    enqueued: str = ""

    @property
    def section_id(self) -> str | None:
        """The section of the saved clip, as its token names it."""
        parts = parse_token(self.token)
        return parts.section_id if parts else None

    @property
    def is_exact(self) -> bool:
        """Whether this is AudioPlayer's place inside a clip (an offset, or a clip queued
        after it), finer than the start of a section that a spoken bookmark keeps."""
        return self.offset_ms > 0 or bool(self.enqueued)

    @classmethod
    def from_attributes(cls, attributes: object) -> ResumePoint | None:
        """The resume point held in persistent attributes, or None when there is none.

        Keys it does not know (an earlier version's `section` and `saved_at`) are ignored.
        """
        if not isinstance(attributes, Mapping):
            return None
        token = _token(attributes.get("token"))
        offset_ms = _milliseconds(attributes.get("offset_ms"))
        enqueued = attributes.get("enqueued", "")
        if token is None or offset_ms is None or not (enqueued == "" or _token(enqueued)):
            return None
        return cls(token, offset_ms, enqueued)

    def to_attributes(self) -> dict[str, Any]:
        """The persistent attributes that hold this resume point."""
        return self._asdict()


def _token(value: Any) -> str | None:
    """One of our tokens, or None for anything else."""
    return value if isinstance(value, str) and is_our_token(value) else None


def _milliseconds(value: Any) -> int | None:
    """A non-negative whole number; DynamoDB hands numbers back as Decimal."""
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        value = int(value)
    return value if type(value) is int and value >= 0 else None


def play_order(guidebook: Guidebook, clips: Mapping[str, Sequence[Clip]]) -> PlayOrder:
    """Every published clip, sections in article order; sections without audio are left out."""
    return PlayOrder.of(
        Track(
            section_id=section.id,
            part=clip.part,
            title=section.title,
            url=clip.url,
            sha256=clip.sha256,
            duration_ms=round(clip.seconds * 1000),
        )
        for section in guidebook.sections
        for clip in clips.get(section.id, ())
    )
