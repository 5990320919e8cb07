"""Which of a grammar's many phrasings become an intent's samples, within its budget (pure).

A grammar line such as "how (do|can) I (heal|recover|move on) [from (this|it)]" stands for every
combination of its alternatives; past a handful, the extra combinations are near-duplicates
that teach a statistical model nothing new and spend the model's size. An intent keeps as
many of its phrasings as its budget allows: each line gets an equal share (a line with fewer
ways than its share keeps them all and leaves the rest to the others), and within its share a
line keeps its first way (each alternative's first choice, optional words left out: write the
commonest phrasing first) and then the ways that together say the most different things: each
pick is the phrasing whose words and word pairs the picks before it say least. The same grammar
always gives the same samples.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from itertools import pairwise

_START, _END = "<s>", "</s>"


def within_budget(lines: Sequence[Sequence[str]], budget: int) -> tuple[str, ...]:
    """At most `budget` of the lines' phrasings, each once, in line order, as varied as can be.

    Every line gets the largest equal share the budget allows; a phrasing said by an earlier
    line counts for that line only.
    """
    seen: set[str] = set()
    unique: list[list[str]] = []
    for line in lines:
        own = [said for said in dict.fromkeys(line) if said not in seen]
        seen.update(own)
        unique.append(own)
    shares = _shares([len(own) for own in unique], budget)
    return tuple(
        said for own, share in zip(unique, shares, strict=True) for said in varied(own, share)
    )


def varied(phrasings: Sequence[str], count: int) -> tuple[str, ...]:
    """`count` of the phrasings, the first of them always, that together say the most
    different words and word pairs, in their original order; all of them when there are no
    more than `count`."""
    if count >= len(phrasings):
        return tuple(phrasings)
    if count <= 0:
        return ()
    features = [_features(said) for said in phrasings]
    covered: set[str] = set(features[0])
    # Lazy greedy: a phrasing's gain only falls as more is covered, so a stale gain at the top
    # of the heap is recomputed, and a fresh one is the best pick (ties to the earlier line).
    heap = [(-len(found), index) for index, found in enumerate(features) if index]
    heapq.heapify(heap)
    picked: list[int] = [0]
    while heap and len(picked) < count:
        stale, index = heapq.heappop(heap)
        gain = len(features[index] - covered)
        if gain < -stale:
            heapq.heappush(heap, (-gain, index))
            continue
        picked.append(index)
        covered |= features[index]
    return tuple(phrasings[index] for index in sorted(picked))


def _shares(sizes: Sequence[int], budget: int) -> list[int]:
    """How many phrasings each line keeps: the largest equal cap that fits the budget, then
    one more for the earliest lines that still have some, until the budget is spent."""
    if sum(sizes) <= budget:
        return list(sizes)
    low, high = 0, max(sizes)
    while low < high:
        cap = (low + high + 1) // 2
        if sum(min(size, cap) for size in sizes) <= budget:
            low = cap
        else:
            high = cap - 1
    shares = [min(size, low) for size in sizes]
    left = budget - sum(shares)
    for index, size in enumerate(sizes):
        if left == 0:
            break
        if size > shares[index]:
            shares[index] += 1
            left -= 1
    return shares


def _features(phrasing: str) -> frozenset[str]:
    """The words of a phrasing and each pair of neighbouring words, its start and end included."""
    words = [_START, *phrasing.lower().split(), _END]
    return frozenset(words[1:-1]) | frozenset(f"{a} {b}" for a, b in pairwise(words))
