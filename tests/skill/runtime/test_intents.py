"""Intent names: each section's own intent is named from its id, as Alexa allows."""

from __future__ import annotations

import pytest

from skill.runtime import intents
from skill.runtime.intents import BUILT_IN, section_intent

FIXED = (
    intents.TOPIC, intents.REFLECT, intents.CRISIS, intents.PLAY_GUIDE,
    intents.CONTINUE_LISTENING, intents.FORGET_ME, *BUILT_IN,
)


@pytest.mark.parametrize(
    ("section_id", "name"),
    [
        ("guilt-trips", "GuiltTripsSectionIntent"),
        ("introduction", "IntroductionSectionIntent"),
        ("politics-and-values", "PoliticsAndValuesSectionIntent"),
    ],
)
def test_section_intents_are_named_in_camel_case(section_id: str, name: str) -> None:
    assert section_intent(section_id) == name


def test_a_section_id_with_digits_is_refused_with_the_fix() -> None:
    with pytest.raises(ValueError, match="spell out any digits"):
        section_intent("top-10-tips")


def test_no_section_intent_can_take_a_fixed_intent_name() -> None:
    assert not any(name.endswith("SectionIntent") for name in FIXED)
