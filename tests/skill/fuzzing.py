"""Hypothesis strategies shared by the fuzz tests: any JSON value, and JSON bodies mutated at
random depths, for the skill endpoint and the simulator's API alike."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


def mutate(draw: st.DrawFn, starts: Sequence[dict[str, Any]], most: int) -> None:
    """Replace, remove or add up to `most` fields, each below one of `starts`, in place."""
    for _ in range(draw(st.integers(1, most))):
        node = draw(st.sampled_from(starts))
        while True:
            key = draw(st.sampled_from([*sorted(node), "new-field"]))
            if isinstance(node.get(key), dict) and node[key] and draw(st.booleans()):
                node = node[key]
                continue
            if draw(st.booleans()):
                node[key] = draw(json_values)
            else:
                node.pop(key, None)
            break
