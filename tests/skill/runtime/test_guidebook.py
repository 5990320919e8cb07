"""The guidebook the skill reads: the same answers the content gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from content import LOCALES, default_guide
from content.guide import normalize_phrase as content_normalize
from skill.runtime.guidebook import (
    Guidebook,
    GuidebookError,
    load_guidebook,
    normalize_phrase,
)

# How people in danger put it inside a topic, in their own words: none is a stored phrase.
DANGER = (
    "self harm", "killing myself", "hurting myself", "I feel suicidal", "suicidal thoughts",
    "i am suicidal", "im not safe", "I’m not safe at home", "being abused", "ending my life",
    "I am in danger", "I've been self-harming again", "I took an overdose",
    "my boyfriend keeps hitting me", "my dad is beating me", "I'd be better off dead",
    "I just wanna die", "thoughts of suicide", "I keep cutting myself", "im in danger",
)
# Topics that sound close to danger but are the guide's own subjects.
NOT_DANGER = (
    "cutting off my family", "is it okay to cut off my abusive mother", "emotional abuse",
    "will I regret it when they die", "feeling unsafe around my parents", "abusive parents",
    "suicidesque", "is it dangerous to reconnect", "my family's beliefs hurt me",
    "I cut myself off from my family", "cutting myself off from my parents",
)


@pytest.fixture(scope="module")
def guidebook() -> Guidebook:
    return load_guidebook()


def test_sections_keep_article_order_titles_and_text(guidebook: Guidebook) -> None:
    guide = default_guide()
    assert guidebook.ids == guide.ids
    for section, source in zip(guidebook.sections, guide.sections, strict=True):
        assert section.title == source.title
        assert "\n".join(section.spoken_lines) == source.narration
        assert section.reflections == source.reflections
        assert [f.question for f in section.follow_ups] == [f.question for f in source.follow_ups]


def test_next_and_previous_follow_article_order_and_stop_at_the_ends(guidebook: Guidebook) -> None:
    ids = guidebook.ids
    assert [guidebook.next_id(i) for i in ids] == [*ids[1:], None]
    assert [guidebook.previous_id(i) for i in ids] == [None, *ids[:-1]]


def test_every_spoken_name_resolves_to_its_section(guidebook: Guidebook) -> None:
    for section in default_guide().sections:
        for name in (section.topic, *default_guide().phrasebook("en-US").synonyms(section)):
            assert guidebook.resolve_phrase(name.upper() + "?") == section.id


def test_each_section_knows_its_own_intent(guidebook: Guidebook) -> None:
    for section in guidebook.sections:
        assert guidebook.section_for_intent(section.intent) is section
    with pytest.raises(KeyError):
        guidebook.section_for_intent("TopicIntent")


@given(st.text())
def test_normalising_matches_the_content_package(text: str) -> None:
    assert normalize_phrase(text) == content_normalize(text)


@pytest.mark.parametrize("words", DANGER)
def test_danger_in_a_persons_own_words_is_spotted(guidebook: Guidebook, words: str) -> None:
    assert guidebook.crisis.signals_danger(words)
    assert guidebook.crisis.signals_danger(f"Tell me about {words.upper()}, please.")


def test_danger_beside_a_harmless_phrase_is_still_spotted(guidebook: Guidebook) -> None:
    assert guidebook.crisis.signals_danger("since I cut myself off from them I cut myself")


@pytest.mark.parametrize("words", NOT_DANGER)
def test_topics_near_danger_are_not_mistaken_for_it(guidebook: Guidebook, words: str) -> None:
    assert not guidebook.crisis.signals_danger(words)


def test_no_topic_name_or_question_is_mistaken_for_danger(guidebook: Guidebook) -> None:
    for section in default_guide().sections:
        names = (section.topic, *section.synonyms, *section.phrasings)
        for words in default_guide().phrasebook("en-US").expand(names):
            assert not guidebook.crisis.signals_danger(words), words


def test_every_locale_has_crisis_lines_and_unknown_ones_get_us_lines(guidebook: Guidebook) -> None:
    for locale in LOCALES:
        assert guidebook.crisis.lines_for(locale).lines
    assert guidebook.crisis.lines_for("en-NZ") == guidebook.crisis.lines_for("en-US")
    assert guidebook.crisis.lines_for(None) == guidebook.crisis.lines_for("en-US")


def test_a_damaged_guidebook_names_the_file_and_the_fix(tmp_path: Path) -> None:
    damaged = tmp_path / "guidebook.json"
    damaged.write_text('{"sections": []}', encoding="utf-8")
    with pytest.raises(GuidebookError, match=r"guidebook\.json.*nocontact model"):
        load_guidebook(damaged)


def test_a_missing_guidebook_names_the_fix(tmp_path: Path) -> None:
    with pytest.raises(GuidebookError, match="nocontact model"):
        load_guidebook(tmp_path / "absent.json")
