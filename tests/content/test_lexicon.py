"""The pronunciation lexicon: whole words, case-aware, and refused when it could loop or empty."""

from __future__ import annotations

from pathlib import Path

import pytest

from audio.text import speech_paragraphs
from content import ContentError, default_guide, load_guide
from content.lexicon import Entry, Lexicon, LexiconError, parse_lexicon

LEXICON = Lexicon(
    (
        Entry("LGBTQ", "L G B T Q"),
        Entry("DNA", "D N A"),
        Entry("no-contact", "no contact"),
        Entry("ace", "ayss"),
        Entry("no contact rule", "no contact roole"),
    )
)


@pytest.mark.parametrize(
    ("written", "spoken"),
    [
        ("If you're LGBTQ plus.", "If you're L G B T Q plus."),
        ("people who share your DNA.", "people who share your D N A."),
        ("a no-contact order", "a no contact order"),
        ("No-contact is hard.", "No contact is hard."),
        ("NO-CONTACT ORDER", "NO CONTACT ORDER"),
        ("an ace, an Ace, an ACE.", "an ayss, an Ayss, an AYSS."),
        ("my ace's friend", "my ayss's friend"),
        # Whole words only: never inside another word, a hyphenated word or a contraction.
        ("peace, aces, space-ace, ace-high", "peace, aces, space-ace, ace-high"),
        ("ace't", "ace't"),
        # Entries with capitals match only as written.
        ("dna, Dna", "dna, Dna"),
        # A phrase wins over a shorter entry inside it.
        ("the no contact rule", "the no contact roole"),
    ],
)
def test_respelling_replaces_whole_words_keeping_their_case(written: str, spoken: str) -> None:
    assert LEXICON.respell(written) == spoken


def test_respelling_twice_changes_nothing_more() -> None:
    text = "No-contact with an ACE who shares your DNA, LGBTQ plus."
    once = LEXICON.respell(text)
    assert once != text
    assert LEXICON.respell(once) == once


def test_applied_lists_only_the_entries_that_respell_the_text() -> None:
    assert LEXICON.applied("Your DNA, an ace.") == (Entry("DNA", "D N A"), Entry("ace", "ayss"))
    assert LEXICON.applied("peace and space") == ()


@pytest.mark.parametrize(
    ("words", "message"),
    [
        ({"gas": "gas light"}, r"entry 'gas' respells it as 'gas light', which holds its own word"),
        (
            {"NC": "no contact", "contact": "con tact"},
            r"entry 'NC' respells it as 'no contact', which holds 'contact', another entry",
        ),
        ({"um": ""}, r"entry 'um' respells it as '', which says nothing"),
        ({"um": " ... "}, r"entry 'um' respells it as '...', which says nothing"),
        ({"-dash": "dash"}, r"entry '-dash' is not a word"),
        ({"Ace": "ayss", "ace": "ayce"}, None),
        ({"ace": "ayss", "ACE": "ayce"}, None),
        ({"ace": 3}, r"entry 'ace' must be `word: how to say it`"),
    ],
)
def test_bad_entries_are_refused_naming_the_file_and_entry(
    words: dict[str, object], message: str | None
) -> None:
    if message is None:  # different case, different entries: both allowed
        assert len(parse_lexicon({"words": words}, "lexicon.yaml").entries) == 2
        return
    with pytest.raises(LexiconError, match=rf"^lexicon\.yaml: {message}"):
        parse_lexicon({"words": words}, "lexicon.yaml")


def test_an_entry_listed_twice_is_refused() -> None:
    with pytest.raises(LexiconError, match="entry 'ace' is listed twice"):
        Lexicon((Entry("ace", "ayss"), Entry("ace", "ayce")), source="lexicon.yaml")


def test_a_respelling_that_says_its_own_word_again_unchanged_is_allowed() -> None:
    assert Lexicon((Entry("Polly", "Polly"),)).respell("Polly") == "Polly"


def test_a_broken_lexicon_file_stops_loading_with_one_sentence(content_copy: Path) -> None:
    (content_copy / "lexicon.yaml").write_text("words:\n  gas: gas light\n", encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_guide(content_copy)
    message = str(caught.value)
    assert message.startswith(f"{content_copy / 'lexicon.yaml'}: entry 'gas'")
    assert message.count(". ") == 0 and "\n" not in message


def test_a_guide_without_a_lexicon_file_respells_nothing(content_copy: Path) -> None:
    (content_copy / "lexicon.yaml").unlink()
    assert load_guide(content_copy).lexicon.entries == ()


def _guide_sentences(section_id: str) -> list[str]:
    section = default_guide().section(section_id)
    return [s for paragraph in speech_paragraphs(section.blocks) for s in paragraph.sentences]


@pytest.mark.parametrize(
    ("section_id", "written", "spoken"),
    [
        ("politics-and-values", "LGBTQ plus", "L G B T Q plus"),
        ("final-thoughts", "your DNA.", "your D N A."),
    ],
)
def test_the_guides_tricky_words_are_respelled(
    section_id: str, written: str, spoken: str
) -> None:
    lexicon = default_guide().lexicon
    sentences = _guide_sentences(section_id)
    assert any(written in sentence for sentence in sentences)
    respelled = [lexicon.respell(sentence) for sentence in sentences]
    assert any(spoken in sentence for sentence in respelled)
    assert not any(written in sentence for sentence in respelled)


def test_the_guides_own_lexicon_leaves_no_contact_and_other_words_alone() -> None:
    lexicon = default_guide().lexicon
    assert lexicon.respell("Going no-contact") == "Going no contact"
    for section in default_guide().sections:
        for sentence in _guide_sentences(section.id):
            words = set(sentence.split()) - set(lexicon.respell(sentence).split())
            assert words <= {"LGBTQ", "DNA.", "no-contact"}, (section.id, words)


PHONETIC = Lexicon(
    (
        Entry("estrangement", "estrangement", ipa="ɪˈstɹeɪndʒmənt"),
        Entry("DNA", "D N A"),
    )
)


def test_ssml_gives_ipa_words_as_phonemes_and_respells_the_rest() -> None:
    assert PHONETIC.ssml("Estrangement & your DNA.") == (
        '<speak><phoneme alphabet="ipa" ph="ɪˈstɹeɪndʒmənt">Estrangement</phoneme>'
        " &amp; your D N A.</speak>"
    )


def test_ssml_is_not_needed_where_no_entry_with_ipa_applies() -> None:
    assert PHONETIC.ssml("Your DNA.") is None
    assert PHONETIC.ssml("Nothing here.") is None


@pytest.mark.parametrize("ipa", ["", "  ", 'a"b', "<x>"])
def test_ipa_that_is_not_a_pronunciation_is_refused(ipa: str) -> None:
    with pytest.raises(LexiconError, match=r"^lexicon\.yaml: entry 'ace' has ipa .* not a pro"):
        parse_lexicon({"words": {"ace": {"say": "ayss", "ipa": ipa}}}, "lexicon.yaml")


def test_an_entry_may_give_say_and_ipa_but_nothing_else() -> None:
    lexicon = parse_lexicon({"words": {"ace": {"say": "ayss", "ipa": "eɪs"}}}, "lexicon.yaml")
    assert lexicon.entries == (Entry("ace", "ayss", "eɪs"),)
    with pytest.raises(LexiconError, match="entry 'ace' must be"):
        parse_lexicon({"words": {"ace": {"say": "ayss", "sound": "x"}}}, "lexicon.yaml")
