"""Loading the guide: the real content is valid, and broken files fail with a useful message."""

from __future__ import annotations

from pathlib import Path

import pytest

from content import LOCALES, ContentError, default_guide, load_guide
from tests.content.conftest import rewrite

SECTION_IDS = (
    "introduction",
    "what-it-means",
    "is-it-okay",
    "politics-and-values",
    "guilt-trips",
    "regret",
    "holidays",
    "healing",
    "reconnecting",
    "myths",
    "final-thoughts",
)


def test_sections_have_the_stable_ids_in_article_order() -> None:
    assert default_guide().ids == SECTION_IDS


def test_every_section_has_text_follow_ups_and_reflections() -> None:
    for section in default_guide().sections:
        assert section.blocks, section.id
        assert section.follow_ups, section.id
        assert section.reflections, section.id
        assert len(section.synonyms) >= 10, f"{section.id}: too few ways to ask for it"


def test_titles_are_the_article_headings() -> None:
    guide = default_guide()
    assert guide.section("guilt-trips").title == (
        "What If Your Family Tries to Guilt Trip You for Going No Contact?"
    )
    assert guide.section("guilt-trips").blocks[0].text == guide.section("guilt-trips").title
    assert not guide.section("introduction").narrate_title


def test_skill_words_cover_every_english_locale() -> None:
    skill = default_guide().skill
    assert skill.invocation_name == "no contact companion"
    assert set(LOCALES) <= set(skill.crisis.locales)
    assert skill.crisis.locales["en-US"].lines[0].number == "988"
    assert skill.crisis.locales["en-GB"].lines[0].number == "116 123"
    assert skill.crisis.locales["en-AU"].emergency.number == "000"


def test_spoken_names_route_to_their_sections() -> None:
    index = default_guide().phrase_index
    assert index["guilt trips"] == "guilt-trips"
    assert index["christmas"] == "holidays"
    assert index["therapy"] == "healing"
    assert index["chosen family"] == "healing"


def test_unknown_section_names_the_known_ids() -> None:
    with pytest.raises(KeyError, match="guilt-trips"):
        default_guide().section("guilt")


def test_missing_field_names_the_file_and_field(content_copy: Path) -> None:
    path = content_copy / "sections" / "05-guilt-trips.md"
    rewrite(path, "topic: guilt\n", "")
    with pytest.raises(ContentError, match=r"05-guilt-trips\.md: field 'topic': Field required"):
        load_guide(content_copy)


def test_empty_reflections_are_refused(content_copy: Path) -> None:
    path = content_copy / "sections" / "06-regret.md"
    text = path.read_text(encoding="utf-8")
    start = text.index("reflections:")
    end = text.index("---", start)
    path.write_text(text[:start] + "reflections: []\n" + text[end:], encoding="utf-8")
    with pytest.raises(ContentError, match=r"06-regret\.md: field 'reflections': .*at least 1"):
        load_guide(content_copy)


def test_empty_body_is_refused(content_copy: Path) -> None:
    path = content_copy / "sections" / "11-final-thoughts.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("\n---\n") + 5], encoding="utf-8")
    with pytest.raises(ContentError, match=r"11-final-thoughts\.md: field 'body'"):
        load_guide(content_copy)


def test_unknown_field_is_refused_so_typos_surface(content_copy: Path) -> None:
    rewrite(content_copy / "sections" / "06-regret.md", "topic: regret", "topic: regret\ntopics: x")
    with pytest.raises(ContentError, match=r"field 'topics': Extra inputs are not permitted"):
        load_guide(content_copy)


def test_an_id_that_differs_from_the_file_name_is_refused(content_copy: Path) -> None:
    rewrite(content_copy / "sections" / "06-regret.md", "id: regret", "id: holidays")
    with pytest.raises(ContentError, match="field 'id' is 'holidays'; rename the file or the id"):
        load_guide(content_copy)


def test_duplicate_section_ids_are_refused(content_copy: Path) -> None:
    sections = content_copy / "sections"
    (sections / "12-regret.md").write_bytes((sections / "06-regret.md").read_bytes())
    with pytest.raises(ContentError, match="section ids must be unique, repeated: regret"):
        load_guide(content_copy)


