"""The skill's configuration, read from the environment in one place and passed down."""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass

from skill.runtime import SkillError
from skill.runtime.budget import BACKEND_TIMEOUT_SECONDS, COLD_START_SECONDS, REQUEST_BUDGET_SECONDS
from skill.runtime.manifest_source import REFRESH_SECONDS

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SkillConfig:
    """Where the audio lives and what the skill may do; every field has a safe default."""

    # Path to the audio store's manifest.json, or s3://bucket/key; None speaks the text.
    manifest: str | None = None
    # Public base URL of the audio store; a clip plays from <audio_base_url>/<key>.
    audio_base_url: str | None = None
    # When set, requests for any other skill are refused.
    skill_id: str | None = None
    # Alexa plays only HTTPS audio; plain HTTP is for local serving and the simulator.
    allow_http_audio: bool = False
    # "sqlite:<path>", "dynamodb:<table>" or None: where listening positions are kept.
    persistence: str | None = None
    # Seconds between reads of the manifest, so a new audio build reaches a running skill.
    manifest_refresh_seconds: float = REFRESH_SECONDS
    # Seconds each request may wait on backends, one attempt's connect and read timeouts
    # (each), and the deadline of the manifest read at a cold start (skill.runtime.budget).
    request_budget_seconds: float = REQUEST_BUDGET_SECONDS
    backend_timeout_seconds: float = BACKEND_TIMEOUT_SECONDS
    cold_start_seconds: float = COLD_START_SECONDS
    # CloudWatch EMF records of every request on standard output (skill.runtime.metrics):
    # the Lambda turns them on, since only its log becomes CloudWatch metrics.
    metrics: bool = False

    @classmethod
    def from_env(cls, environ: Mapping[str, str], *, strict: bool = True) -> SkillConfig:
        """Read NOCONTACT_MANIFEST, NOCONTACT_AUDIO_BASE_URL, NOCONTACT_SKILL_ID,
        NOCONTACT_ALLOW_HTTP_AUDIO ("1" allows), NOCONTACT_PERSISTENCE and
        NOCONTACT_MANIFEST_REFRESH_SECONDS; blanks are unset.

        A value that cannot be read raises SkillError; unless `strict` is false (the Lambda,
        which must answer even when misconfigured), which logs it and keeps the default.
        """
        try:
            refresh = _seconds(environ.get("NOCONTACT_MANIFEST_REFRESH_SECONDS"))
        except SkillError as error:
            if strict:
                raise
            logger.error("%s; using %g seconds", error, REFRESH_SECONDS)
            refresh = REFRESH_SECONDS
        return cls(
            manifest=environ.get("NOCONTACT_MANIFEST") or None,
            audio_base_url=environ.get("NOCONTACT_AUDIO_BASE_URL") or None,
            skill_id=environ.get("NOCONTACT_SKILL_ID") or None,
            allow_http_audio=environ.get("NOCONTACT_ALLOW_HTTP_AUDIO", "") == "1",
            persistence=environ.get("NOCONTACT_PERSISTENCE") or None,
            manifest_refresh_seconds=refresh,
        )


def _seconds(value: str | None) -> float:
    """A refresh interval in seconds; the default when unset."""
    if not value:
        return REFRESH_SECONDS
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not 0 <= seconds < math.inf:
        raise SkillError(
            f"NOCONTACT_MANIFEST_REFRESH_SECONDS={value!r} is not a number of seconds; "
            f"set it to one, such as {REFRESH_SECONDS:g}, or leave it unset"
        )
    return seconds
