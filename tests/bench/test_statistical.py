"""bench/nlu/statistical.py: the stand-in hears the request alone, as Alexa hands it over."""

from __future__ import annotations

import pytest

from bench.nlu.statistical import request

NAME = ("no", "contact", "companion")


@pytest.mark.parametrize(
    ("said", "heard"),
    [
        ("alexa ask no contact companion i want to die", "i want to die"),
        ("ask no contact companion to play the regret part", "play the regret part"),
        ("Alexa, tell No Contact Companion about guilt", "guilt"),
        ("play the holidays bit using no contact companion", "play the holidays bit"),
        ("open no contact companion", "open"),
        # without the skill's name only the wake word goes
        ("alexa i need help now", "i need help now"),
        ("to be honest i'm not okay", "to be honest i'm not okay"),
    ],
)
def test_the_wake_word_and_the_skills_name_are_taken_off(said: str, heard: str) -> None:
    assert request(said, NAME) == heard


def test_without_an_invocation_name_the_words_stay_whole() -> None:
    assert request("ask about guilt", ()) == "ask about guilt"
