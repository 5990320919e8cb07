"""Where the skill's manifest.json comes from: a local file or S3, with a last good copy.

The manifest is read on first use (a Lambda cold start) and parsed by the caller's function,
for example one that builds the catalog. After that it is read again at most every
`refresh_seconds`, so a new audio build reaches a warm function without a redeploy; if that
read fails, or the new manifest does not parse, the skill keeps the copy it already has.
A read from S3 fits in the time budget of the request it happens in (skill.runtime.budget):
a refresh is one attempt, and only when one fits; a first read may try twice. While one
request reads, the others go on with the copy in hand (or without audio) rather than wait.
Only the standard library is imported here; boto3 loads when the manifest is in S3.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, NamedTuple, TypeVar

from skill.runtime import SkillError, budget

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

Parsed = TypeVar("Parsed")

REFRESH_SECONDS = 300.0
# Without any copy yet, a failed read is tried again this soon, not on every request.
RETRY_SECONDS = 30.0


class ManifestUnavailableError(SkillError):
    """The manifest could not be read or parsed, and there is no earlier copy to use."""


class S3Location(NamedTuple):
    """An object in S3, named by an `s3://bucket/key` URL."""

    bucket: str
    key: str

    @classmethod
    def parse(cls, url: str) -> S3Location:
        """Split `s3://bucket/key`; ValueError says what a valid URL looks like."""
        bucket, _, key = url.removeprefix("s3://").partition("/")
        if not url.startswith("s3://") or not bucket or not key:
            raise ValueError(f"{url!r} is not an S3 object URL; use s3://<bucket>/manifest.json")
        return cls(bucket, key)

    def __str__(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


def make_s3_client(
    endpoint_url: str | None = None, timeout_seconds: float = budget.BACKEND_TIMEOUT_SECONDS
) -> Any:
    """A boto3 S3 client whose calls fit a request's budget (budget.botocore_config); boto3
    is imported only when S3 is used."""
    import boto3

    config = budget.botocore_config(timeout_seconds)
    return boto3.client("s3", endpoint_url=endpoint_url, config=config)


class ManifestSource(Generic[Parsed]):
    """The manifest at a path or `s3://` URL, parsed; re-read now and then, never lost."""

    def __init__(
        self,
        location: str,
        parse: Callable[[bytes], Parsed],
        *,
        s3_client: Any | None = None,
        refresh_seconds: float = REFRESH_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        timeout_seconds: float = budget.BACKEND_TIMEOUT_SECONDS,
    ) -> None:
        self.location = location
        self._s3 = S3Location.parse(location) if location.startswith("s3://") else None
        self._parse = parse
        self._client = s3_client
        self._refresh_seconds = refresh_seconds
        self._clock = clock
        self._timeout = timeout_seconds
        self._lock = threading.Lock()
        self._copy: tuple[bytes, Parsed] | None = None
        self._failure: str | None = None
        self._read_at = 0.0

    def current(self) -> Parsed:
        """The parsed manifest; ManifestUnavailableError until a first read succeeds."""
        copy = self._copy
        if not self._lock.acquire(blocking=False):
            # Another request is reading it: go on with the copy in hand rather than wait.
            if copy is None:
                raise ManifestUnavailableError(f"{self.location} is being read")
            return copy[1]
        try:
            now = self._clock()
            if self._copy is None:
                return self._first(now)
            data, parsed = self._copy
            if now - self._read_at >= self._refresh_seconds and self._fits():
                self._read_at = now
                parsed = self._refreshed(data, parsed)
            return parsed
        finally:
            self._lock.release()

    def _fits(self) -> bool:
        """Whether a read fits in the running request's budget (a file's always does)."""
        return self._s3 is None or budget.current().allows(budget.attempt_seconds(self._timeout))

    def _first(self, now: float) -> Parsed:
        if self._failure is not None and now - self._read_at < RETRY_SECONDS:
            raise ManifestUnavailableError(self._failure)
        if not self._fits():
            # Not a failure: a request with time for it will read it.
            raise ManifestUnavailableError(f"no time left to read {self.location}")
        self._read_at = now
        try:
            data = self._fetch(tries=2)
            self._copy = (data, self._parsed(data))
        except ManifestUnavailableError as error:
            self._failure = str(error)
            raise
        self._failure = None
        return self._copy[1]

    def _refreshed(self, data: bytes, parsed: Parsed) -> Parsed:
        """The manifest as it is now, or the copy in hand if unchanged or unreadable."""
        try:
            fresh = self._fetch(tries=1)
            if fresh != data:
                self._copy = (fresh, self._parsed(fresh))
                return self._copy[1]
        except ManifestUnavailableError as error:
            logger.warning("Keeping the manifest already loaded: %s", error)
        return parsed

    def _parsed(self, data: bytes) -> Parsed:
        try:
            return self._parse(data)
        except (SkillError, ValueError) as error:
            raise ManifestUnavailableError(
                f"{self.location} is not a usable manifest: {error}"
            ) from None

    def _fetch(self, tries: int) -> bytes:
        if self._s3 is None:
            return self._fetch_file(Path(self.location))
        return budget.attempt(
            lambda: self._fetch_s3(self._s3),
            budget.attempt_seconds(self._timeout),
            ManifestUnavailableError,
            tries,
        )

    def _fetch_file(self, path: Path) -> bytes:
        try:
            return path.read_bytes()
        except OSError as error:
            raise ManifestUnavailableError(
                f"cannot read the manifest {path}: {error.strerror}; build the audio first "
                "(nocontact build) or set NOCONTACT_MANIFEST to its manifest.json"
            ) from None

    def _fetch_s3(self, location: S3Location) -> bytes:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            if self._client is None:
                self._client = make_s3_client(timeout_seconds=self._timeout)
            return self._client.get_object(Bucket=location.bucket, Key=location.key)["Body"].read()
        except ClientError as error:
            raise ManifestUnavailableError(
                f"cannot read the manifest {location}: {error}; check the bucket, the key and "
                "the function's s3:GetObject permission, or publish the audio with "
                f"nocontact build --store s3://{location.bucket}"
            ) from None
        except BotoCoreError as error:
            raise ManifestUnavailableError(f"cannot reach S3 for {location}: {error}") from None
