"""The listening check: decode every clip and score it against the words it should say.

Every clip: each section's, and each of the guided reflection's (its opening, prompts and
close against their words, its space to think against silence).

A clip passes when its word error rate is at most MAX_WORD_ERROR_RATE, or, for a clip of
fewer than SHORT_CLIP_WORDS words, at most MAX_SHORT_CLIP_RATE when its text also aligns to
it. The rate is measured with a language model of the guide's words
(`audio.listening.recognizer`): on the guide's real clips it is 0 to 2%, while a clip cut in
half scores about 50%, another section's clip over 90% and noise 100% (bench/listening.py
measures it; the README has the figures).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from audio.errors import AudioError
from audio.ffmpeg import decode_pcm
from audio.listening.recognizer import SAMPLE_RATE, RecognitionError, Recognizer
from audio.listening.words import (
    WordErrors,
    narrated_sentences,
    split_sentences,
    spoken_words,
    word_errors,
)
from audio.manifest import Manifest, SectionEntry
from audio.reflections import clip_sentences, reflection_clips
from content import Guide

# Real clips score at most 0.022 (the worst of the guide's 11); the nearest failure measured,
# a clip cut in half, 0.50. 0.15 sits well clear of both and fails a clip missing its last
# sixth or more, or with one word in seven misheard.
MAX_WORD_ERROR_RATE = 0.15
# In a clip of a few words (a reflection prompt says 9 to 19) one misheard word is 5 to 11%:
# real prompts score up to 0.19 (3 of 16), prompts cut in half from 0.29. Such a clip may
# score up to 0.35 when its text also aligns to its audio, which no clip cut short does and
# which leaves another prompt's clip (0.83 and up) far out.
SHORT_CLIP_WORDS = 40
MAX_SHORT_CLIP_RATE = 0.35
_BYTES_PER_SECOND = SAMPLE_RATE * 2

Reader = Callable[[str], "bytes | None"]  # a store's get


@dataclass(frozen=True)
class ClipHearing:
    """What the recognizer heard in one clip, against what the clip should say."""

    key: str
    section: str
    audio_seconds: float  # length of the clip
    seconds: float  # decoding and recognition time
    errors: WordErrors | None = None
    problem: str | None = None  # why the clip could not be listened to at all
    aligned: bool | None = None  # whether its text aligns to it, asked of short clips only

    @property
    def ok(self) -> bool:
        """True when the clip says its text, within the threshold (a short clip's, if it
        aligns)."""
        if self.problem is not None or self.errors is None:
            return False
        return self.errors.rate <= MAX_WORD_ERROR_RATE or (
            self.aligned is True and self.errors.rate <= MAX_SHORT_CLIP_RATE
        )

    def verdict(self) -> str:
        """One line: the rate and the words not heard, or what went wrong."""
        if self.problem is not None:
            return self.problem
        assert self.errors is not None
        worst = ", ".join(self.errors.worst_words()) or "none"
        alignment = {True: "; its text aligns", False: "; its text does not align"}
        return (
            f"{self.errors.rate:.1%} of words wrong ({self.errors.errors} of "
            f"{self.errors.reference}; not heard: {worst}){alignment.get(self.aligned, '')}"
        )


@dataclass(frozen=True)
class ListeningReport:
    """Every clip heard, and the threshold it was held to."""

    clips: tuple[ClipHearing, ...]
    threshold: float = MAX_WORD_ERROR_RATE

    @property
    def ok(self) -> bool:
        """True when every clip says what it should."""
        return all(clip.ok for clip in self.clips)

    @property
    def failures(self) -> tuple[ClipHearing, ...]:
        """The clips that do not pass."""
        return tuple(clip for clip in self.clips if not clip.ok)

    @property
    def audio_seconds(self) -> float:
        """Seconds of audio heard."""
        return sum(clip.audio_seconds for clip in self.clips)

    @property
    def real_time_factor(self) -> float:
        """Listening time over audio time: 0.1 means a minute of audio takes 6 s."""
        heard = self.audio_seconds
        return sum(clip.seconds for clip in self.clips) / heard if heard else 0.0


def guide_recognizer(guide: Guide) -> Recognizer:
    """A recognizer for the guide's words: each section's narration one utterance, each
    spoken clip of the guided reflection another."""
    sections = [" ".join(narrated_sentences(section)) for section in guide.sections]
    reflections = [" ".join(clip_sentences(clip)) for clip in reflection_clips(guide)]
    return Recognizer([*sections, *(text for text in reflections if text)])


def listen_to_manifest(
    manifest: Manifest, guide: Guide, read: Reader, recognizer: Recognizer
) -> ListeningReport:
    """Hear every clip the manifest lists, section by section, then the guided reflection's."""
    clips: list[ClipHearing] = []
    for entry in manifest.sections:
        clips += listen_to_section(entry, guide, read, recognizer)
    sentences = {clip.id: clip_sentences(clip) for clip in reflection_clips(guide)}
    for entry in manifest.reflections:
        clips += listen_to_reflection(entry, sentences.get(entry.id), read, recognizer)
    return ListeningReport(tuple(clips))


