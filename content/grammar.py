"""A small phrase grammar: a few readable lines stand for every way of saying them (pure).

Inside a phrase:

- ``(a|b|c)`` says one of the alternatives;
- ``[a|b]`` says one of them, or nothing;
- ``<people>`` says any phrase of the vocabulary list ``people``;
- ``{topic}`` is a slot, left as it is for Alexa to fill.

Alternatives may nest and hold references. Expansion is deterministic: phrases come out in
the order they are written, alternatives left to right, each phrase once, spaces folded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import product

# Past this, one phrase stands for more ways of saying it than anyone should review at once.
MAX_EXPANSION = 5000
_TOKEN = re.compile(r"[()\[\]|<>]|[^()\[\]|<>]+")
_NAME = re.compile(r"[a-z][a-z0-9_-]*")


class GrammarError(ValueError):
    """A phrase that cannot be read or expanded; the message quotes it and says the fix."""


@dataclass(frozen=True)
class _Text:
    text: str


@dataclass(frozen=True)
class _Reference:
    name: str


@dataclass(frozen=True)
class _Choice:
    options: tuple[tuple[_Node, ...], ...]
    optional: bool


_Node = _Text | _Reference | _Choice


def references(phrase: str) -> frozenset[str]:
    """The vocabulary names a phrase uses, directly."""
    return frozenset(_names(_parse(phrase)))


def expand(phrase: str, vocabulary: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    """Every way of saying `phrase`, with `vocabulary` lists (themselves phrases) filled in."""
    return _Expander(vocabulary).phrase(phrase, ())


def expand_all(phrases: Sequence[str], vocabulary: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    """Every way of saying any of the phrases, in order, each once."""
    said = (heard for each in expand_each(phrases, vocabulary) for heard in each)
    return tuple(dict.fromkeys(said))


def expand_each(
    phrases: Sequence[str], vocabulary: Mapping[str, Sequence[str]]
) -> tuple[tuple[str, ...], ...]:
    """Every way of saying each phrase, phrase by phrase (each vocabulary list expanded once)."""
    expander = _Expander(vocabulary)
    return tuple(expander.phrase(phrase, ()) for phrase in phrases)


class _Expander:
    """Expands phrases against one vocabulary, each list once."""

    def __init__(self, vocabulary: Mapping[str, Sequence[str]]) -> None:
        self.vocabulary = vocabulary
        self.lists: dict[str, tuple[str, ...]] = {}

    def phrase(self, phrase: str, trail: tuple[str, ...]) -> tuple[str, ...]:
        nodes = _parse(phrase)
        said = tuple(dict.fromkeys(_fold(words) for words in self._sequence(nodes, trail)))
        if len(said) > MAX_EXPANSION:
            raise GrammarError(
                f"{phrase!r} stands for {len(said):,} phrasings (at most {MAX_EXPANSION:,}); "
                "split it into a few phrases or trim its alternatives"
            )
        if "" in said:
            raise GrammarError(f"{phrase!r} can be said as nothing at all; make a word required")
        return said

    def _list(self, name: str, trail: tuple[str, ...]) -> tuple[str, ...]:
        if name in trail:
            loop = " -> ".join(f"<{step}>" for step in (*trail[trail.index(name) :], name))
            raise GrammarError(f"vocabulary {name!r} refers to itself: {loop}")
        if name not in self.lists:
            if name not in self.vocabulary:
                known = ", ".join(sorted(self.vocabulary)) or "none"
                raise GrammarError(f"<{name}> is not in the vocabulary (known: {known})")
            said = (
                heard
                for entry in self.vocabulary[name]
                for heard in self.phrase(entry, (*trail, name))
            )
            self.lists[name] = tuple(dict.fromkeys(said))
        return self.lists[name]

    def _sequence(self, nodes: Sequence[_Node], trail: tuple[str, ...]) -> Iterator[str]:
        parts = [self._node(node, trail) for node in nodes]
        for combination in product(*parts):
            yield "".join(combination)

    def _node(self, node: _Node, trail: tuple[str, ...]) -> tuple[str, ...]:
        if isinstance(node, _Text):
            return (node.text,)
        if isinstance(node, _Reference):
            return self._list(node.name, trail)
        said = [heard for option in node.options for heard in self._sequence(option, trail)]
        return tuple(dict.fromkeys(([""] if node.optional else []) + said))


def _fold(words: str) -> str:
    return " ".join(words.split())


def _names(nodes: Sequence[_Node]) -> Iterator[str]:
    for node in nodes:
        if isinstance(node, _Reference):
            yield node.name
        elif isinstance(node, _Choice):
            for option in node.options:
                yield from _names(option)


def _parse(phrase: str) -> tuple[_Node, ...]:
    parser = _Parser(phrase)
    nodes = parser.sequence(closing=None)
    return nodes


class _Parser:
    """Recursive descent over the phrase's tokens."""

    def __init__(self, phrase: str) -> None:
        self.phrase = phrase
        self.tokens = _TOKEN.findall(phrase)
        self.at = 0

    def fail(self, problem: str) -> GrammarError:
        return GrammarError(f"{self.phrase!r}: {problem}")

    def sequence(self, closing: str | None) -> tuple[_Node, ...]:
        """Nodes up to `closing` (or the end); a bar is handled by the caller."""
        nodes: list[_Node] = []
        while self.at < len(self.tokens):
            token = self.tokens[self.at]
            if token in ("|", ")", "]"):
                if closing is None:
                    raise self.fail(f"{token!r} outside brackets")
                return tuple(nodes)
            self.at += 1
            if token in "([":
                nodes.append(self.choice(")" if token == "(" else "]"))
            elif token == "<":
                nodes.append(self.reference())
            elif token == ">":
                raise self.fail("'>' without '<'")
            else:
                nodes.append(_Text(token))
        if closing is not None:
            raise self.fail(f"missing {closing!r}")
        return tuple(nodes)

    def choice(self, closing: str) -> _Choice:
        options = [self.sequence(closing)]
        while self.at < len(self.tokens) and self.tokens[self.at] == "|":
            self.at += 1
            options.append(self.sequence(closing))
        if self.at >= len(self.tokens) or self.tokens[self.at] != closing:
            raise self.fail(f"missing {closing!r}")
        self.at += 1
        empty = [option for option in options if not any(_said(node) for node in option)]
        if closing == ")" and empty:
            raise self.fail("an empty alternative in '( )'; write optional words in '[ ]'")
        return _Choice(options=tuple(options), optional=closing == "]")

    def reference(self) -> _Reference:
        name = self.tokens[self.at].strip() if self.at < len(self.tokens) else ""
        if not _NAME.fullmatch(name) or self.tokens[self.at + 1 : self.at + 2] != [">"]:
            raise self.fail("write a vocabulary reference as <name>, lower-case letters")
        self.at += 2
        return _Reference(name)


def _said(node: _Node) -> bool:
    return not isinstance(node, _Text) or bool(node.text.strip())
