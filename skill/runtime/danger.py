"""Whether words someone said hold danger: the runtime's own check, run on every slot value
Alexa hands the skill, whatever intent it chose (pure).

Danger words and phrases are matched as whole words, after everyday phrases that only look
like danger ("cut myself off", "overdosed on mince pies") and plain denials ("nobody is hurting
me", "I'm not in danger") are set aside; a danger phrase said beside one of them is still
danger ("since I cut myself off from them I cut myself"). Phrases are looked up by their first
word, so the check costs a few dictionary lookups per word, not one scan per phrase.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

Phrase = tuple[str, ...]
_NOT_WORD = re.compile(r"[^\w ]+")


def words_of(text: str) -> list[str]:
    """Lower case, apostrophes and punctuation dropped: "I'm" and "im" read alike."""
    return _NOT_WORD.sub(" ", text.lower().replace("'", "").replace("’", "")).split()


class DangerWords:
    """Danger phrases and the everyday phrases set aside before looking for them."""

    def __init__(self, signals: Iterable[str], harmless: Iterable[str]) -> None:
        self._signals = _by_first_word(signals)
        self._harmless = _by_first_word(harmless)

    def heard_in(self, text: str) -> bool:
        """Whether the words hold a danger phrase outside every harmless phrase."""
        words = words_of(text)
        if not words:
            return False
        set_aside = [False] * len(words)
        for start, end in _found(words, self._harmless):
            set_aside[start:end] = [True] * (end - start)
        return any(not any(set_aside[start:end]) for start, end in _found(words, self._signals))


def _by_first_word(phrases: Iterable[str]) -> dict[str, list[Phrase]]:
    index: dict[str, list[Phrase]] = {}
    for phrase in phrases:
        said = tuple(words_of(phrase))
        if said and said not in index.get(said[0], ()):
            index.setdefault(said[0], []).append(said)
    return index


def _found(words: Sequence[str], index: dict[str, list[Phrase]]) -> Iterable[tuple[int, int]]:
    """Where each indexed phrase is said: (start, end) word positions."""
    for start, word in enumerate(words):
        for phrase in index.get(word, ()):
            end = start + len(phrase)
            if tuple(words[start:end]) == phrase:
                yield start, end
