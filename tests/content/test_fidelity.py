"""The narration is the article: nothing lost, nothing invented, nothing reordered."""

from __future__ import annotations

from pathlib import Path

import pytest

from content import default_guide, load_guide
from content.fidelity import SOURCE, fidelity_problems, split_sentences
from tests.content.conftest import rewrite

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "article.txt"


def test_every_article_sentence_is_narrated_once_in_order() -> None:
    assert fidelity_problems(default_guide()) == []


def test_narration_lines_concatenate_to_the_article_exactly() -> None:
    narrated = "\n".join(section.narration for section in default_guide().sections)
    assert narrated + "\n" == SOURCE.read_text(encoding="utf-8")


def test_source_is_the_seed_article_without_the_photo_link() -> None:
    if not SEED.exists():  # the seed lives beside the repository, in ../shared
        pytest.fail(f"the seed article is missing: expected it at {SEED}")
    seed_lines = [
        line
        for line in SEED.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("https://unsplash.com/")
    ]
    assert SOURCE.read_text(encoding="utf-8").splitlines() == seed_lines


def test_a_dropped_sentence_is_reported(content_copy: Path) -> None:
    rewrite(content_copy / "sections" / "06-regret.md", "That’s normal.", "")
    problems = fidelity_problems(load_guide(content_copy))
    assert any("'That’s normal.' is narrated by no section" in p for p in problems)


def test_an_invented_sentence_is_reported(content_copy: Path) -> None:
    regret = content_copy / "sections" / "06-regret.md"
    rewrite(regret, "That’s normal.", "That’s normal. Call them.")
    problems = fidelity_problems(load_guide(content_copy))
    assert problems == ["section 'regret' narrates 'Call them.', which is not in the article"]


def test_a_sentence_narrated_twice_is_reported(content_copy: Path) -> None:
    holidays = content_copy / "sections" / "07-holidays.md"
    rewrite(holidays, "That’s okay.", "That’s okay. That’s normal.")
    problems = fidelity_problems(load_guide(content_copy))
    assert any("'That’s normal.' is narrated by regret, holidays" in p for p in problems)


def test_swapped_sections_are_reported_out_of_order(content_copy: Path) -> None:
    sections = content_copy / "sections"
    (sections / "06-regret.md").rename(sections / "08-regret.md")
    (sections / "08-healing.md").rename(sections / "06-healing.md")
    problems = fidelity_problems(load_guide(content_copy))
    assert problems == ["the sections narrate the article's sentences out of order"]


def test_sentences_split_at_end_punctuation_and_closing_quotes() -> None:
    cases = {
        "Yes. Absolutely.": ["Yes.", "Absolutely."],
        "“We’re family. You’re supposed to stick together.”": [
            "“We’re family.",
            "You’re supposed to stick together.”",
        ],
        "Maybe. But you might also regret it.": ["Maybe.", "But you might also regret it."],
        "Healthy family is everything. Toxic family? Not so much.": [
            "Healthy family is everything.",
            "Toxic family?",
            "Not so much.",
        ],
        "Line one\nLine two": ["Line one", "Line two"],
        "She said “Go.” Then left.": ["She said “Go.”", "Then left."],
        'He asked "Why?" She left!': ['He asked "Why?"', "She left!"],
    }
    for text, expected in cases.items():
        assert split_sentences(text) == expected, text
