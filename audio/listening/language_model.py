"""A small n-gram language model of the guide's own words, in ARPA text for PocketSphinx.

Pure. Trained on every section's narration, so the recognizer expects the guide's words in
the guide's order yet can still hear any of its words anywhere: a clip of another section
decodes as that section's words (which the reference does not contain), and a clip cut short
simply lacks the words that are gone. Smoothing is absolute discounting with back-off
weights that keep every context's probabilities summing to one.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

ORDER = 3
DISCOUNT = 0.5  # taken from every seen n-gram's count and given to the shorter context
START, END = "<s>", "</s>"

Gram = tuple[str, ...]


def arpa_model(texts: Iterable[Sequence[str]], order: int = ORDER) -> str:
    """An ARPA back-off model of these word sequences (each one utterance, e.g. a clip)."""
    counts = _count(texts, order)
    if not counts[0]:
        raise ValueError("a language model needs at least one word")
    probabilities, backoffs = _estimate(counts)
    lines = ["\\data\\", *(f"ngram {n + 1}={len(grams)}" for n, grams in enumerate(counts))]
    for n, grams in enumerate(counts):
        lines += ["", f"\\{n + 1}-grams:"]
        for gram in sorted(grams):
            probability = probabilities[gram]
            logp = math.log10(probability) if probability > 0 else -99.0
            backoff = f" {math.log10(backoffs[gram]):.4f}" if gram in backoffs else ""
            lines.append(f"{logp:.4f} {' '.join(gram)}{backoff}")
    return "\n".join([*lines, "", "\\end\\", ""])


def _count(texts: Iterable[Sequence[str]], order: int) -> list[Counter[Gram]]:
    counts: list[Counter[Gram]] = [Counter() for _ in range(order)]
    for text in texts:
        if not text:
            continue
        words = (START, *text, END)
        for n in range(1, order + 1):
            for start in range(len(words) - n + 1):
                counts[n - 1][words[start:start + n]] += 1
    return counts


def _estimate(counts: list[Counter[Gram]]) -> tuple[dict[Gram, float], dict[Gram, float]]:
    """Probabilities of seen n-grams and back-off weights of their contexts."""
    unigrams = counts[0]
    total = sum(count for gram, count in unigrams.items() if gram != (START,))
    # <s> is never predicted, only a context: ARPA gives it a probability of zero.
    probabilities = {gram: 0.0 if gram == (START,) else c / total for gram, c in unigrams.items()}
    backoffs: dict[Gram, float] = {}
    for grams in counts[1:]:
        context_total: Counter[Gram] = Counter()
        followers: defaultdict[Gram, list[Gram]] = defaultdict(list)
        for gram, count in grams.items():
            context_total[gram[:-1]] += count
            followers[gram[:-1]].append(gram)
        for gram, count in grams.items():
            probabilities[gram] = (count - DISCOUNT) / context_total[gram[:-1]]
        for context, seen in followers.items():
            left = DISCOUNT * len(seen) / context_total[context]
            shorter = sum(_probability(gram[1:], probabilities, backoffs) for gram in seen)
            backoffs[context] = left / (1.0 - shorter) if shorter < 1.0 else 1e-6
    return probabilities, backoffs


def _probability(
    gram: Gram, probabilities: dict[Gram, float], backoffs: dict[Gram, float]
) -> float:
    """P(last word | the rest), backing off to shorter contexts as ARPA does."""
    if gram in probabilities:
        return probabilities[gram]
    return backoffs.get(gram[:-1], 1.0) * _probability(gram[1:], probabilities, backoffs)
