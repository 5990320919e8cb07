"""Pronunciations for the few words the recognizer's dictionary lacks, from words it has.

Pure: the dictionary is a lookup function. An acronym ("LGBTQ") is read letter by letter, as
the voices read it; a compound ("gaslit") is its two dictionary words. A word neither way
explains is left out of listening and alignment (the caller decides), never guessed at.
"""

from __future__ import annotations

from collections.abc import Callable

Lookup = Callable[[str], "str | None"]  # a word's phones ("G AE S"), or None
_SHORTEST_PART = 2


def guess_pronunciation(written: str, lookup: Lookup) -> str | None:
    """Phones for a word the dictionary lacks; `written` keeps its case (acronyms are upper)."""
    word = written.lower()
    if written.isupper() and written.isalpha():
        letters = [lookup(letter) for letter in word]
        if all(letters):
            return " ".join(letters)  # type: ignore[arg-type]
    for cut in range(len(word) - _SHORTEST_PART, _SHORTEST_PART - 1, -1):
        head, tail = lookup(word[:cut]), lookup(word[cut:])
        if head and tail:
            return f"{head} {tail}"
    return None
