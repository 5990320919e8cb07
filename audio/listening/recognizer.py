"""PocketSphinx at the edge: a clip's 16 kHz PCM to the words it says, or to their timings.

The English acoustic model and dictionary ship inside the pocketsphinx wheel; the language
model is built from the guide (`audio.listening.language_model`), so nothing is downloaded.
A decoder is not thread-safe: each is used under a lock, and made on first use (about a
second each), so a build that only aligns never loads the language model and the reverse.
"""

from __future__ import annotations

import functools
import os
import re
import tempfile
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from audio.errors import AudioError
from audio.listening.language_model import arpa_model
from audio.listening.pronunciations import guess_pronunciation
from audio.listening.words import spoken_words

SAMPLE_RATE = 16000  # what the acoustic model was trained on
FRAMES_PER_SECOND = 100  # PocketSphinx's default frame rate
DICTIONARY = "cmudict-en-us.dict"
GENERIC_MODEL = "en-us.lm.bin"
LANGUAGE_MODELS = ("guide", "generic")
_WRITTEN_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z0-9]+)*")
_ALTERNATE = re.compile(r"\(\d+\)$")  # "with(2)": the dictionary's second pronunciation
_NOT_WORDS = {"<s>", "</s>", "<sil>"}
LOST_WORDS_PER_WORD = 50  # the aligner may lose one word in this many (at least one)
_TRAILING_SILENCE = bytes(SAMPLE_RATE * 2 * 3 // 10)  # 0.3 s of 16-bit zeros


class RecognitionError(AudioError):
    """The recognizer could not run, or the audio does not fit the text it should say."""


@dataclass(frozen=True)
class WordTiming:
    """A word and where the clip says it, in seconds."""

    word: str
    start: float
    end: float


class Recognizer:
    """Offline English recognition and alignment for the words of the given texts."""

    def __init__(self, texts: Sequence[str], language_model: str = "guide") -> None:
        """`texts` are what clips may say, one utterance each (a section's narration).

        `language_model` is "guide" (an n-gram model of the texts, what the check uses) or
        "generic" (PocketSphinx's own English model, which the benchmark compares it with).
        """
        if language_model not in LANGUAGE_MODELS:
            raise ValueError(f"language_model must be one of {', '.join(LANGUAGE_MODELS)}")
        self._texts = tuple(texts)
        self._language_model = language_model
        self._lock = threading.Lock()
        self._decoders: dict[str, Any] = {}
        self._pronunciations: dict[str, str] | None = None

    def known(self, word: str) -> bool:
        """True when the recognizer can hear the (lower-case) word."""
        return word in self._dictionary() or word in self._guessed()

    def usable(self, words: Iterable[str]) -> tuple[str, ...]:
        """The words the recognizer can hear, in order; the rest cannot be checked."""
        return tuple(word for word in words if self.known(word))

    def transcribe(self, pcm: bytes) -> tuple[str, ...]:
        """The words heard in 16 kHz mono 16-bit PCM, decoded with the guide's language model."""
        with self._lock:
            decoder = self._decoder("transcribe")
            _decode(decoder, pcm)
            hypothesis = decoder.hyp()
        return tuple(_ALTERNATE.sub("", w) for w in hypothesis.hypstr.split()) if hypothesis else ()

    def align(self, pcm: bytes, words: Sequence[str]) -> tuple[WordTiming | None, ...]:
        """Where each of `words` is said (None for a word the aligner lost).

        The aligner may lose a word that is barely voiced, such as a clip's last "it" run into
        the word before; up to one word in fifty (at least one) may be lost. RecognitionError
        when more are, or when the audio says other words.
        """
        if not words:
            return ()
        with self._lock:
            decoder = self._decoder("align")
            try:
                decoder.set_align_text(" ".join(words))
            except RuntimeError as error:
                raise RecognitionError(f"the text cannot be aligned: {error}") from None
            _decode(decoder, pcm)
            found = [
                WordTiming(
                    _ALTERNATE.sub("", segment.word),
                    segment.start_frame / FRAMES_PER_SECOND,
                    (segment.end_frame + 1) / FRAMES_PER_SECOND,
                )
                for segment in decoder.seg() or ()  # none when the search never reached the end
                if _ALTERNATE.sub("", segment.word) not in _NOT_WORDS
                and not segment.word.startswith("[")
            ]
        return timings_in_order(words, found)

    def _decoder(self, purpose: str) -> Any:
        """The decoder for "align" (no language model) or "transcribe", made on first use."""
        if purpose not in self._decoders:
            if purpose == "align":
                decoder = _decoder(lm=None)
            elif self._language_model == "generic":
                decoder = _decoder(lm=os.path.join(_model_dir(), GENERIC_MODEL))
            else:
                texts = [self.usable(spoken_words(text)) for text in self._texts]
                decoder = _decoder_with_model(arpa_model(texts))
            for word, phones in self._guessed().items():
                decoder.add_word(word, phones, True)
            self._decoders[purpose] = decoder
        return self._decoders[purpose]

    def _guessed(self) -> dict[str, str]:
        """Pronunciations guessed for the texts' words the dictionary lacks."""
        if self._pronunciations is None:
            dictionary = self._dictionary()
            guesses: dict[str, str] = {}
            for text in self._texts:
                for written in _WRITTEN_WORD.findall(text):
                    word = written.lower().replace("’", "'")
                    if word not in dictionary and word not in guesses:
                        phones = guess_pronunciation(written, dictionary.get)
                        if phones is not None:
                            guesses[word] = phones
            self._pronunciations = guesses
        return self._pronunciations

    @staticmethod
    def _dictionary() -> dict[str, str]:
        return _read_dictionary(_model_dir())


@functools.cache
def _read_dictionary(model_dir: str) -> dict[str, str]:
    """Each word's first pronunciation from the dictionary that ships with the model."""
    entries: dict[str, str] = {}
    with open(os.path.join(model_dir, DICTIONARY), encoding="utf-8") as file:
        for line in file:
            word, _, phones = line.strip().partition(" ")
            if word and "(" not in word:
                entries.setdefault(word, phones.strip())
    return entries


def timings_in_order(
    words: Sequence[str], found: Sequence[WordTiming]
) -> tuple[WordTiming | None, ...]:
    """Each word's timing among those the aligner found, in order (None where it lost one).

    RecognitionError when `found` is not in the words' order or lost more than one word in
    LOST_WORDS_PER_WORD (at least one may be lost).
    """
    timings: list[WordTiming | None] = []
    remaining = iter(found)
    timing = next(remaining, None)
    for word in words:
        if timing is not None and timing.word == word:
            timings.append(timing)
            timing = next(remaining, None)
        else:
            timings.append(None)
    lost = len(words) if timing is not None else timings.count(None)
    if lost > max(1, len(words) // LOST_WORDS_PER_WORD):
        raise RecognitionError(
            f"the audio does not say its text: {len(words) - lost} of {len(words)} words aligned"
        )
    return tuple(timings)


def _model_dir() -> str:
    try:
        import pocketsphinx
    except ImportError:
        raise RecognitionError(
            "pocketsphinx is not installed; install the audio extra (uv sync --extra audio)"
        ) from None
    return os.path.join(pocketsphinx.get_model_path(), "en-us")


def _decoder_with_model(model: str) -> Any:
    """A decoder with this ARPA model, which PocketSphinx reads only from a file."""
    handle, path = tempfile.mkstemp(prefix="nocontact-", suffix=".arpa")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(model)
        return _decoder(lm=path)
    finally:
        os.unlink(path)


def _decoder(lm: str | None) -> Any:
    model = _model_dir()
    import pocketsphinx

    try:
        return pocketsphinx.Decoder(
            hmm=os.path.join(model, "en-us"),
            dict=os.path.join(model, DICTIONARY),
            lm=lm,
            samprate=SAMPLE_RATE,
            # The cepstral mean of each clip from the whole clip: live, it is carried over from
            # the clips before, and the same clip is heard and timed differently in each build.
            cmn="batch",
            loglevel="FATAL",
        )
    except (RuntimeError, ValueError) as error:
        raise RecognitionError(f"the speech recognizer could not start: {error}") from None


def _decode(decoder: Any, pcm: bytes) -> None:
    """Decode one utterance; silence after it, as the decoder's search ends on silence.

    Without it, a clip that stops right on its last word loses that word. Each clip is a
    stream of its own: feature extraction starts afresh (its noise estimate carries over from
    one utterance to the next otherwise), so a clip is heard and timed the same whichever
    clips went before it.
    """
    decoder.reinit_feat()
    decoder.start_utt()
    decoder.process_raw(pcm + _TRAILING_SILENCE, full_utt=True)
    decoder.end_utt()
