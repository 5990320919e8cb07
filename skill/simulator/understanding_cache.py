"""The simulator's trained understanding kept on disk, by the hash of the model it learned.

Training takes seconds to a minute; reading it back a fraction of a second. A model that
changes in any way (a sample, a value, the sensitivity) has another hash and is learned again;
so does every model when the way of learning changes (`LEARNING`). A folder appears whole or
not at all: training writes beside it and renames it into place; a process that finds another
learning the same model waits for it (a lock file beside the folder) rather than learning it
twice.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import pickle
import shutil
import tempfile
from pathlib import Path

from skill.simulator.language_model import InteractionModel
from skill.simulator.understanding import Understanding

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

# Changed whenever training changes what it learns from the same model.
LEARNING = "statistical-9"


def model_key(model: InteractionModel) -> str:
    """A hash of everything in the model that decides what is understood, and of LEARNING."""
    return hashlib.sha256(f"{LEARNING}\n{model!r}".encode()).hexdigest()[:32]


def trained_understanding(model: InteractionModel, cache_dir: Path) -> Understanding:
    """The understanding of `model`, read from `cache_dir` or learned and kept there."""
    folder = cache_dir / "understanding" / model_key(model)
    kept = _kept(model, folder)
    if kept is not None:
        return kept
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        kept = _kept(model, folder)
        if kept is not None:
            return kept
        logger.info("Learning the interaction model (once per model; kept in %s)", folder.parent)
        scratch = Path(tempfile.mkdtemp(prefix=".learning-", dir=folder.parent))
        try:
            Understanding.train(model, scratch)
            shutil.rmtree(folder, ignore_errors=True)  # what an interrupted copy left
            os.replace(scratch, folder)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return Understanding.load(model, folder)


def _kept(model: InteractionModel, folder: Path) -> Understanding | None:
    """What was learned of `model` before, if `folder` holds all of it and it reads back."""
    if not all((folder / name).is_file() for name in Understanding.files()):
        return None
    try:
        return Understanding.load(model, folder)
    except (OSError, ValueError, EOFError, pickle.UnpicklingError) as error:
        logger.warning("Learning the model again: %s could not be read (%s)", folder, error)
        shutil.rmtree(folder, ignore_errors=True)
        return None
