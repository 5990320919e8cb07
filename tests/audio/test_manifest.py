"""The manifest model, clip keys and the build plan: pure values, checked with tables."""

from __future__ import annotations

import hashlib
import json

import pytest

from audio.manifest import (
    Action,
    Manifest,
    ManifestError,
    Part,
    SectionEntry,
    Target,
    clip_key,
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
            key=clip_key(section_id, fingerprint, number),
            sha256=digest(f"{section_id}:{version}:{number}"),
            bytes=1000 * number,
            duration=duration,
        )
        for number, duration in enumerate(durations, 1)
    )
    title = section_id.title()
    return SectionEntry(id=section_id, title=title, fingerprint=fingerprint, parts=parts)


def target(section_id: str, version: str = "v1", title: str | None = None) -> Target:
    return Target(section_id, title or section_id.title(), digest(f"{section_id}:{version}"))


def manifest(*entries: SectionEntry) -> Manifest:
    return Manifest(voice="piper:test", render="r1", sections=entries)


def stored(manifest_: Manifest) -> dict[str, int]:
    return {part.key: part.bytes for part in manifest_.parts}


def test_clip_key_is_section_then_short_fingerprint_then_part_number() -> None:
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
        (lambda d: d["sections"][0]["parts"][0].update(key="clips/intro/0000000000000000-1.mp3"),
         "part keys must be"),
        (lambda d: d["sections"].append(d["sections"][0]), "sections repeated: intro"),
        (lambda d: d["sections"][0]["parts"][0].update(sha256="not-a-hash"), "sha256"),
    ],
)
def test_a_manifest_that_breaks_the_schema_is_refused_with_the_reason(change, complaint) -> None:
    data = json.loads(manifest(entry("intro")).to_json())
    change(data)
    with pytest.raises(ManifestError, match=complaint):
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
def test_a_missing_or_truncated_clip_is_restored(size: int | None) -> None:
    previous = manifest(entry("intro", durations=(240.0, 10.0)))
    objects = stored(previous)
    second = previous.parts[1].key
    if size is None:
        del objects[second]
    else:
        objects[second] = size
    (plan,) = plan_build([target("intro")], previous, objects)
    assert plan.action is Action.RESTORE
    assert plan.missing == (second,)


def test_force_renders_everything_even_when_nothing_changed() -> None:
    previous = manifest(entry("intro"), entry("outro"))
    plans = plan_build([target("intro"), target("outro")], previous, stored(previous), force=True)
    assert {plan.action for plan in plans} == {Action.RENDER}


def test_a_new_title_that_is_not_narrated_updates_the_manifest_without_rendering() -> None:
    previous = manifest(entry("intro"))
    (plan,) = plan_build([target("intro", title="Welcome")], previous, stored(previous))
    assert plan.action is Action.KEEP
    assert plan.previous is not None and plan.previous.title == "Welcome"


def test_unreferenced_lists_only_clips_nothing_references() -> None:
    current = manifest(entry("intro", "v2"))
    old = entry("intro", "v1").parts[0].key
    keys = ["manifest.json", "index.html", old, *current.keys, "clips/gone/0000000000000000-1.mp3"]
    assert unreferenced(keys, current.keys) == ("clips/gone/0000000000000000-1.mp3", old)


def test_unreferenced_spares_keys_of_sections_still_to_be_narrated() -> None:
    pending = entry("outro", "v2").parts[0].key
    keys = [pending, pending.replace("-1.mp3", "-2.mp3"), "clips/outro/0000000000000000-1.mp3"]
    prefix = pending.removesuffix("1.mp3")
    assert unreferenced(keys, set(), (prefix,)) == ("clips/outro/0000000000000000-1.mp3",)
