"""Speech text preparation: the article's written lines turned into sentences a voice reads well.

Pure functions only. Each rule takes a string and returns a string; `prepare` applies them in
order, and `speech_paragraphs` turns a section's blocks into paragraphs of sentences so rendering
can pause longer between paragraphs and after headings than between sentences.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import reduce
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from content.models import Block

ParagraphKind = Literal["heading", "paragraph", "item"]

# Symbols read aloud. "❌" marks a myth in list-style articles; "✅" marks the answer.
SYMBOL_WORDS = {
    "❌": " Myth: ",
    "✖": " Myth: ",
    "✅": " Fact: ",
    "✔": " Fact: ",
    "&": " and ",
    "%": " percent",
    "°": " degrees",
    "→": " to ",
}
NUMBER_WORDS = (
    "Zero One Two Three Four Five Six Seven Eight Nine Ten Eleven Twelve Thirteen Fourteen "
    "Fifteen Sixteen Seventeen Eighteen Nineteen Twenty"
).split()
ABBREVIATIONS = frozenset("mr mrs ms dr prof st jr sr vs etc e.g i.e approx".split())

_APOSTROPHE = re.compile(r"(?<=\w)[’‘ʼ′](?=\w)|(?<=s)[’'](?=\s|$)")
_QUOTES = re.compile(r"[“”„‟«»‹›\"]|(?<!\w)[‘’]|[‘’](?!\w)")
_PLUS_AFTER_WORD = re.compile(r"(?<=[\w+])\+(?!\w)")
_RANGE_DASH = re.compile(r"(?<=\d)\s*[–—]\s*(?=\d)")
_DASH = re.compile(r"\s*(?:—|–|--)\s*|\s+-\s+")
_SPACE_BEFORE_MARK = re.compile(r"\s+(?=[,.;:!?])")
_REPEATED_MARKS = re.compile(r"([,.;:!?])[,;:]+|,(?=[.!?])")
_BULLET = re.compile(r"^[-*•]\s+")
_NUMBERED = re.compile(r"^(\d+)[.)]\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])")
_INVISIBLE = {"\ufe0f", "\ufe0e", "\u200d", "\u200b", "\u00ad"}


def fold_whitespace(text: str) -> str:
    """One plain space between words; no stray spaces at the edges."""
    return " ".join(text.split())


def straighten_apostrophes(text: str) -> str:
    """Curly apostrophes inside or after words ("we’re", "parents’") become plain ones."""
    return _APOSTROPHE.sub("'", text)


def drop_quotes(text: str) -> str:
    """Quotation marks are for the eye; a voice reads the quoted words as they are."""
    return _QUOTES.sub("", text)


def symbols_to_words(text: str) -> str:
    """Symbols that carry meaning are read as words ("❌" is a myth, "LGBTQ+" ends in "plus")."""
    text = _PLUS_AFTER_WORD.sub(" plus", text)
    for symbol, words in SYMBOL_WORDS.items():
        text = text.replace(symbol, words)
    return fold_whitespace(text)


def drop_pictographs(text: str) -> str:
    """Emoji and other pictographs with no words of their own are left out."""
    kept = (
        char
        for char in text
        if char not in _INVISIBLE and unicodedata.category(char) not in ("So", "Sk", "Co", "Cn")
    )
    return fold_whitespace("".join(kept))


def dashes_to_pauses(text: str) -> str:
    """An em dash is a breath: read it as a comma; a dash between numbers reads "to"."""
    return _DASH.sub(", ", _RANGE_DASH.sub(" to ", text)).strip(", ")


def expand_ellipses(text: str) -> str:
    """The one-character ellipsis becomes three full stops, which every voice understands."""
    return text.replace("…", "...")


def tidy_punctuation(text: str) -> str:
    """No space before punctuation, and one mark where rewriting left two (", ." → ".")."""
    return _REPEATED_MARKS.sub(r"\1", _SPACE_BEFORE_MARK.sub("", text))


SPEECH_RULES: tuple[Callable[[str], str], ...] = (
    fold_whitespace,
    straighten_apostrophes,
    drop_quotes,
    symbols_to_words,
    drop_pictographs,
    expand_ellipses,
    dashes_to_pauses,
    tidy_punctuation,
)


def prepare(text: str) -> str:
    """Apply every speech rule in order."""
    return reduce(lambda result, rule: rule(result), SPEECH_RULES, text)


def speak_list_marker(text: str) -> str:
    """A bullet is dropped; a number is said as a word ("1. Therapy" → "One: Therapy")."""
    numbered = _NUMBERED.match(text)
    if numbered is None:
        return _BULLET.sub("", text)
    number = int(numbered[1])
    word = NUMBER_WORDS[number] if number < len(NUMBER_WORDS) else str(number)
    return f"{word}: {text[numbered.end():]}"


def end_sentence(text: str) -> str:
    """Every line ends as a sentence, so list items and headings fall in pitch and pause.

    A closing colon stays: it introduces what follows, and voices read it that way.
    """
    stripped = text.rstrip(" ,;")
    if not stripped or stripped[-1] in ".!?:":
        return stripped
    return f"{stripped}."


def split_sentences(text: str) -> tuple[str, ...]:
    """Sentences of one line, not fooled by abbreviations ("Dr. Lee") or initials ("J. Smith")."""
    sentences: list[str] = []
    for piece in _SENTENCE_END.split(text):
        if sentences and _ends_with_abbreviation(sentences[-1]):
            sentences[-1] = f"{sentences[-1]} {piece}"
        elif piece:
            sentences.append(piece)
    return tuple(sentences)


def _ends_with_abbreviation(sentence: str) -> bool:
    last_word = sentence.rsplit(" ", 1)[-1].rstrip(".")
    initial = len(last_word) == 1 and last_word.isupper() and last_word not in "AI"
    return sentence.endswith(".") and (last_word.lower() in ABBREVIATIONS or initial)


@dataclass(frozen=True)
class Paragraph:
    """Sentences read together; the kind decides the pause that follows."""

    kind: ParagraphKind
    sentences: tuple[str, ...]


def speech_paragraphs(blocks: Sequence[Block]) -> tuple[Paragraph, ...]:
    """The blocks of a section as paragraphs of speakable sentences, in order."""
    paragraphs = []
    for index, block in enumerate(blocks):
        kind = _spoken_kind(blocks, index)
        text = speak_list_marker(block.text) if block.kind == "item" else block.text
        sentences = tuple(
            end_sentence(sentence) for sentence in split_sentences(end_sentence(prepare(text)))
        )
        if sentences:
            paragraphs.append(Paragraph(kind=kind, sentences=sentences))
    return tuple(paragraphs)


def _spoken_kind(blocks: Sequence[Block], index: int) -> ParagraphKind:
    """A numbered line standing alone between paragraphs is a subheading, not a list item."""
    block = blocks[index]
    if block.kind != "item" or not _NUMBERED.match(block.text):
        return block.kind
    neighbours = blocks[max(index - 1, 0) : index] + blocks[index + 1 : index + 2]
    return "item" if any(other.kind == "item" for other in neighbours) else "heading"


def speech_script(paragraphs: Sequence[Paragraph]) -> str:
    """A canonical form of the paragraphs (kinds and sentence breaks) for content hashing."""
    return json.dumps(
        [[paragraph.kind, list(paragraph.sentences)] for paragraph in paragraphs],
        ensure_ascii=False,
        separators=(",", ":"),
    )
