"""Folders made once per test run and shared by pytest-xdist's workers.

Each worker is its own process with its own session fixtures, so an expensive session fixture
(a synthesized audio store) would be made once per worker. `shared_folder` makes it once per
run instead: the first worker to ask builds it under a file lock, the others wait and read it.
The folder lives under the run's temporary root, so nothing carries over to the next run.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

_DONE = ".complete"


def run_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temporary folder of this whole run: the workers' common parent under xdist."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def shared_folder(
    tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]
) -> Path:
    """`run_root/name`, filled by `build(folder)` by the first worker to ask for it.

    Treat it as read-only: other workers may be reading it. A build that fails leaves no
    folder behind, so the next worker to ask tries again (and reports its own failure).
    """
    folder = run_root(tmp_path_factory) / name
    with _locked(folder.with_name(f"{name}.lock")):
        if not (folder / _DONE).exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            try:
                build(folder)
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise
            (folder / _DONE).touch()
    return folder


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
