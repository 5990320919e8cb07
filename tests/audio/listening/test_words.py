"""Words as the recognizer hears them, word error rates, and sentences shared among clips."""

from __future__ import annotations

import pytest

from audio.listening.words import split_sentences, spoken_word_spans, spoken_words, word_errors


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Going No Contact, actually.", ("going", "no", "contact", "actually")),
        ("You’re self-aware.", ("you're", "self", "aware")),
        ("Parents' choices", ("parents'", "choices")),
        ("LGBTQ plus", ("lgbtq", "plus")),
    ],
)
def test_spoken_words_are_lower_case_dictionary_words(text: str, words: tuple[str, ...]) -> None:
    assert spoken_words(text) == words
    assert [text[a:b].lower().replace("’", "'") for a, b in spoken_word_spans(text)] == list(words)


def test_a_perfect_hypothesis_has_no_errors() -> None:
    errors = word_errors(("a", "b", "c"), ("a", "b", "c"))
    assert (errors.rate, errors.missed) == (0.0, ())


def test_each_kind_of_edit_is_counted_and_missed_words_named() -> None:
    errors = word_errors(("the", "cat", "sat", "down"), ("the", "dog", "sat", "down", "now"))
    assert (errors.substitutions, errors.deletions, errors.insertions) == (1, 0, 1)
    assert errors.rate == pytest.approx(0.5)
    assert errors.worst_words() == ("cat",)
    cut = word_errors(("one", "two", "three", "four"), ("one", "two"))
    assert (cut.deletions, cut.rate, cut.worst_words()) == (2, 0.5, ("three", "four"))


def test_an_empty_hypothesis_misses_everything() -> None:
    errors = word_errors(("a", "b"), ())
    assert (errors.rate, errors.deletions) == (1.0, 2)


def test_sentences_are_shared_where_the_clips_hypotheses_fit() -> None:
    sentences = [("a", "b"), ("c", "d", "e"), ("f",), ("g", "h")]
    hypotheses = [("a", "b", "c", "d", "e"), ("f", "g", "x")]
    shares = split_sentences(sentences, hypotheses)
    assert shares == ((("a", "b"), ("c", "d", "e")), (("f",), ("g", "h")))


def test_one_clip_takes_every_sentence() -> None:
    assert split_sentences([("a",), ("b",)], [()]) == ((("a",), ("b",)),)


def test_every_sentence_is_given_out_once_in_order() -> None:
    sentences = [(f"w{i}",) for i in range(7)]
    shares = split_sentences(sentences, [("w0", "w1"), ("w9",), ("w5", "w6")])
    assert [s for share in shares for s in share] == sentences
    assert len(shares) == 3