def listen_to_reflection(
    entry: SectionEntry, sentences: Sequence[str] | None, read: Reader, recognizer: Recognizer
) -> list[ClipHearing]:
    """Hear a clip of the guided reflection against its sentences (None: not in the guide).

    The space to think says nothing, so any word heard in it counts against it.
    """
    if sentences is None:
        return _not_in_guide(entry, "reflection clip")
    expected = [word for s in sentences for word in recognizer.usable(spoken_words(s))]
    hearings: list[ClipHearing] = []
    for part in entry.parts:
        heard = _hear(part.key, entry.id, read, recognizer)
        hearings.append(
            heard if isinstance(heard, ClipHearing) else _judged(heard, expected, recognizer)
        )
    return hearings


def listen_to_section(
    entry: SectionEntry, guide: Guide, read: Reader, recognizer: Recognizer
) -> list[ClipHearing]:
    """Hear a section's clips; its sentences are shared out among them as they were said."""
    section = next((s for s in guide.sections if s.id == entry.id), None)
    if section is None:
        return _not_in_guide(entry, "section")
    heard = [_hear(part.key, entry.id, read, recognizer) for part in entry.parts]
    if any(isinstance(item, ClipHearing) for item in heard):
        # One clip unheard: where the section's words fall among the others is unknown.
        return [
            item if isinstance(item, ClipHearing) else item.hearing(
                problem="not scored: another clip of its section cannot be listened to"
            )
            for item in heard
        ]
    sentences = [recognizer.usable(spoken_words(s)) for s in narrated_sentences(section)]
    clips = [item for item in heard if isinstance(item, _Heard)]
    shares = split_sentences(sentences, [clip.words for clip in clips])
    return [
        _judged(clip, [w for sentence in share for w in sentence], recognizer)
        for clip, share in zip(clips, shares, strict=True)
    ]


@dataclass(frozen=True)
class _Heard:
    """A clip's hypothesis, before the section's words are shared out among its clips."""

    key: str
    section: str
    words: tuple[str, ...]
    audio_seconds: float
    seconds: float
    pcm: bytes = field(repr=False)

    def hearing(
        self,
        errors: WordErrors | None = None,
        problem: str | None = None,
        aligned: bool | None = None,
        seconds: float = 0.0,
    ) -> ClipHearing:
        return ClipHearing(
            self.key, self.section, self.audio_seconds, self.seconds + seconds, errors,
            problem, aligned,
        )


def _not_in_guide(entry: SectionEntry, kind: str) -> list[ClipHearing]:
    """Each clip of an entry the guide does not have, refused with the reason."""
    problem = (
        f"{kind} {entry.id!r} is not in the guide; check against the content the store was "
        "built from (--content)"
    )
    return [ClipHearing(part.key, entry.id, part.duration, 0.0, problem=problem)
            for part in entry.parts]


def _judged(heard: _Heard, expected: Sequence[str], recognizer: Recognizer) -> ClipHearing:
    """The clip scored against the words it should say; a short one over the threshold but
    within the short clips' is aligned too, as a second witness."""
    errors = word_errors(expected, heard.words)
    if not (
        len(expected) < SHORT_CLIP_WORDS
        and MAX_WORD_ERROR_RATE < errors.rate <= MAX_SHORT_CLIP_RATE
    ):
        return heard.hearing(errors=errors)
    started = time.perf_counter()
    try:
        recognizer.align(heard.pcm, expected)
        aligned = True
    except RecognitionError:
        aligned = False
    return heard.hearing(
        errors=errors, aligned=aligned, seconds=time.perf_counter() - started
    )


def _hear(key: str, section: str, read: Reader, recognizer: Recognizer) -> _Heard | ClipHearing:
    started = time.perf_counter()
    try:
        pcm = _pcm(read, key)
    except AudioError as error:
        return ClipHearing(key, section, 0.0, 0.0, problem=str(error))
    words = recognizer.transcribe(pcm)
    return _Heard(
        key, section, words, len(pcm) / _BYTES_PER_SECOND, time.perf_counter() - started, pcm
    )


def _pcm(read: Reader, key: str) -> bytes:
    """The clip as 16 kHz PCM; AudioError with one sentence naming the clip otherwise."""
    data = read(key)
    if data is None:
        raise AudioError(f"{key} is missing from the store; build the audio again")
    try:
        pcm = decode_pcm(data, SAMPLE_RATE)
    except AudioError as error:
        raise AudioError(
            f"{key} cannot be decoded ({str(error).rstrip('.')}); build the audio again"
        ) from None
    if not pcm:
        raise AudioError(f"{key} decodes to no audio at all; build the audio again")
    return pcm


def failure_summary(report: ListeningReport, limit: int = 3) -> str:
    """The first failing clips in one sentence, for a build that stops on them."""
    failures: Sequence[ClipHearing] = report.failures
    named = "; ".join(f"{clip.key}: {clip.verdict()}" for clip in failures[:limit])
    more = f"; and {len(failures) - limit} more" if len(failures) > limit else ""
    return (
        f"the listening check failed for {len(failures)} of {len(report.clips)} clips "
        f"(over {report.threshold:.0%} of words wrong or unreadable): {named}{more}"
    )
