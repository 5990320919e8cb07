"""content/phrasings.yaml as written: every list used, every crisis family, locale words."""

from __future__ import annotations

from content import LOCALES, default_guide
from content.grammar import references
from content.models import CRISIS_FAMILIES


def test_every_vocabulary_list_is_used_by_some_phrase() -> None:
    guide = default_guide()
    phrases = (
        *guide.phrasings.phrases(),
        *(p for s in guide.sections for p in (*s.synonyms, *s.phrasings)),
        *guide.skill.crisis.signals,
        *guide.skill.crisis.harmless,
    )
    used = {name for phrase in phrases for name in references(phrase)}
    assert set(guide.phrasings.vocabulary) - used == set()


def test_every_crisis_family_has_many_phrasings_in_every_locale() -> None:
    guide = default_guide()
    for locale in LOCALES:
        for family in CRISIS_FAMILIES:
            assert len(guide.phrasebook(locale).crisis_family(family)) >= 30, (locale, family)


def test_a_locale_adds_its_own_words_to_a_list() -> None:
    phrasings = default_guide().phrasings
    assert "mum" in phrasings.words("en-GB")["mother"]
    assert "mum" not in phrasings.words("en-US")["mother"]
    assert "mom" in phrasings.words("en-GB")["mother"]
