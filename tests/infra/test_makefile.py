"""The Makefile: `make run` and `make test` sync .venv only when what it is made from changed.

Each case asks make what it would do (`make -n`) for a virtualenv folder of the test's own,
so nothing is installed and the project's .venv is left alone.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SYNC = "sync --locked"

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def planned(target: str, venv: Path, *options: str, python: str = sys.executable) -> str:
    """What `make -n TARGET` would run for a virtualenv at `venv`."""
    done = subprocess.run(
        ["make", "-n", *options, target, f"VENV={venv}", f"PYTHON={python}"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=True,
    )
    return done.stdout


def synced(target: str, venv: Path, python: str = sys.executable) -> None:
    """Leave the stamps a finished sync of `target` leaves: newer than every source."""
    stamps = [line.split()[-1] for line in planned(target, venv, python=python).splitlines()
              if line.startswith("touch ") and ".synced-" in line]
    assert stamps, "the target records no sync"
    venv.mkdir(exist_ok=True)
    later = time.time() + 60
    for stamp in stamps:
        Path(stamp).touch()
        os.utime(stamp, (later, later))


@pytest.mark.parametrize("target", ["run", "test"])
def test_a_new_environment_is_synced(tmp_path: Path, target: str) -> None:
    assert SYNC in planned(target, tmp_path / "venv")


@pytest.mark.parametrize(("target", "command"), [("run", "nocontact run"), ("test", "pytest")])
def test_with_nothing_changed_the_command_starts_without_syncing(
    tmp_path: Path, target: str, command: str
) -> None:
    venv = tmp_path / "venv"
    synced(target, venv)
    plan = planned(target, venv)
    assert SYNC not in plan and command in plan


@pytest.mark.parametrize("source", ["uv.lock", "pyproject.toml"])
@pytest.mark.parametrize("target", ["run", "test"])
def test_a_changed_lock_or_project_syncs_again(tmp_path: Path, target: str, source: str) -> None:
    venv = tmp_path / "venv"
    synced(target, venv)
    assert SYNC in planned(target, venv, "-W", source)


def test_another_interpreter_syncs_again(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    synced("run", venv)
    other = tmp_path / "python3"
    other.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    other.chmod(0o755)
    assert SYNC in planned("run", venv, python=str(other))


def test_run_keeps_the_dev_tools_that_test_installed(tmp_path: Path) -> None:
    sync = next(line for line in planned("run", tmp_path / "venv").splitlines() if SYNC in line)
    assert "--inexact" in sync
