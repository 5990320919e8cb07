"""Google Translate's voice through gTTS: online, rate limited, retried with backoff.

gTTS prepares the requests (its tokenizer keeps each under Google's 100-character limit);
this module sends them through a `requests.Session` (one shared by the process unless one is
given, so tests can route the same HTTP traffic to a server on 127.0.0.1) and decodes the MP3
with ffmpeg.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from audio.errors import AudioError, SynthesisError
from audio.ffmpeg import decode_pcm
from audio.voices import pcm_segment
from audio.voices.backoff import Backoff

if TYPE_CHECKING:
    import requests
    from pydub import AudioSegment

DECODE_RATE = 24000  # gTTS returns 24 kHz mono MP3
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
TIMEOUT_SECONDS = 20.0
OFFLINE_HINT = "or build offline with --voice piper"


class _RetryableStatus(Exception):
    """The service answered with a status worth retrying (rate limit or server error)."""

    def __init__(self, status: int) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status


@functools.cache
def shared_session() -> requests.Session:
    """One connection pool for every gTTS voice in the process, closed when the process ends."""
    import requests

    return requests.Session()


@dataclass(frozen=True)
class GttsVoice:
    """gTTS speech for `lang` from translate.google.<tld>."""

    lang: str = "en"
    tld: str = "com"
    session: Any = field(default=None, compare=False, repr=False)  # default: shared_session()
    backoff: Backoff = Backoff()

    @property
    def id(self) -> str:
        return f"gtts:{self.lang}:{self.tld}"

    @property
    def url(self) -> str:
        """The endpoint gTTS's requests go to."""
        return f"https://translate.google.{self.tld}/_/TranslateWebserverUi/data/batchexecute"

    def synthesize(self, text: str) -> AudioSegment:
        """Speech for `text`, fetched in gTTS-sized pieces and decoded to 24 kHz PCM.

        Text with no letter or digit ("...") has nothing to say: it gives no audio, as the
        offline voice's silence does, rather than an error from gTTS.
        """
        from gtts import gTTS

        if not any(char.isalnum() for char in text):
            return pcm_segment(b"", DECODE_RATE)
        try:
            speech = gTTS(text, lang=self.lang, tld=self.tld, lang_check=False)
            bodies = speech.get_bodies()
        except (AssertionError, ValueError) as error:
            raise SynthesisError(f"gTTS cannot read {text[:60]!r}: {error}") from None
        headers, rpc = gTTS.GOOGLE_TTS_HEADERS, gTTS.GOOGLE_TTS_RPC
        mp3 = b"".join(self._fetch(body, headers, rpc) for body in bodies)
        try:
            return pcm_segment(decode_pcm(mp3, DECODE_RATE), DECODE_RATE)
        except AudioError as error:
            raise SynthesisError(
                f"Google's speech for {text[:60]!r} did not decode: {error}"
            ) from None

    def _fetch(self, body: str, headers: dict[str, str], rpc: str) -> bytes:
        import requests
        from requests.exceptions import ChunkedEncodingError

        session = shared_session() if self.session is None else self.session

        def attempt() -> bytes:
            response = session.post(
                self.url, data=body, headers=headers, timeout=TIMEOUT_SECONDS
            )
            if response.status_code in RETRY_STATUSES:
                raise _RetryableStatus(response.status_code)
            if response.status_code != 200:
                raise SynthesisError(
                    f"Google's speech service refused the request (HTTP {response.status_code}); "
                    f"gTTS may need an update (`pip install -U gTTS`), {OFFLINE_HINT}"
                )
            return _audio_from(response.text, rpc)

        # Network trouble worth retrying: no connection, no answer in time, an answer cut off.
        dropped = (requests.ConnectionError, requests.Timeout, ChunkedEncodingError)
        transient = (_RetryableStatus, *dropped)
        try:
            return self.backoff.run(attempt, lambda error: isinstance(error, transient))
        except _RetryableStatus as error:
            what = "is rate limiting this machine" if error.status == 429 else "is failing"
            raise SynthesisError(
                f"Google's speech service {what} (HTTP {error.status} after "
                f"{self.backoff.attempts} attempts); wait a few minutes and try again, "
                f"{OFFLINE_HINT}"
            ) from None
        except dropped as error:
            raise SynthesisError(
                f"cannot reach translate.google.{self.tld} after {self.backoff.attempts} "
                f"attempts ({type(error).__name__}); check the network connection, {OFFLINE_HINT}"
            ) from None
        except requests.RequestException as error:
            raise SynthesisError(
                f"the request to translate.google.{self.tld} failed ({error}); {OFFLINE_HINT}"
            ) from None


def _audio_from(text: str, rpc: str) -> bytes:
    """The base64 MP3 in gTTS's batchexecute answer (the line carrying the RPC id)."""
    found = re.search(rf'{rpc}","\[\\"(.*?)\\"]', text)
    if found is not None:
        try:
            return base64.b64decode(found[1], validate=True)
        except binascii.Error:
            pass  # not base64: no audio either
    raise SynthesisError(
        "Google's speech service answered without audio; gTTS may need an update "
        f"(`pip install -U gTTS`), {OFFLINE_HINT}"
    )
