"""Forced alignment on real Piper clips: every word timed in order; a clip cut before its last
words, or one that says another section's words, is refused with the reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from audio.ffmpeg import decode_pcm
from audio.listening.check import guide_recognizer
from audio.listening.recognizer import SAMPLE_RATE, RecognitionError, Recognizer
from audio.listening.words import narrated_sentences, spoken_words
from audio.stores import LocalStore
from content import Guide
from tests.audio.conftest import published

pytestmark = pytest.mark.slow  # real synthesis and alignment


def _clip(store_dir: Path, guide: Guide, section: str, recognizer: Recognizer):
    """A section's recorded PCM and the words it says that the recognizer can hear."""
    store = LocalStore(store_dir)
    [part] = next(e for e in published(store).sections if e.id == section).parts
    data = store.get(part.key)
    assert data is not None
    sentences = narrated_sentences(guide.section(section))
    words = [w for sentence in sentences for w in spoken_words(sentence) if recognizer.known(w)]
    return decode_pcm(data, SAMPLE_RATE), words


def test_every_word_of_a_clip_is_timed_in_order(
    captioned_store: Path, three_sections: Guide, recognizer: Recognizer
) -> None:
    pcm, words = _clip(captioned_store, three_sections, "final-thoughts", recognizer)
    timings = recognizer.align(pcm, words)
    found = [timing for timing in timings if timing is not None]
    assert len(found) >= len(words) - 1
    assert [t.word for t in found] == [w for w, t in zip(words, timings, strict=True) if t]
    starts = [t.start for t in found]
    assert starts == sorted(starts) and all(t.end > t.start for t in found)
    assert found[-1].end <= len(pcm) / (2 * SAMPLE_RATE) + 0.3


def test_a_clip_cut_before_its_last_words_is_refused_by_name(
    captioned_store: Path, three_sections: Guide, recognizer: Recognizer
) -> None:
    pcm, words = _clip(captioned_store, three_sections, "final-thoughts", recognizer)
    timings = [t for t in recognizer.align(pcm, words) if t is not None]
    cut = pcm[: int(timings[-3].start * SAMPLE_RATE) * 2]
    with pytest.raises(RecognitionError, match=rf"does not say its text: \d+ of {len(words)}"):
        recognizer.align(cut, words)


def test_a_clip_of_other_words_is_refused(
    captioned_store: Path, three_sections: Guide, recognizer: Recognizer
) -> None:
    pcm, _ = _clip(captioned_store, three_sections, "final-thoughts", recognizer)
    _, other = _clip(captioned_store, three_sections, "what-it-means", recognizer)
    with pytest.raises(RecognitionError, match="does not say its text"):
        recognizer.align(pcm, other)


def test_a_clip_is_heard_and_timed_the_same_whichever_clips_went_before(
    captioned_store: Path, three_sections: Guide
) -> None:
    clips = {
        section: _clip(captioned_store, three_sections, section, guide_recognizer(three_sections))
        for section in ("introduction", "what-it-means", "final-thoughts")
    }

    def heard(order: tuple[str, ...]) -> dict[str, tuple]:
        recognizer = guide_recognizer(three_sections)  # decoders with no history
        return {
            section: (recognizer.transcribe(clips[section][0]), recognizer.align(*clips[section]))
            for section in order
        }

    forwards = heard(("introduction", "what-it-means", "final-thoughts"))
    for section, outcome in heard(("final-thoughts", "what-it-means", "introduction")).items():
        assert outcome == forwards[section], section