def test_danger_words_that_alexa_cannot_listen_for_are_refused(content_copy: Path) -> None:
    rewrite(content_copy / "skill.yaml", "  - suicidal\n", "  - Suicidal!\n")
    with pytest.raises(ContentError, match=r"field 'crisis\.signals'.*'Suicidal!'.*lower-case"):
        load_guide(content_copy)


def test_a_synonym_shared_by_two_sections_is_refused(content_copy: Path) -> None:
    rewrite(content_copy / "sections" / "06-regret.md", "- second thoughts", "- Christmas!")
    belongs = "spoken name 'christmas' belongs to both 'regret' and 'holidays'"
    with pytest.raises(ContentError, match=belongs):
        load_guide(content_copy)


def test_follow_up_to_an_unknown_section_is_refused(content_copy: Path) -> None:
    rewrite(content_copy / "sections" / "06-regret.md", "section: holidays", "section: xmas")
    with pytest.raises(ContentError, match="follow_ups refers to unknown section 'xmas'"):
        load_guide(content_copy)


def test_follow_up_must_offer_exactly_one_thing(content_copy: Path) -> None:
    regret = content_copy / "sections" / "06-regret.md"
    rewrite(regret, "section: holidays", "section: holidays\n  reflection: true")
    with pytest.raises(ContentError, match="exactly one of 'section: <id>' or 'reflection: true'"):
        load_guide(content_copy)


def test_missing_crisis_locale_is_refused(content_copy: Path) -> None:
    path = content_copy / "skill.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("    en-IN:")], encoding="utf-8")
    with pytest.raises(ContentError, match="add crisis resources for en-IN"):
        load_guide(content_copy)


def test_invalid_invocation_name_is_refused(content_copy: Path) -> None:
    skill = content_copy / "skill.yaml"
    rewrite(skill, "invocation_name: no contact companion", "invocation_name: Companion")
    with pytest.raises(ContentError, match=r"skill\.yaml: field 'invocation_name'"):
        load_guide(content_copy)


def test_broken_yaml_is_reported_with_the_file(content_copy: Path) -> None:
    rewrite(content_copy / "sections" / "06-regret.md", "topic: regret", "topic: [regret")
    with pytest.raises(ContentError, match=r"06-regret\.md: not valid YAML"):
        load_guide(content_copy)


def test_missing_front_matter_is_reported(content_copy: Path) -> None:
    path = content_copy / "sections" / "06-regret.md"
    path.write_text("Just text\n", encoding="utf-8")
    with pytest.raises(ContentError, match="must start with YAML front matter"):
        load_guide(content_copy)


def test_badly_named_file_is_reported(content_copy: Path) -> None:
    (content_copy / "sections" / "06-regret.md").rename(content_copy / "sections" / "regret.md")
    with pytest.raises(ContentError, match=r"file name must look like 05-section-id\.md"):
        load_guide(content_copy)


def test_empty_content_directory_is_reported(tmp_path: Path) -> None:
    (tmp_path / "sections").mkdir()
    with pytest.raises(ContentError, match="no section files"):
        load_guide(tmp_path)


def test_a_phrasing_the_grammar_cannot_read_names_the_file_and_field(content_copy: Path) -> None:
    rewrite(content_copy / "sections" / "06-regret.md", "- regrets\n", "- (regrets|doubts\n")
    with pytest.raises(ContentError, match=r"06-regret\.md: field 'synonyms'.*missing '\)'"):
        load_guide(content_copy)


def test_a_vocabulary_list_nobody_defined_is_refused(content_copy: Path) -> None:
    rewrite(content_copy / "sections" / "06-regret.md", "- regrets\n", "- <nobody> regrets\n")
    with pytest.raises(ContentError, match=r"<nobody> is not in phrasings\.yaml's vocabulary"):
        load_guide(content_copy)


def test_a_missing_phrasings_file_says_where_it_belongs(content_copy: Path) -> None:
    (content_copy / "phrasings.yaml").unlink()
    with pytest.raises(ContentError, match=r"phrasings\.yaml: missing"):
        load_guide(content_copy)


def test_a_crisis_family_left_out_is_refused(content_copy: Path) -> None:
    rewrite(content_copy / "phrasings.yaml", "  burden:\n", "  burdens:\n")
    with pytest.raises(ContentError, match="missing: burden; unknown: burdens"):
        load_guide(content_copy)
