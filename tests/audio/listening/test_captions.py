"""WebVTT captions: cues laid over sentences, written and read back."""

from __future__ import annotations

from itertools import pairwise

import pytest

from audio.listening.captions import (
    CaptionError,
    Cue,
    TimedWord,
    parse_webvtt,
    sentence_cues,
    webvtt,
)

SENTENCES = ("Going no contact is hard.", "You’re not alone.", "Take care.")


def _words(*spans: tuple[float, float] | None) -> list[TimedWord | None]:
    return [None if span is None else TimedWord(*span) for span in spans]


def test_cues_follow_the_words_and_read_back_the_same() -> None:
    timings = [
        _words((0.1, 0.4), (0.4, 0.6), (0.6, 1.0), (1.0, 1.2), (1.2, 1.6)),
        _words((2.0, 2.3), (2.3, 2.5), (2.5, 3.0)),
        _words((3.5, 3.8), (3.8, 4.2)),
    ]
    cues = sentence_cues(SENTENCES, timings, duration=4.5)
    assert [(cue.start, cue.end) for cue in cues] == [(0.1, 1.6), (2.0, 3.0), (3.5, 4.2)]
    parsed = parse_webvtt(webvtt(cues))
    assert parsed == cues
    assert parsed[0].word_starts == (0.4, 0.6, 1.0, 1.2)


def test_a_sentence_without_aligned_words_fills_the_gap() -> None:
    timings = [_words((0.0, 1.0)), _words(None, None), _words((2.5, 3.0))]
    cues = sentence_cues(("One.", "Two words.", "Three."), timings, duration=3.0)
    assert (cues[1].start, cues[1].end) == (1.0, 2.5)


def test_times_stay_in_order_and_inside_the_clip() -> None:
    timings = [_words((0.5, 2.0)), _words((1.5, 2.8)), _words((2.9, 9.0))]
    cues = sentence_cues(("A.", "B.", "C."), timings, duration=3.0)
    assert all(a.end <= b.start for a, b in pairwise(cues))
    assert all(0 <= cue.start <= cue.end <= 3.0 for cue in cues)


def test_timestamps_past_an_hour() -> None:
    cue = Cue(3725.5, 3726.25, "Late.")
    assert b"01:02:05.500 --> 01:02:06.250" in webvtt([cue])
    assert parse_webvtt(webvtt([cue])) == (cue,)


@pytest.mark.parametrize(
    "data",
    [b"1\n00:00:00.000 --> 00:00:01.000\nNo header.", b"WEBVTT\n\n00:00 --> 1\nBad.", b"\xff\xfe"],
)
def test_malformed_captions_are_refused(data: bytes) -> None:
    with pytest.raises(CaptionError):
        parse_webvtt(data)
