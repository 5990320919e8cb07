"""Amazon Polly's neural voices through boto3, in chunks under Polly's request size limit."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from audio.errors import SynthesisError
from audio.voices import pcm_segment
from audio.voices.backoff import Backoff

if TYPE_CHECKING:
    from pydub import AudioSegment

# SynthesizeSpeech bills at most 3000 characters of text per request.
MAX_CHARACTERS = 3000
# Polly's PCM is 16-bit mono at 8 or 16 kHz; raw PCM needs no decoding.
PCM_RATE = 16000
RETRY_CODES = frozenset(
    {"ThrottlingException", "TooManyRequestsException", "ServiceFailureException",
     "ServiceUnavailable", "RequestTimeout"}
)
DEFAULT_VOICE_ID = "Matthew"
_NO_REGION = "Amazon Polly needs a region; set AWS_REGION or AWS_PROFILE"
_BREAKS = (re.compile(r"(?<=[.!?])\s+"), re.compile(r"(?<=[,;:])\s+"), re.compile(r"\s+"))


def make_client() -> Any:
    """A Polly client from the usual AWS configuration; retries are left to Backoff."""
    import boto3
    from botocore.config import Config

    # "total_max_attempts" counts every try ("max_attempts" counts only retries after the first):
    # each Backoff attempt is one HTTP request.
    config = Config(retries={"mode": "standard", "total_max_attempts": 1})
    return boto3.client("polly", config=config)


def chunk_text(text: str, limit: int = MAX_CHARACTERS) -> Iterator[str]:
    """Pieces of `text` no longer than `limit`, broken at sentences, then clauses, then words."""
    text = text.strip()
    if len(text) <= limit:
        if text:
            yield text
        return
    for pattern in _BREAKS:
        pieces = pattern.split(text)
        if len(pieces) > 1:
            yield from _pack(pieces, limit)
            return
    for start in range(0, len(text), limit):
        yield text[start : start + limit]


def _pack(pieces: list[str], limit: int) -> Iterator[str]:
    """Join neighbouring pieces while they fit; split any piece that is too long on its own."""
    current = ""
    for piece in pieces:
        joined = f"{current} {piece}" if current else piece
        if len(joined) <= limit:
            current = joined
            continue
        if current:
            yield current
        if len(piece) <= limit:
            current = piece
        else:
            yield from chunk_text(piece, limit)
            current = ""
    if current:
        yield current


@dataclass(frozen=True)
class PollyVoice:
    """Polly speech with a neural voice (Matthew by default: US English, male)."""

    voice_id: str = DEFAULT_VOICE_ID
    engine: str = "neural"
    client: Any = field(default=None, compare=False, repr=False)
    max_characters: int = MAX_CHARACTERS
    backoff: Backoff = Backoff()

    @property
    def id(self) -> str:
        return f"polly:{self.voice_id}:{self.engine}"

    def synthesize(self, text: str) -> AudioSegment:
        """Speech for `text`, one request per chunk, joined as 16 kHz PCM."""
        chunks = chunk_text(text, self.max_characters)
        return pcm_segment(b"".join(self._request(chunk) for chunk in chunks), PCM_RATE)

    def synthesize_ssml(self, ssml: str) -> AudioSegment:
        """Speech for one sentence's SSML document (the lexicon's `<phoneme>` tags), one request.

        A sentence this long would be chunked as text; as SSML it cannot be split, so refuse.
        """
        if len(ssml) > self.max_characters:
            raise SynthesisError(
                f"a sentence of {len(ssml)} characters of SSML is over Polly's "
                f"{self.max_characters}; split it in the section's text"
            )
        return pcm_segment(self._request(ssml, text_type="ssml"), PCM_RATE)

    @functools.cached_property
    def _client(self) -> Any:
        if self.client is not None:
            return self.client
        from botocore.exceptions import NoRegionError

        try:
            return make_client()
        except NoRegionError:
            raise SynthesisError(_NO_REGION) from None

    def _request(self, chunk: str, text_type: str = "text") -> bytes:
        from botocore.exceptions import (
            BotoCoreError,
            ClientError,
            NoCredentialsError,
            NoRegionError,
        )

        def attempt() -> bytes:
            response = self._client.synthesize_speech(
                Engine=self.engine,
                VoiceId=self.voice_id,
                OutputFormat="pcm",
                SampleRate=str(PCM_RATE),
                TextType=text_type,
                Text=chunk,
            )
            return response["AudioStream"].read()

        def retryable(error: Exception) -> bool:
            if isinstance(error, ClientError):
                return error.response.get("Error", {}).get("Code") in RETRY_CODES
            return isinstance(error, BotoCoreError) and not isinstance(
                error, (NoCredentialsError, NoRegionError)
            )

        try:
            return self.backoff.run(attempt, retryable)
        except NoCredentialsError:
            raise SynthesisError(
                "Amazon Polly needs AWS credentials; run `aws configure` or set AWS_PROFILE"
            ) from None
        except NoRegionError:
            raise SynthesisError(_NO_REGION) from None
        except ClientError as error:
            raise SynthesisError(_describe(error, self.voice_id, self.backoff.attempts)) from None
        except BotoCoreError as error:
            raise SynthesisError(
                f"cannot reach Amazon Polly after {self.backoff.attempts} attempts ({error}); "
                "check the network, or build offline with --voice piper"
            ) from None


def _describe(error: Any, voice_id: str, attempts: int) -> str:
    """A sentence for a Polly error response that says what to do next."""
    code = error.response.get("Error", {}).get("Code", "error")
    message = error.response.get("Error", {}).get("Message") or code
    if code in RETRY_CODES:
        return (
            f"Amazon Polly is throttling or failing ({code} after {attempts} attempts); "
            "wait a minute and try again, or use fewer --jobs"
        )
    if code in ("EngineNotSupportedException", "InvalidParameterValue", "ValidationException"):
        return f"Amazon Polly rejected voice {voice_id!r} ({message}); choose a neural voice"
    return f"Amazon Polly refused the request ({code}: {message})"

