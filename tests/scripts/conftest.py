"""Fixtures shared by the CLI's tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from scripts.cli import main


@pytest.fixture
def build(
    small_content: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> Callable[..., None]:
    """Builds the small guide into a store with `nocontact build`."""

    def run(*store_arguments: str) -> None:
        code = main(["build", "--content", str(small_content),
                     "--cache-dir", str(tmp_path / "cache"), *store_arguments])
        capsys.readouterr()
        assert code == 0

    return run
