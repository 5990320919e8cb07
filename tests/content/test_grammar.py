"""The phrase grammar: each construct expands as written, and bad phrases say what to fix."""

from __future__ import annotations

import pytest

from content.grammar import MAX_EXPANSION, GrammarError, expand, expand_all, references

WORDS = {"mother": ("mom", "mother"), "parent": ("my <mother>", "my dad"), "loop": ("<pool>",),
         "pool": ("<loop>",)}


@pytest.mark.parametrize(
    ("phrase", "said"),
    [
        ("help with guilt", ("help with guilt",)),
        ("(help|tell me) about guilt", ("help about guilt", "tell me about guilt")),
        ("[please] help", ("help", "please help")),
        ("I('m| am) sad", ("I'm sad", "I am sad")),
        ("<parent> says", ("my mom says", "my mother says", "my dad says")),
        ("tell me about {topic}", ("tell me about {topic}",)),
        ("((a|b) c|d) e", ("a c e", "b c e", "d e")),
        ("a  [b]  c", ("a c", "a b c")),
    ],
)
def test_each_construct_expands_in_order(phrase: str, said: tuple[str, ...]) -> None:
    assert expand(phrase, WORDS) == said


def test_expanding_many_phrases_keeps_the_first_of_each_repeat() -> None:
    assert expand_all(["(a|b) c", "a c", "d"], {}) == ("a c", "b c", "d")


def test_references_names_the_vocabulary_a_phrase_uses() -> None:
    assert references("<parent> and ([my] <mother>|x)") == {"parent", "mother"}


@pytest.mark.parametrize(
    ("phrase", "problem"),
    [
        ("(a|) b", "empty alternative"),
        ("a ) b", "outside brackets"),
        ("(a|b", "missing ')'"),
        ("[a]", "said as nothing"),
        ("<Mother>", "vocabulary reference as <name>"),
        ("<nobody>", "not in the vocabulary"),
        ("<loop>", "refers to itself"),
        ("(a|b|c|d|e|f|g|h|i|j) " * 4, "phrasings (at most"),
    ],
)
def test_a_bad_phrase_is_refused_with_the_fix(phrase: str, problem: str) -> None:
    with pytest.raises(GrammarError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        expand(phrase, WORDS)


def test_the_expansion_limit_is_the_documented_one() -> None:
    assert expand("(a|b|c|d|e|f|g|h|i|j) " * 3, {}).__len__() == 1000 < MAX_EXPANSION
