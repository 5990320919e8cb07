"""The manifest model, clip keys and the build plan: pure values, checked with tables."""

from __future__ import annotations

import hashlib
import json
import re

import pytest

from audio.manifest import (
    Action,
    Manifest,
    ManifestError,
    Part,
    SectionEntry,
    Target,
    clip_key,
    manifest_changed,
    parse_manifest,
    plan_build,
    unreferenced,
)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def entry(
    section_id: str, version: str = "v1", durations: tuple[float, ...] = (30.0,)
) -> SectionEntry:
    fingerprint = digest(f"{section_id}:{version}")
    parts = tuple(
        Part(
            key=clip_key(section_id, digest(f"{section_id}:{version}:{number}"), number),
            sha256=digest(f"{section_id}:{version}:{number}"),
            bytes=1000 * number,
            duration=duration,
        )
        for number, duration in enumerate(durations, 1)
    )
    title = section_id.title()
    return SectionEntry(id=section_id, title=title, fingerprint=fingerprint, parts=parts)


def target(section_id: str, version: str = "v1") -> Target:
    return Target(section_id, section_id.title(), digest(f"{section_id}:{version}"))


def manifest(*entries: SectionEntry) -> Manifest:
    return Manifest(voice="piper:test", render="r1", sections=entries)


def stored(manifest_: Manifest) -> dict[str, int]:
    return {part.key: part.bytes for part in manifest_.parts}


def test_clip_key_is_section_then_the_start_of_the_clips_own_hash_then_part_number() -> None:
    assert clip_key("guilt-trips", "ab" * 32, 2) == "clips/guilt-trips/abababababababab-2.mp3"


def test_published_json_follows_the_shared_schema_and_reads_back_equal() -> None:
    original = manifest(entry("intro", durations=(240.0, 12.5)), entry("outro"))
    data = json.loads(original.to_json())
    assert list(data) == ["schema_version", "voice", "render", "sections"]
    assert data["schema_version"] == 1
    assert [s["id"] for s in data["sections"]] == ["intro", "outro"]
    assert list(data["sections"][0]) == ["id", "title", "fingerprint", "parts"]
    assert list(data["sections"][0]["parts"][1]) == ["key", "sha256", "bytes", "duration"]
    assert data["sections"][0]["parts"][1]["key"].endswith("-2.mp3")
    assert parse_manifest(original.to_json()) == original


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (lambda d: d.update(schema_version=2), "schema_version"),
        (lambda d: d["sections"][0]["parts"][0].update(duration=240.5), "duration"),
        (lambda d: d["sections"].append(d["sections"][0]), "sections repeated: intro"),
        (lambda d: d["sections"][0]["parts"][0].update(sha256="not-a-hash"), "sha256"),
    ],
)
def test_a_manifest_that_breaks_the_schema_is_refused_with_the_reason(change, complaint) -> None:
    data = json.loads(manifest(entry("intro")).to_json())
    change(data)
    with pytest.raises(ManifestError, match=complaint):
        parse_manifest(json.dumps(data).encode())


INTRO = entry("intro")


@pytest.mark.parametrize(
    "key",
    [
        "clips/intro/0000000000000000-1.mp3",  # another clip's bytes
        f"clips/intro/{INTRO.fingerprint[:16]}-1.mp3",  # the section's input, not the clip
        clip_key("intro", INTRO.parts[0].sha256, 2),  # another part number
        clip_key("outro", INTRO.parts[0].sha256, 1),  # another section
    ],
)
def test_a_part_key_must_name_its_section_its_own_bytes_and_its_number(key: str) -> None:
    data = json.loads(manifest(INTRO).to_json())
    data["sections"][0]["parts"][0]["key"] = key
    with pytest.raises(ManifestError, match=f"part keys must be {re.escape(INTRO.parts[0].key)}"):
        parse_manifest(json.dumps(data).encode())


def test_a_file_that_is_not_json_is_refused() -> None:
    with pytest.raises(ManifestError):
        parse_manifest(b"<html>not found</html>")


def test_first_build_renders_every_section() -> None:
    plans = plan_build([target("intro"), target("outro")], None, {})
    assert [plan.action for plan in plans] == [Action.RENDER, Action.RENDER]


def test_rebuild_with_nothing_changed_keeps_every_section() -> None:
    previous = manifest(entry("intro"), entry("outro", durations=(240.0, 3.0)))
    plans = plan_build([target("intro"), target("outro")], previous, stored(previous))
    assert [plan.action for plan in plans] == [Action.KEEP, Action.KEEP]
    assert plans[1].previous == previous.sections[1]


def test_changing_one_section_renders_only_that_section() -> None:
    previous = manifest(entry("intro"), entry("middle"), entry("outro"))
    targets = [target("intro"), target("middle", "v2"), target("outro")]
    plans = plan_build(targets, previous, stored(previous))
    assert [plan.action for plan in plans] == [Action.KEEP, Action.RENDER, Action.KEEP]


@pytest.mark.parametrize("size", [None, 999])
def test_a_missing_or_truncated_clip_has_its_section_rendered_again(size: int | None) -> None:
    previous = manifest(entry("intro", durations=(240.0, 10.0)))
    objects = stored(previous)
    second = previous.parts[1].key
    if size is None:
        del objects[second]
    else:
        objects[second] = size
    (plan,) = plan_build([target("intro")], previous, objects)
    assert plan.action is Action.RENDER


def test_force_renders_everything_even_when_nothing_changed() -> None:
    previous = manifest(entry("intro"), entry("outro"))
    plans = plan_build([target("intro"), target("outro")], previous, stored(previous), force=True)
    assert {plan.action for plan in plans} == {Action.RENDER}


def test_a_manifest_changes_when_anything_published_differs() -> None:
    current = manifest(entry("intro"), entry("outro"))
    assert manifest_changed(None, current)
    assert not manifest_changed(manifest(entry("intro"), entry("outro")), current)
    assert manifest_changed(manifest(entry("intro"), entry("outro", "v2")), current)
    assert manifest_changed(manifest(entry("intro")), current)


def test_unreferenced_lists_only_clips_nothing_references() -> None:
    current = manifest(entry("intro", "v2"))
    old = entry("intro", "v1").parts[0].key
    keys = ["manifest.json", "index.html", old, *current.keys, "clips/gone/0000000000000000-1.mp3"]
    assert unreferenced(keys, current.keys) == ("clips/gone/0000000000000000-1.mp3", old)

