"""Writing a file whole: a hidden temporary file beside it, renamed into place.

Readers (and a crash) never see half a file, and hidden names keep a write in progress out of
folder listings. The file gets the permissions the process's umask allows, as `open` would give
it (tempfile's own files are private to their owner, which would keep a web server running as
another user from serving a local store).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

# Read and write for all, less what the umask takes away: what a plain `open` creates.
_NEW_FILE_MODE = 0o666


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path`, creating its folder; OSError when the file cannot be written."""
    temporary: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        name = path.parent / f".{secrets.token_hex(8)}.tmp"
        descriptor = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _NEW_FILE_MODE)
        temporary = str(name)
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        raise
