"""Text-to-speech voices behind one small interface; the pipeline never knows which one runs.

Each backend lives in its own module and is imported only when chosen, so the offline build
never loads boto3 and a Polly build never loads the Piper model.
"""

from __future__ import annotations

import dataclasses
import importlib
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from audio.errors import SynthesisError

if TYPE_CHECKING:
    from pydub import AudioSegment

# name -> (module, class); the first is the default.
BACKENDS = {
    "piper": ("audio.voices.piper_voice", "PiperVoice"),
    "gtts": ("audio.voices.gtts_voice", "GttsVoice"),
    "polly": ("audio.voices.polly_voice", "PollyVoice"),
}
DEFAULT_VOICE = "piper"


@runtime_checkable
class Voice(Protocol):
    """Turns one sentence of prepared text into mono speech."""

    @property
    def id(self) -> str:
        """Stable identity (engine, voice, model version); part of every clip's content hash."""
        ...

    def synthesize(self, text: str) -> AudioSegment:
        """Speech for `text`; raises SynthesisError with a message a person can act on."""
        ...


@runtime_checkable
class SsmlVoice(Voice, Protocol):
    """A voice that also reads SSML, so the lexicon can give it words in IPA (`<phoneme>`)."""

    def synthesize_ssml(self, ssml: str) -> AudioSegment:
        """Speech for one SSML `<speak>` document of one sentence."""
        ...


def make_voice(name: str = DEFAULT_VOICE, **options: Any) -> Voice:
    """The voice called `name`, built with that backend's options.

    piper: model_path (default: the bundled joe model). gtts: lang, tld, session (a
    requests.Session), backoff. polly: voice_id (default Matthew), engine, client (a boto3
    Polly client), max_characters, backoff.
    """
    try:
        module_name, class_name = BACKENDS[name]
    except KeyError:
        raise SynthesisError(
            f"unknown voice {name!r}; choose one of: {', '.join(BACKENDS)}"
        ) from None
    backend = getattr(importlib.import_module(module_name), class_name)
    accepted = [field.name for field in dataclasses.fields(backend) if field.init]
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        raise SynthesisError(
            f"voice {name!r} does not take {', '.join(unknown)}; it takes {', '.join(accepted)}"
        )
    return backend(**options)


def pcm_segment(pcm: bytes, sample_rate: int) -> AudioSegment:
    """A mono AudioSegment around raw 16-bit little-endian PCM samples."""
    from pydub import AudioSegment

    return AudioSegment(data=pcm, sample_width=2, frame_rate=sample_rate, channels=1)


__all__ = ["BACKENDS", "DEFAULT_VOICE", "SsmlVoice", "Voice", "make_voice", "pcm_segment"]
