"""The rendered-clip cache: entries round-trip, damage is a miss, failures never stop a build."""

from __future__ import annotations

import logging
import zipfile
from pathlib import Path

import pytest

from audio.cache import ClipCache, default_cache_dir
from audio.narration import RenderedPart

FINGERPRINT = "ab" * 32
HOME_CACHE = Path("/home/ada/.cache/no-contact-companion")
PARTS = (
    RenderedPart(number=1, mp3=b"\xff\xf3first part", duration=239.5),
    RenderedPart(number=2, mp3=b"\xff\xf3second", duration=12.25),
)


def test_saved_parts_load_back_identical(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path)
    cache.save(FINGERPRINT, PARTS)
    assert cache.load(FINGERPRINT) == PARTS


def test_an_unknown_fingerprint_is_a_miss(tmp_path: Path) -> None:
    assert ClipCache(tmp_path / "never-created").load(FINGERPRINT) is None


def test_saving_again_replaces_the_entry_and_leaves_no_temporary_files(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path)
    cache.save(FINGERPRINT, PARTS)
    cache.save(FINGERPRINT, PARTS[:1])
    assert cache.load(FINGERPRINT) == PARTS[:1]
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [f"{FINGERPRINT}.zip"]


def entry_path(tmp_path: Path) -> Path:
    (path,) = tmp_path.rglob(f"{FINGERPRINT}.zip")
    return path


def test_a_damaged_entry_is_a_miss_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = ClipCache(tmp_path)
    cache.save(FINGERPRINT, PARTS)
    entry_path(tmp_path).write_bytes(b"PK\x03\x04 cut short")
    with caplog.at_level(logging.WARNING, logger="audio.cache"):
        assert cache.load(FINGERPRINT) is None
    assert "ignoring damaged cache entry" in caplog.text


def test_an_entry_whose_clips_changed_after_saving_is_a_miss(tmp_path: Path) -> None:
    cache = ClipCache(tmp_path)
    cache.save(FINGERPRINT, PARTS)
    path = entry_path(tmp_path)
    with zipfile.ZipFile(path) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    files["2.mp3"] = b"\xff\xf3tampered"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    assert cache.load(FINGERPRINT) is None


def test_a_cache_that_cannot_be_written_only_logs_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "blocked").write_text("a file where the cache folder should be")
    cache = ClipCache(tmp_path / "blocked")
    with caplog.at_level(logging.WARNING, logger="audio.cache"):
        cache.save(FINGERPRINT, PARTS)
    assert "could not cache rendered clips" in caplog.text
    assert cache.load(FINGERPRINT) is None


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"NOCONTACT_CACHE": "/data/clips", "XDG_CACHE_HOME": "/xdg"}, Path("/data/clips")),
        ({"NOCONTACT_CACHE": "~/clips", "HOME": "/home/ada"}, Path("/home/ada/clips")),
        ({"XDG_CACHE_HOME": "/xdg", "HOME": "/home/ada"}, Path("/xdg/no-contact-companion")),
        ({"NOCONTACT_CACHE": "", "XDG_CACHE_HOME": "", "HOME": "/home/ada"}, HOME_CACHE),
        ({"HOME": "/home/ada"}, HOME_CACHE),
        ({}, Path.home() / ".cache" / "no-contact-companion"),
    ],
)
def test_the_cache_folder_follows_the_environment(environ: dict[str, str], expected: Path) -> None:
    assert default_cache_dir(environ) == expected
