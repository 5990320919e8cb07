"""Captions for a section's clips: forced alignment of the text they say, as WebVTT.

The section's clips are aligned as one recording (a section breaks between clips only between
sentences), then each sentence goes to the clip it is said in, timed from that clip's start.
"""

from __future__ import annotations

from collections.abc import Sequence

from audio.errors import AudioError
from audio.ffmpeg import decode_pcm
from audio.listening.captions import TimedWord, sentence_cues, webvtt
from audio.listening.recognizer import SAMPLE_RATE, RecognitionError, Recognizer, WordTiming
from audio.listening.words import spoken_words

_BYTES_PER_SECOND = SAMPLE_RATE * 2  # 16-bit mono


def caption_clips(
    sentences: Sequence[str], clips: Sequence[bytes], recognizer: Recognizer
) -> tuple[bytes, ...]:
    """WebVTT for each clip of a section that says `sentences` across its clips, in order.

    Raises AudioError when a clip cannot be decoded or the audio does not say the text.
    """
    recordings = [decode_pcm(clip, SAMPLE_RATE) for clip in clips]
    words = [spoken_words(sentence) for sentence in sentences]
    usable = [[recognizer.known(word) for word in sentence] for sentence in words]
    aligned = [
        word
        for sentence, known in zip(words, usable, strict=True)
        for word, hearable in zip(sentence, known, strict=True)
        if hearable
    ]
    try:
        timings = iter(recognizer.align(b"".join(recordings), aligned))
    except RecognitionError as error:
        raise AudioError(f"the clips cannot be captioned: {error}") from None
    per_sentence = [[_timed(next(timings)) if k else None for k in known] for known in usable]
    bounds = _clip_bounds(recordings)
    texts: list[list[str]] = [[] for _ in clips]
    times: list[list[list[TimedWord | None]]] = [[] for _ in clips]
    clip = 0
    for sentence, timed in zip(sentences, per_sentence, strict=True):
        first = next((word for word in timed if word is not None), None)
        while first is not None and clip + 1 < len(clips) and first.start >= bounds[clip + 1]:
            clip += 1
        texts[clip].append(sentence)
        times[clip].append([_relative(word, bounds[clip]) for word in timed])
    return tuple(
        webvtt(sentence_cues(texts[n], times[n], bounds[n + 1] - bounds[n]))
        for n in range(len(clips))
    )


def _timed(timing: WordTiming | None) -> TimedWord | None:
    return None if timing is None else TimedWord(timing.start, timing.end)


def _relative(word: TimedWord | None, offset: float) -> TimedWord | None:
    return None if word is None else TimedWord(word.start - offset, word.end - offset)


def _clip_bounds(recordings: Sequence[bytes]) -> list[float]:
    """Where each clip starts in the joined recording, and where the last one ends."""
    bounds = [0.0]
    for recording in recordings:
        bounds.append(bounds[-1] + len(recording) / _BYTES_PER_SECOND)
    return bounds
