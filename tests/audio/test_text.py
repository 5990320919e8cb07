"""Speech text preparation: each rule by a table of inputs and outputs, the whole by invariants."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audio import text
from content import default_guide
from content.models import Block


def letters(value: str) -> str:
    """Only the letters, lower-cased: what a listener must still hear."""
    return "".join(char for char in value.lower() if unicodedata.category(char).startswith("L"))


def is_subsequence(needle: str, haystack: str) -> bool:
    remaining = iter(haystack)
    return all(char in remaining for char in needle)


RULE_CASES: list[tuple[Callable[[str], str], str, str]] = [
    (text.fold_whitespace, "  two\tspaces \n here ", "two spaces here"),
    (text.straighten_apostrophes, "we’re here", "we're here"),
    (text.straighten_apostrophes, "the parents’ house", "the parents' house"),
    (text.straighten_apostrophes, "‘quoted’", "‘quoted’"),
    (text.drop_quotes, "“We stay together,” they said.", "We stay together, they said."),
    (text.drop_quotes, "it’s ‘only words’", "it’s only words"),
    (text.drop_quotes, 'a "plain" quote', "a plain quote"),
    (text.symbols_to_words, "❌ It is selfish.", "Myth: It is selfish."),
    (text.symbols_to_words, "✅ It is self-care.", "Fact: It is self-care."),
    (text.symbols_to_words, "If you’re LGBTQ+ and out", "If you’re LGBTQ plus and out"),
    (text.symbols_to_words, "friends & family", "friends and family"),
    (text.symbols_to_words, "C++ is 2 + 2", "C plus plus is 2 + 2"),
    (text.symbols_to_words, "50% of people", "50 percent of people"),
    (text.drop_pictographs, "Breathe 🌿 slowly", "Breathe slowly"),
    (text.drop_pictographs, "Heart ❤️ here", "Heart here"),
    (text.drop_pictographs, "café résumé", "café résumé"),
    (text.dashes_to_pauses, "No—it is about peace", "No, it is about peace"),
    (text.dashes_to_pauses, "relief — all at once", "relief, all at once"),
    (text.dashes_to_pauses, "peace – and quiet", "peace, and quiet"),
    (text.dashes_to_pauses, "wait -- then go", "wait, then go"),
    (text.dashes_to_pauses, "waiting - then going", "waiting, then going"),
    (text.dashes_to_pauses, "years 3–5", "years 3 to 5"),
    (text.dashes_to_pauses, "self-worth stays", "self-worth stays"),
    (text.dashes_to_pauses, "it ends—", "it ends"),
    (text.expand_ellipses, "and then…", "and then..."),
    (text.tidy_punctuation, "No , it is .", "No, it is."),
    (text.tidy_punctuation, "why?, then", "why? then"),
    (text.tidy_punctuation, "so,, then", "so, then"),
    (text.tidy_punctuation, "end,.", "end."),
]


@pytest.mark.parametrize(("rule", "written", "spoken"), RULE_CASES)
def test_each_rule_rewrites_text_for_the_ear(
    rule: Callable[[str], str], written: str, spoken: str
) -> None:
    assert rule(written) == spoken


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("No—selfishness is “harm”.", "No, selfishness is harm."),
        ("❌ “You’ll regret this.”", "Myth: You'll regret this."),
        ("Remember your “why”—the reason", "Remember your why, the reason"),
        ("Grief, anger—they can all exist", "Grief, anger, they can all exist"),
        ("I’m LGBTQ+ 🌈 and proud", "I'm LGBTQ plus and proud"),
    ],
)
def test_prepare_applies_every_rule_in_order(written: str, spoken: str) -> None:
    assert text.prepare(written) == spoken


@pytest.mark.parametrize(
    ("line", "spoken"),
    [
        ("- Rest often", "Rest often"),
        ("* Rest often", "Rest often"),
        ("• Rest often", "Rest often"),
        ("1. Therapy or Coaching", "One: Therapy or Coaching"),
        ("12) Keep going", "Twelve: Keep going"),
        ("42. The answer", "42: The answer"),
        ("Plain line", "Plain line"),
    ],
)
def test_list_markers_are_read_as_words_or_dropped(line: str, spoken: str) -> None:
    assert text.speak_list_marker(line) == spoken


@pytest.mark.parametrize(
    ("line", "sentence"),
    [
        ("Rest often", "Rest often."),
        ("Is it okay?", "Is it okay?"),
        ("Absolutely!", "Absolutely!"),
        ("Ask yourself:", "Ask yourself:"),
        ("a list, ", "a list."),
        ("one more;", "one more."),
        ("", ""),
    ],
)
def test_every_line_ends_as_a_sentence(line: str, sentence: str) -> None:
    assert text.end_sentence(line) == sentence


@pytest.mark.parametrize(
    ("line", "sentences"),
    [
        ("Yes. Absolutely.", ("Yes.", "Absolutely.")),
        ("Is it? Not so much. Maybe!", ("Is it?", "Not so much.", "Maybe!")),
        ("Ask Dr. Lee today. Then rest.", ("Ask Dr. Lee today.", "Then rest.")),
        ("Write to J. Smith now.", ("Write to J. Smith now.",)),
        ("It was me. I left.", ("It was me.", "I left.")),
        ("Neither did I. Then we spoke.", ("Neither did I.", "Then we spoke.")),
        ("Notes, e.g. this one. Done.", ("Notes, e.g. this one.", "Done.")),
        ("Version 2.5 works.", ("Version 2.5 works.",)),
    ],
)
def test_sentences_split_at_full_stops_but_not_abbreviations(
    line: str, sentences: tuple[str, ...]
) -> None:
    assert text.split_sentences(line) == sentences


def test_list_items_become_their_own_sentences() -> None:
    blocks = [
        Block(kind="paragraph", text="It often comes after:"),
        Block(kind="item", text="- Years of pressure"),
        Block(kind="item", text="- Being controlled"),
    ]
    paragraphs = text.speech_paragraphs(blocks)
    assert [p.kind for p in paragraphs] == ["paragraph", "item", "item"]
    assert [p.sentences for p in paragraphs] == [
        ("It often comes after:",),
        ("Years of pressure.",),
        ("Being controlled.",),
    ]


def test_a_numbered_line_between_paragraphs_is_read_as_a_subheading() -> None:
    blocks = [
        Block(kind="paragraph", text="Some steps help."),
        Block(kind="item", text="1. Therapy or Coaching"),
        Block(kind="paragraph", text="A therapist can help."),
        Block(kind="item", text="2. Rest"),
        Block(kind="paragraph", text="Sleep matters."),
    ]
    paragraphs = text.speech_paragraphs(blocks)
    assert [p.kind for p in paragraphs] == [
        "paragraph", "heading", "paragraph", "heading", "paragraph"
    ]
    assert paragraphs[1].sentences == ("One: Therapy or Coaching.",)


def test_a_numbered_list_stays_a_list() -> None:
    blocks = [Block(kind="item", text="1. Breathe"), Block(kind="item", text="2. Rest")]
    paragraphs = text.speech_paragraphs(blocks)
    assert [(p.kind, p.sentences) for p in paragraphs] == [
        ("item", ("One: Breathe.",)),
        ("item", ("Two: Rest.",)),
    ]


def test_a_line_of_only_pictographs_is_left_out() -> None:
    blocks = [Block(kind="paragraph", text="🌿 🌿"), Block(kind="paragraph", text="Rest.")]
    assert [p.sentences for p in text.speech_paragraphs(blocks)] == [("Rest.",)]


WRITTEN = st.text(
    alphabet=st.sampled_from(
        list("abcXYZ éß 019.,;:!?'\"-—–…&%+()*•❌✅🌿❤️“”‘’\n\t")
    ),
    max_size=120,
)


@given(WRITTEN)
def test_no_letter_of_the_text_is_lost(written: str) -> None:
    assert is_subsequence(letters(written), letters(text.prepare(written)))


@given(WRITTEN)
def test_prepared_text_has_no_marks_a_voice_would_stumble_on(written: str) -> None:
    spoken = text.prepare(written)
    assert not re.search(r"[“”„«»\"—–…❌✅🌿]|\s{2,}|\s[,.;:!?]", spoken)
    assert spoken == spoken.strip()


@pytest.mark.parametrize("section", default_guide().sections, ids=lambda s: s.id)
def test_the_guide_is_narrated_word_for_word(section) -> None:
    paragraphs = text.speech_paragraphs(section.blocks)
    spoken = " ".join(sentence for paragraph in paragraphs for sentence in paragraph.sentences)
    assert is_subsequence(letters(section.narration), letters(spoken))
    for paragraph in paragraphs:
        for sentence in paragraph.sentences:
            assert sentence and sentence[-1] in ".!?:", sentence
            assert not re.search(r"[“”—–❌]", sentence), sentence


def test_speech_script_records_kinds_and_sentence_breaks() -> None:
    one = text.speech_paragraphs([Block(kind="paragraph", text="Rest. Then go.")])
    two = text.speech_paragraphs([Block(kind="paragraph", text="Rest, then go.")])
    heading = text.speech_paragraphs([Block(kind="heading", text="Rest. Then go.")])
    scripts = {text.speech_script(p) for p in (one, two, heading)}
    assert len(scripts) == 3
    assert text.speech_script(one) == text.speech_script(
        text.speech_paragraphs([Block(kind="paragraph", text="Rest.  Then go.")])
    )
