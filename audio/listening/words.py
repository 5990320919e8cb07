"""Words as the recognizer hears them, and how far a hypothesis is from the reference.

Pure: no audio, no recognizer. The word error rate is the classic one (substitutions,
deletions and insertions over the reference's length), from a Levenshtein alignment whose
backtrace also names the reference words that were not heard.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from audio.text import speech_paragraphs

if TYPE_CHECKING:
    from content.models import Section

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*'?")
# How many of the words not heard a report names.
WORST_WORDS = 5


def spoken_words(text: str) -> tuple[str, ...]:
    """The words of a text in lower case, as a dictionary spells them ("self-aware" is two)."""
    return tuple(_WORD.findall(_folded(text)))


def spoken_word_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Where each of `spoken_words(text)` stands in the text, as (start, end) offsets."""
    return tuple(match.span() for match in _WORD.finditer(_folded(text)))


def _folded(text: str) -> str:
    """Lower case with plain apostrophes; one character for one, so offsets still hold."""
    return "".join(
        "'" if char == "’" else lower if len(lower := char.lower()) == 1 else char
        for char in text
    )


@dataclass(frozen=True)
class WordErrors:
    """A hypothesis against its reference: edits by kind, and the reference words missed."""

    reference: int  # words in the reference
    substitutions: int
    deletions: int
    insertions: int
    missed: tuple[str, ...]  # reference words substituted or deleted, first seen first

    @property
    def errors(self) -> int:
        """Edits that turn the reference into the hypothesis."""
        return self.substitutions + self.deletions + self.insertions

    @property
    def rate(self) -> float:
        """Word error rate: 0 for a perfect hypothesis; over 1 when much is inserted."""
        return self.errors / self.reference if self.reference else float(self.errors > 0)

    def worst_words(self, limit: int = WORST_WORDS) -> tuple[str, ...]:
        """The first distinct reference words that were not heard."""
        return tuple(dict.fromkeys(self.missed))[:limit]


def word_errors(reference: Sequence[str], hypothesis: Sequence[str]) -> WordErrors:
    """Levenshtein alignment of two word sequences, counted by kind of edit."""
    rows = _distance_table(reference, hypothesis)
    substitutions = deletions = insertions = 0
    missed: list[str] = []
    i, j = len(reference), len(hypothesis)
    while i or j:
        if i and j and rows[i][j] == rows[i - 1][j - 1] + (reference[i - 1] != hypothesis[j - 1]):
            if reference[i - 1] != hypothesis[j - 1]:
                substitutions += 1
                missed.append(reference[i - 1])
            i, j = i - 1, j - 1
        elif i and rows[i][j] == rows[i - 1][j] + 1:
            deletions += 1
            missed.append(reference[i - 1])
            i -= 1
        else:
            insertions += 1
            j -= 1
    missed.reverse()
    return WordErrors(len(reference), substitutions, deletions, insertions, tuple(missed))


def _distance_table(reference: Sequence[str], hypothesis: Sequence[str]) -> list[list[int]]:
    rows = [list(range(len(hypothesis) + 1))]
    for i, word in enumerate(reference, start=1):
        above, row = rows[-1], [i]
        for j, heard in enumerate(hypothesis, start=1):
            row.append(min(above[j] + 1, row[j - 1] + 1, above[j - 1] + (word != heard)))
        rows.append(row)
    return rows


def prefix_distances(reference: Sequence[str], hypothesis: Sequence[str]) -> list[int]:
    """Edit distance from every prefix of the reference (0 to all of it) to the hypothesis."""
    return [row[-1] for row in _distance_table(reference, hypothesis)]


def split_sentences(
    sentences: Sequence[Sequence[str]], hypotheses: Sequence[Sequence[str]]
) -> tuple[tuple[tuple[str, ...], ...], ...]:
    """Share a section's sentences out among its clips, in order, as their hypotheses suggest.

    A section longer than one clip is broken only between sentences; where is not recorded,
    so each break is put where the clips' hypotheses fit the words best (fewest edits in all).
    """
    count, parts = len(sentences), len(hypotheses)
    if parts == 1:
        return (tuple(tuple(sentence) for sentence in sentences),)
    starts = [0]
    for sentence in sentences:
        starts.append(starts[-1] + len(sentence))
    words = [word for sentence in sentences for word in sentence]
    infinity = len(words) + sum(len(h) for h in hypotheses) + 1
    best = [[infinity] * (count + 1) for _ in range(parts + 1)]
    came_from = [[0] * (count + 1) for _ in range(parts + 1)]
    best[0][0] = 0
    for part, hypothesis in enumerate(hypotheses):
        for first in range(count + 1):
            if best[part][first] >= infinity:
                continue
            distances = prefix_distances(words[starts[first]:], hypothesis)
            for last in range(first, count + 1):
                cost = best[part][first] + distances[starts[last] - starts[first]]
                if cost < best[part + 1][last]:
                    best[part + 1][last], came_from[part + 1][last] = cost, first
    bounds = [count]
    for part in range(parts, 0, -1):
        bounds.append(came_from[part][bounds[-1]])
    bounds.reverse()
    return tuple(
        tuple(tuple(sentence) for sentence in sentences[bounds[p]:bounds[p + 1]])
        for p in range(parts)
    )


def narrated_sentences(section: Section) -> tuple[str, ...]:
    """Every sentence the section's clips say, in order, as the voice was given them."""
    return tuple(
        sentence
        for paragraph in speech_paragraphs(section.blocks)
        for sentence in paragraph.sentences
    )
