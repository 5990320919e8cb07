"""Guessed pronunciations for the dictionary's missing words."""

from __future__ import annotations

from audio.listening.pronunciations import guess_pronunciation

DICTIONARY = {"gas": "G AE S", "lit": "L IH T", "l": "EH L", "g": "JH IY", "b": "B IY"}


def test_an_acronym_is_spelled_out() -> None:
    assert guess_pronunciation("LGB", DICTIONARY.get) == "EH L JH IY B IY"


def test_a_compound_is_its_two_words() -> None:
    assert guess_pronunciation("gaslit", DICTIONARY.get) == "G AE S L IH T"


def test_a_word_neither_way_explains_is_not_guessed() -> None:
    assert guess_pronunciation("zxqv", DICTIONARY.get) is None
