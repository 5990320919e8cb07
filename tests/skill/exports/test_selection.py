"""Choosing an intent's samples from its grammar within a budget: invariants, and variety."""

from __future__ import annotations

from itertools import pairwise, product

from hypothesis import given
from hypothesis import strategies as st

from content.grammar import expand
from skill.exports.selection import varied, within_budget

WAYS = expand(
    "(how do I|how can I|where do I start to) (heal|recover|move on|feel better) "
    "[from (this|it|my family|my childhood)|after (leaving|cutting them off)]",
    {},
)
lines = st.lists(
    st.lists(st.text("abc ", min_size=1, max_size=12), min_size=1, max_size=30), max_size=12
)


def _pairs(phrasings: tuple[str, ...]) -> set[tuple[str, str]]:
    return {pair for said in phrasings for pair in pairwise(said.split())}


@given(lines, st.integers(min_value=0, max_value=200))
def test_never_more_than_the_budget_and_never_a_phrasing_twice(
    grammar: list[list[str]], budget: int
) -> None:
    chosen = within_budget(grammar, budget)
    assert len(chosen) <= budget
    assert len(chosen) == len(set(chosen))
    assert set(chosen) <= {said for line in grammar for said in line}


@given(lines, st.integers(min_value=0, max_value=200))
def test_the_whole_budget_is_spent_when_the_grammar_says_more(
    grammar: list[list[str]], budget: int
) -> None:
    distinct = len({said for line in grammar for said in line})
    assert len(within_budget(grammar, budget)) == min(budget, distinct)


def test_a_grammar_within_its_budget_is_kept_whole_and_in_order() -> None:
    grammar = [["a b", "a c"], ["d"], ["a b", "e f"]]
    assert within_budget(grammar, 10) == ("a b", "a c", "d", "e f")


def test_every_line_keeps_its_first_way_when_the_budget_allows() -> None:
    grammar = [list(WAYS), ["one way"], ["two ways", "two more ways"]]
    chosen = within_budget(grammar, 6)
    assert {WAYS[0], "one way", "two ways"} <= set(chosen)


def test_the_budget_is_shared_equally_between_long_lines() -> None:
    long_line = [f"first {n}" for n in range(50)]
    other = [f"second {n}" for n in range(50)]
    chosen = within_budget([long_line, other, ["short"]], 21)
    assert sum(s.startswith("first") for s in chosen) == 10
    assert sum(s.startswith("second") for s in chosen) == 10


def test_the_kept_ways_say_more_different_things_than_the_first_ones() -> None:
    count = 8
    assert len(_pairs(varied(WAYS, count))) > len(_pairs(WAYS[:count]))
    kept = " ".join(varied(WAYS, count)).split()
    for word in ("heal", "recover", "move", "feel", "how", "where"):
        assert word in kept


def test_choosing_is_deterministic_and_keeps_the_grammars_order() -> None:
    chosen = varied(WAYS, 10)
    assert chosen == varied(WAYS, 10)
    assert list(chosen) == [said for said in WAYS if said in chosen]


def test_no_ways_are_kept_for_no_budget() -> None:
    assert varied(WAYS, 0) == ()
    assert within_budget([list(WAYS)], 0) == ()


def test_a_cross_product_keeps_each_alternative_when_its_share_allows() -> None:
    ways = [f"{a} {b}" for a, b in product("pqrs", "wxyz")]
    kept = varied(ways, 4)
    assert {said.split()[0] for said in kept} == set("pqrs")
    assert {said.split()[1] for said in kept} == set("wxyz")
