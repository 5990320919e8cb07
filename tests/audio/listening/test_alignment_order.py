"""Aligned words placed back among the words of the text: a lost word is None in its place,
up to one word in fifty; more lost, or words out of the text's order, are refused."""

from __future__ import annotations

import pytest

from audio.listening.recognizer import (
    LOST_WORDS_PER_WORD,
    RecognitionError,
    WordTiming,
    timings_in_order,
)


def _found(*words: str) -> list[WordTiming]:
    return [WordTiming(word, n * 0.5, n * 0.5 + 0.4) for n, word in enumerate(words)]


def test_every_word_found_keeps_its_timing() -> None:
    found = _found("let's", "talk", "about", "it")
    assert timings_in_order(["let's", "talk", "about", "it"], found) == tuple(found)


def test_a_lost_word_is_none_in_its_place() -> None:
    found = _found("let's", "talk", "about")
    assert timings_in_order(["let's", "talk", "about", "it"], found) == (*found, None)
    middle = _found("let's", "about", "it")
    assert timings_in_order(["let's", "talk", "about", "it"], middle) == (
        middle[0], None, middle[1], middle[2],
    )


def test_a_repeated_word_takes_the_first_place_it_fits() -> None:
    found = _found("it", "is", "it")
    assert timings_in_order(["it", "is", "it"], found) == tuple(found)
    assert timings_in_order(["it", "is", "it"], found[:2]) == (found[0], found[1], None)


def test_one_word_in_fifty_may_be_lost_and_no_more() -> None:
    words = [f"w{n}" for n in range(2 * LOST_WORDS_PER_WORD)]
    two_lost = _found(*words[1:50], *words[51:])
    assert timings_in_order(words, two_lost).count(None) == 2
    with pytest.raises(RecognitionError, match=r"97 of 100 words aligned"):
        timings_in_order(words, _found(*words[1:50], *words[51:-1]))
    with pytest.raises(RecognitionError, match=r"1 of 3 words aligned"):
        timings_in_order(["a", "b", "c"], _found("a"))


def test_words_not_in_the_text_or_out_of_order_are_refused() -> None:
    for found in (_found("talk", "let's"), _found("let's", "walk"), _found("let's", "talk", "x")):
        with pytest.raises(RecognitionError, match="does not say its text"):
            timings_in_order(["let's", "talk"], found)
    with pytest.raises(RecognitionError, match="0 of 2 words aligned"):
        timings_in_order(["let's", "talk"], [])
