"""The pronunciation lexicon: words the voices get wrong or that need care, and how to say them.

Pure data and pure functions. `Lexicon.respell` rewrites whole words only, never inside another
word ("ace" is not touched in "peace", "self-aware" is not touched by an entry for "aware"), and
is case-aware: an entry written in lower case matches the word however it is capitalised and
keeps that capitalisation; an entry with capitals ("DNA") matches only as written. A lexicon is
refused when respelling could loop (a respelling holds a word the lexicon respells again) or
would leave a word unsaid, so applying it twice always gives what applying it once gave.

An entry may also give the word in the International Phonetic Alphabet: voices that read
SSML (Polly) get `Lexicon.ssml`, where that word is a `<phoneme>` tag and the rest as respelled.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from xml.sax.saxutils import escape, quoteattr

# Word characters, hyphens and apostrophes join a word to its neighbours: "no-contact" is one
# word and "don't" is not "don". A possessive "'s" after the word still counts as the word.
_BEFORE = r"(?<![\w'’-])"
_AFTER = r"(?![\w-])(?!['’](?!s\b)\w)"
_WORD = re.compile(r"^\w(?:[\w'’ -]*\w)?$")
_NOT_IN_IPA = set('<>&"')


class LexiconError(ValueError):
    """An entry that is not a word, says nothing, or could be respelled again."""


@dataclass(frozen=True)
class Entry:
    """One word (or short phrase), the respelling every voice reads instead and, for voices
    that take SSML, optionally its IPA."""

    word: str
    say: str
    ipa: str | None = None

    @property
    def exact_case(self) -> bool:
        """Entries with capitals match only as written; lower-case ones match any case."""
        return self.word != self.word.lower()

    def spoken(self, written: str) -> str:
        """The respelling, capitalised the way the word was written in the text."""
        if self.exact_case:
            return self.say
        if len(written) > 1 and written.isupper():
            return self.say.upper()
        if written[:1].isupper():
            return self.say[:1].upper() + self.say[1:]
        return self.say


@dataclass(frozen=True)
class Lexicon:
    """Entries checked together: each a real word, each said, none looping into another."""

    entries: tuple[Entry, ...] = ()
    source: str = "lexicon"  # the file it came from, for messages
    _by_key: dict[str, Entry] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_key: dict[str, Entry] = {}
        for entry in self.entries:
            _check_entry(entry, self.source)
            key = entry.word if entry.exact_case else entry.word.lower()
            if key in by_key:
                raise LexiconError(
                    f"{self.source}: entry {entry.word!r} is listed twice; keep one"
                )
            by_key[key] = entry
        object.__setattr__(self, "_by_key", by_key)
        for entry in self.entries:
            self._check_settles(entry)

    @cached_property
    def _pattern(self) -> re.Pattern[str] | None:
        if not self.entries:
            return None
        # Longest first, so a phrase ("no contact") wins over a word inside it ("no").
        words = sorted(self.entries, key=lambda entry: len(entry.word), reverse=True)
        alternatives = "|".join(
            re.escape(e.word) if e.exact_case else f"(?i:{re.escape(e.word)})" for e in words
        )
        return re.compile(f"{_BEFORE}(?:{alternatives}){_AFTER}")

    def _entry_for(self, written: str) -> Entry:
        return self._by_key.get(written) or self._by_key[written.lower()]

    def applied(self, text: str) -> tuple[Entry, ...]:
        """The entries that respell something in `text`, in lexicon order."""
        if self._pattern is None:
            return ()
        found = {self._entry_for(match[0]) for match in self._pattern.finditer(text)}
        return tuple(entry for entry in self.entries if entry in found)

    def respell(self, text: str) -> str:
        """`text` with every entry's word replaced by its respelling."""
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda match: self._entry_for(match[0]).spoken(match[0]), text)

    def ssml(self, text: str) -> str | None:
        """`text` as an SSML document with IPA for the entries that have it; None if none apply.

        Entries without IPA are respelled as for any voice.
        """
        if self._pattern is None or not any(e.ipa for e in self.applied(text)):
            return None
        pieces, end = [], 0
        for match in self._pattern.finditer(text):
            entry = self._entry_for(match[0])
            pieces.append(escape(text[end : match.start()]))
            if entry.ipa:
                ph = quoteattr(entry.ipa)
                pieces.append(f'<phoneme alphabet="ipa" ph={ph}>{escape(match[0])}</phoneme>')
            else:
                pieces.append(escape(entry.spoken(match[0])))
            end = match.end()
        pieces.append(escape(text[end:]))
        return f"<speak>{''.join(pieces)}</speak>"

    def _check_settles(self, entry: Entry) -> None:
        """Refuse an entry whose respelling the lexicon would respell again."""
        again = self.applied(entry.say)
        if again and self.respell(entry.say) != entry.say:
            other = again[0].word
            whose = "its own word" if again[0] == entry else f"{other!r}, another entry"
            raise LexiconError(
                f"{self.source}: entry {entry.word!r} respells it as {entry.say!r}, which holds "
                f"{whose}, so each pass would expand it again; respell it without {other!r}"
            )


def _check_entry(entry: Entry, source: str) -> None:
    if not _WORD.match(entry.word):
        raise LexiconError(
            f"{source}: entry {entry.word!r} is not a word as the guide writes one; "
            "give a word or phrase that starts and ends with a letter or digit"
        )
    if not any(char.isalnum() for char in entry.say):
        raise LexiconError(
            f"{source}: entry {entry.word!r} respells it as {entry.say!r}, which says nothing; "
            "give how the word should sound, or remove the entry"
        )
    if entry.ipa is not None and (not entry.ipa.strip() or _NOT_IN_IPA & set(entry.ipa)):
        raise LexiconError(
            f"{source}: entry {entry.word!r} has ipa {entry.ipa!r}, which is not a "
            "pronunciation; give IPA symbols only, or leave ipa out"
        )


def parse_lexicon(data: Mapping[str, Any], source: str) -> Lexicon:
    """A lexicon from lexicon.yaml's mapping under `words:`: `word: respelling`, or
    `word: {say: respelling, ipa: pronunciation}`."""
    words = data.get("words")
    if not isinstance(words, Mapping):
        raise LexiconError(f"{source}: expected `words:` holding `word: how to say it` lines")
    return Lexicon(tuple(_entry(word, value, source) for word, value in words.items()), source)


def _entry(word: object, value: object, source: str) -> Entry:
    say, ipa = (value.get("say"), value.get("ipa")) if isinstance(value, Mapping) else (value, None)
    extra = set(value) - {"say", "ipa"} if isinstance(value, Mapping) else set()
    if not isinstance(word, str) or not isinstance(say, str) or extra:
        raise LexiconError(
            f"{source}: entry {word!r} must be `word: how to say it` or "
            "`word: {say: how to say it, ipa: its IPA}`, in plain text"
        )
    if ipa is not None and not isinstance(ipa, str):
        raise LexiconError(f"{source}: entry {word!r} has an ipa that is not plain text")
    return Entry(word=word.strip(), say=" ".join(say.split()), ipa=ipa)
