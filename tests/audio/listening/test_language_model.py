"""The guide's n-gram model: valid ARPA whose probabilities sum to one in every context."""

from __future__ import annotations

import re

import pytest

from audio.listening.language_model import arpa_model


def _parse(text: str) -> dict[tuple[str, ...], tuple[float, float]]:
    grams: dict[tuple[str, ...], tuple[float, float]] = {}
    order = 0
    for line in text.splitlines():
        heading = re.fullmatch(r"\\(\d)-grams:", line)
        if heading:
            order = int(heading[1])
            continue
        fields = line.split()
        if order and len(fields) >= order + 1:
            backoff = float(fields[order + 1]) if len(fields) > order + 1 else 0.0
            grams[tuple(fields[1:order + 1])] = (float(fields[0]), backoff)
    return grams


def _probability(grams: dict, gram: tuple[str, ...]) -> float:
    if gram in grams:
        return 10 ** grams[gram][0]
    backoff = 10 ** grams[gram[:-1]][1] if gram[:-1] in grams else 1.0
    return backoff * _probability(grams, gram[1:])


def test_the_header_counts_every_section() -> None:
    text = arpa_model([("a", "b", "c"), ("b", "c", "d")])
    counts = {int(n): int(c) for n, c in re.findall(r"ngram (\d)=(\d+)", text)}
    grams = _parse(text)
    for order, count in counts.items():
        assert sum(len(gram) == order for gram in grams) == count
    assert text.startswith("\\data\\") and text.rstrip().endswith("\\end\\")


@pytest.mark.parametrize("context", [("<s>",), ("b",), ("a", "b"), ("b", "c")])
def test_probabilities_after_any_context_sum_to_one(context: tuple[str, ...]) -> None:
    grams = _parse(arpa_model([("a", "b", "c", "b", "d"), ("b", "c", "a"), ("d", "a", "b")]))
    vocabulary = {gram[0] for gram in grams if len(gram) == 1} - {"<s>"}
    total = sum(_probability(grams, (*context, word)) for word in vocabulary)
    assert total == pytest.approx(1.0, abs=1e-3)


def test_a_model_needs_words() -> None:
    with pytest.raises(ValueError, match="needs at least one word"):
        arpa_model([()])
