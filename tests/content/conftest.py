"""Fixtures for content tests: a writable copy of the bundled content."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from content import CONTENT_DIR


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A copy of content/ that a test may break without touching the real files."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


def rewrite(path: Path, old: str, new: str) -> None:
    """Replace one exact piece of a file's text, failing loudly if it is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
