"""Checks that the narration is the article: every sentence once, in order, nothing invented."""

from __future__ import annotations

import re

from content.guide import Guide
from content.loader import CONTENT_DIR

SOURCE = CONTENT_DIR / "source" / "article.txt"
# A sentence ends at . ! ? before a space; a closing quote right after stays with it.
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][”\"]))\s+")


def split_sentences(text: str) -> list[str]:
    """Split text into sentences, line by line; a line never joins the next."""
    sentences: list[str] = []
    for line in text.splitlines():
        sentences.extend(part.strip() for part in _SENTENCE_END.split(line) if part.strip())
    return sentences


def fidelity_problems(guide: Guide, source: str | None = None) -> list[str]:
    """Every way the sections' narration differs from the article; empty when faithful."""
    article = split_sentences(source if source is not None else SOURCE.read_text("utf-8"))
    narrated = [
        (section.id, sentence)
        for section in guide.sections
        for sentence in split_sentences(section.narration)
    ]
    problems = []
    for index, sentence in enumerate(article):
        owners = [section_id for section_id, said in narrated if said == sentence]
        if len(owners) != 1:
            where = ", ".join(owners) or "no section"
            problems.append(f"article sentence {index + 1} {sentence!r} is narrated by {where}")
    article_set = set(article)
    problems += [
        f"section {section_id!r} narrates {said!r}, which is not in the article"
        for section_id, said in narrated
        if said not in article_set
    ]
    if not problems and [said for _, said in narrated] != article:
        problems.append("the sections narrate the article's sentences out of order")
    return problems

