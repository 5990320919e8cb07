"""The ffmpeg binary: found once, run over pipes, never through temporary files."""

from __future__ import annotations

import functools
import logging
import shutil
import subprocess
from collections.abc import Sequence

from audio.errors import AudioError

logger = logging.getLogger(__name__)


@functools.cache
def ffmpeg_path() -> str:
    """Debian's ffmpeg when it is on PATH, else the binary bundled with imageio-ffmpeg."""
    found = shutil.which("ffmpeg")
    if found:
        return found
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError) as error:
        raise AudioError(
            f"ffmpeg not found ({error}); run `pip install imageio-ffmpeg` or `apt install ffmpeg`"
        ) from None


def run_ffmpeg(arguments: Sequence[str], data: bytes) -> bytes:
    """Run ffmpeg with `data` on stdin and return stdout; AudioError carries its complaint."""
    command = [ffmpeg_path(), "-hide_banner", "-loglevel", "error", *arguments]
    logger.debug("running %s", " ".join(command))
    try:
        result = subprocess.run(command, input=data, capture_output=True, check=False)
    except OSError as error:
        raise AudioError(f"could not start ffmpeg at {command[0]}: {error}") from None
    if result.returncode != 0:
        complaint = result.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = complaint[-1] if complaint else f"exit status {result.returncode}"
        raise AudioError(f"ffmpeg could not process the audio: {reason}")
    return result.stdout


def decode_pcm(data: bytes, sample_rate: int) -> bytes:
    """Decode any audio ffmpeg reads (MP3 here) to mono signed 16-bit little-endian PCM."""
    return run_ffmpeg(
        [
            "-i", "pipe:0",
            "-f", "s16le", "-acodec", "pcm_s16le",
            "-ar", str(sample_rate), "-ac", "1",
            "pipe:1",
        ],
        data,
    )
