"""Writing a file whole: all or nothing, with the permissions the umask gives."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from audio.files import write_atomically


@pytest.fixture
def umask() -> Iterator[Callable[[int], None]]:
    """Sets the process's umask for the test, restoring the one it had."""
    before = os.umask(0o022)

    def use(mask: int) -> None:
        os.umask(mask)

    yield use
    os.umask(before)


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_a_written_file_gets_the_permissions_the_umask_allows(
    tmp_path: Path, umask: Callable[[int], None], mask: int, mode: int
) -> None:
    umask(mask)
    path = tmp_path / "store" / "manifest.json"
    write_atomically(path, b"{}")
    assert stat.S_IMODE(path.stat().st_mode) == mode


def test_a_file_is_replaced_whole_and_leaves_nothing_beside_it(tmp_path: Path) -> None:
    path = tmp_path / "clip.mp3"
    write_atomically(path, b"old")
    write_atomically(path, b"new")
    assert path.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["clip.mp3"]


def test_a_failed_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "taken"
    path.mkdir()  # a folder where the file should go: the rename fails
    with pytest.raises(IsADirectoryError):
        write_atomically(path, b"data")
    assert list(tmp_path.iterdir()) == [path] and list(path.iterdir()) == []
