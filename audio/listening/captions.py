"""WebVTT captions of a clip: one cue per sentence, each word's start marked inside it.

Pure. `sentence_cues` lays word timings from the aligner over the sentences they came from;
`webvtt` writes the cues, with WebVTT's inline timestamps (`<00:00:01.250>`) before each word
after the first, so a player may highlight words; `parse_webvtt` reads them back.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from audio.listening.words import spoken_word_spans

MIME_TYPE = "text/vtt"
_TIMING = re.compile(
    r"^(\d{2,}):([0-5]\d):([0-5]\d)\.(\d{3}) --> (\d{2,}):([0-5]\d):([0-5]\d)\.(\d{3})(?: .*)?$"
)
_TAG = re.compile(r"<[^>]*>")


class CaptionError(ValueError):
    """Text that is not WebVTT this project writes."""


@dataclass(frozen=True)
class Cue:
    """A sentence and when the clip says it, in seconds."""

    start: float
    end: float
    text: str
    word_starts: tuple[float, ...] = ()  # when each word after the first begins, if known


@dataclass(frozen=True)
class TimedWord:
    """One aligned word: its place among the sentence's words, and its start and end."""

    start: float
    end: float


def sentence_cues(
    sentences: Sequence[str],
    timings: Sequence[Sequence[TimedWord | None]],
    duration: float,
) -> tuple[Cue, ...]:
    """A cue per sentence from the timing of each of its words (None where not aligned).

    A sentence none of whose words was aligned fills the gap between its neighbours. Times
    are kept in order and inside the clip.
    """
    known = [[word for word in words if word is not None] for words in timings]
    cues: list[Cue] = []
    for index, (sentence, words) in enumerate(zip(sentences, known, strict=True)):
        previous_end = cues[-1].end if cues else 0.0
        if words:
            start, end = max(words[0].start, previous_end), words[-1].end
        else:
            later = next((w[0].start for w in known[index + 1:] if w), duration)
            start, end = previous_end, later
        end = min(max(end, start), duration)
        starts = tuple(
            round(min(max(word.start, start), end), 3)
            for word in timings[index][1:]
            if word is not None
        )
        cues.append(Cue(round(start, 3), round(end, 3), sentence, starts))
    return tuple(cues)


def webvtt(cues: Sequence[Cue]) -> bytes:
    """The cues as a WebVTT file, UTF-8."""
    blocks = ["WEBVTT"]
    for number, cue in enumerate(cues, start=1):
        blocks.append(
            f"{number}\n{_timestamp(cue.start)} --> {_timestamp(cue.end)}\n{_marked_text(cue)}"
        )
    return ("\n\n".join(blocks) + "\n").encode("utf-8")


def _marked_text(cue: Cue) -> str:
    """The sentence with a timestamp tag before each word after the first."""
    spans = spoken_word_spans(cue.text)[1:]
    if len(spans) != len(cue.word_starts):
        return cue.text
    text, last = [], 0
    for (begin, _), start in zip(spans, cue.word_starts, strict=True):
        text += [cue.text[last:begin], f"<{_timestamp(start)}>"]
        last = begin
    return "".join([*text, cue.text[last:]])


def _timestamp(seconds: float) -> str:
    milliseconds = round(seconds * 1000)
    hours, rest = divmod(milliseconds, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def parse_webvtt(data: bytes) -> tuple[Cue, ...]:
    """Cues of a WebVTT file (inline tags dropped from the text); CaptionError if malformed."""
    try:
        text = data.decode("utf-8").replace("\r\n", "\n")
    except UnicodeDecodeError:
        raise CaptionError("captions are not UTF-8 text") from None
    header, *blocks = re.split(r"\n{2,}", text.strip("\n"))
    if not header.startswith("WEBVTT"):
        raise CaptionError("captions do not start with WEBVTT")
    return tuple(_cue(block) for block in blocks)


def _cue(block: str) -> Cue:
    lines = block.split("\n")
    if "-->" not in lines[0]:
        lines = lines[1:]  # the cue's identifier
    timing = _TIMING.match(lines[0]) if lines else None
    if timing is None or len(lines) < 2:
        raise CaptionError(f"a cue without a valid timing line: {block[:60]!r}")
    hours, minutes, seconds, millis = (int(value) for value in timing.groups()[:4])
    start = hours * 3600 + minutes * 60 + seconds + millis / 1000
    hours, minutes, seconds, millis = (int(value) for value in timing.groups()[4:])
    end = hours * 3600 + minutes * 60 + seconds + millis / 1000
    body = "\n".join(lines[1:])
    word_starts = tuple(_seconds(tag[1:-1]) for tag in _TAG.findall(body) if ":" in tag)
    return Cue(start, end, _TAG.sub("", body), word_starts)


def _seconds(stamp: str) -> float:
    hours, minutes, rest = stamp.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(rest)
