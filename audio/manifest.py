"""The published manifest, content-addressed clip keys and the plan of what a build must do.

Pure: no I/O, no audio libraries, nothing heavier than pydantic, so anything that reads
manifests (the check, the simulator, the packaging tests) can import it cheaply.

A clip's key names its own bytes (the start of their SHA-256), never the input that made them:
voices need not be deterministic (Piper is not), so narrating the same text again may give new
bytes, which get a new key, and an object once written under a key never changes. A section's
`fingerprint` names its input and is what a build compares to decide what to narrate again.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationError,
    model_serializer,
    model_validator,
)

SCHEMA_VERSION = 1
MANIFEST_KEY = "manifest.json"
CLIPS_PREFIX = "clips/"
MAX_PART_SECONDS = 240.0  # Alexa's limit for audio in one response (ALEXA.md).
_HEX64 = r"^[0-9a-f]{64}$"


def clip_key(section_id: str, sha256: str, number: int) -> str:
    """Where part `number` of a section lives in a store, named by the part's own SHA-256."""
    return f"{CLIPS_PREFIX}{section_id}/{sha256[:16]}-{number}.mp3"


def captions_key(section_id: str, sha256: str, number: int) -> str:
    """Where part `number`'s WebVTT captions live, named by the captions' own SHA-256."""
    return f"{CLIPS_PREFIX}{section_id}/{sha256[:16]}-{number}.vtt"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Captions(_Frozen):
    """A clip's WebVTT captions: one cue per sentence, published before the manifest."""

    key: str = Field(pattern=r"^clips/[a-z0-9-]+/[0-9a-f]{16}-[1-9][0-9]*\.vtt$")
    sha256: str = Field(pattern=_HEX64)
    bytes: int = Field(gt=0)


class Part(_Frozen):
    """One published clip: at most 240 seconds of a section, with its captions if built."""

    key: str = Field(pattern=r"^clips/[a-z0-9-]+/[0-9a-f]{16}-[1-9][0-9]*\.mp3$")
    sha256: str = Field(pattern=_HEX64)
    bytes: int = Field(gt=0)
    duration: float = Field(gt=0, le=MAX_PART_SECONDS)
    captions: Captions | None = None

    @model_serializer(mode="wrap")
    def _without_absent_captions(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # A manifest built without captions reads exactly as it did before they existed.
        data = handler(self)
        if data.get("captions", ...) is None:
            del data["captions"]
        return data


class SectionEntry(_Frozen):
    """A section as published: its title, the fingerprint of its input and its parts in order."""

    id: str
    title: str
    fingerprint: str = Field(pattern=_HEX64)
    parts: tuple[Part, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _keys_match_contents(self) -> SectionEntry:
        expected = tuple(
            clip_key(self.id, part.sha256, n) for n, part in enumerate(self.parts, start=1)
        )
        if tuple(part.key for part in self.parts) != expected:
            raise ValueError(f"section {self.id!r}: part keys must be {', '.join(expected)}")
        for number, part in enumerate(self.parts, start=1):
            wanted = part.captions and captions_key(self.id, part.captions.sha256, number)
            if part.captions is not None and part.captions.key != wanted:
                raise ValueError(f"section {self.id!r}: part {number}'s captions must be {wanted}")
        return self

    @property
    def duration(self) -> float:
        """Seconds of audio across every part."""
        return sum(part.duration for part in self.parts)


class Manifest(_Frozen):
    """What a store holds: every section in article order, and how it was voiced and rendered."""

    schema_version: Literal[1] = SCHEMA_VERSION
    voice: str = Field(min_length=1)
    render: str = Field(min_length=1)
    sections: tuple[SectionEntry, ...]
    # The guided reflection's clips (opening, each section's prompts, the space, the close),
    # narrated by the same voice; listed apart so nothing plays them as part of the guide.
    reflections: tuple[SectionEntry, ...] = ()

    @model_validator(mode="after")
    def _unique_sections(self) -> Manifest:
        ids = [entry.id for entry in self.entries]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"sections repeated: {', '.join(repeated)}")
        return self

    @property
    def entries(self) -> tuple[SectionEntry, ...]:
        """Every section, then every reflection clip."""
        return self.sections + self.reflections

    @property
    def keys(self) -> frozenset[str]:
        """Every clip key the manifest references: reflection clips and captions included."""
        return frozenset(
            key
            for part in self.parts
            for key in (part.key, part.captions.key if part.captions else None)
            if key is not None
        )

    @property
    def parts(self) -> tuple[Part, ...]:
        """Every part: the sections' in playing order, then the reflection clips'."""
        return tuple(part for entry in self.entries for part in entry.parts)

    def entry(self, entry_id: str) -> SectionEntry | None:
        """The section or reflection clip with this id, or None."""
        return next((e for e in self.entries if e.id == entry_id), None)

    def to_json(self) -> bytes:
        """The manifest as published: indented UTF-8 JSON, stable for equal manifests.

        A manifest without reflection clips is written as before they existed.
        """
        exclude = None if self.reflections else {"reflections"}
        return (self.model_dump_json(indent=2, exclude=exclude) + "\n").encode("utf-8")


def manifest_changed(previous: Manifest | None, manifest: Manifest) -> bool:
    """True when publishing `manifest` would change what the store serves."""
    return previous is None or previous.to_json() != manifest.to_json()


class ManifestError(ValueError):
    """A manifest.json that is not valid JSON or does not follow the schema."""


def parse_manifest(data: bytes) -> Manifest:
    """Read a published manifest; ManifestError says what is wrong with it."""
    try:
        return Manifest.model_validate_json(data)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in problem['loc']) or 'manifest'}: {problem['msg']}"
            for problem in error.errors()
        )
        raise ManifestError(problems) from None


@dataclass(frozen=True)
class Target:
    """A section as the build wants it: identified by the fingerprint of its narration input."""

    id: str
    title: str
    fingerprint: str


class Action(Enum):
    """What a build must do for one section."""

    KEEP = "keep"  # published before with the same input and every part is in the store
    RENDER = "render"  # new or changed input, parts missing from the store, or a forced build


@dataclass(frozen=True)
class SectionPlan:
    """One section's action, with the previous entry when it is kept as published."""

    target: Target
    action: Action
    previous: SectionEntry | None = None


def plan_build(
    targets: Sequence[Target],
    previous: Manifest | None,
    stored: Mapping[str, int],
    force: bool = False,
) -> tuple[SectionPlan, ...]:
    """Compare wanted sections with the previous manifest and the store's keys and sizes."""
    return tuple(_plan_section(target, previous, stored, force) for target in targets)


def _plan_section(
    target: Target, previous: Manifest | None, stored: Mapping[str, int], force: bool
) -> SectionPlan:
    entry = previous.entry(target.id) if previous is not None else None
    if force or entry is None or entry.fingerprint != target.fingerprint:
        return SectionPlan(target, Action.RENDER)
    if any(stored.get(part.key) != part.bytes for part in entry.parts):
        return SectionPlan(target, Action.RENDER)
    return SectionPlan(target, Action.KEEP, previous=entry)


def unreferenced(stored_keys: Iterable[str], referenced: Collection[str]) -> tuple[str, ...]:
    """Clip keys in the store that nothing references, sorted."""
    clips = (key for key in stored_keys if key.startswith(CLIPS_PREFIX))
    return tuple(sorted(key for key in clips if key not in referenced))
