"""The runtime's own danger check, run on every word Alexa hands the skill: danger said in
people's own words is caught; everyday idioms and plain denials are not."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skill.runtime.danger import DangerWords, words_of
from skill.runtime.guidebook import load_guidebook

CRISIS = load_guidebook().crisis

# The rest of a long sentence, as a trailing slot hands it over, and short danger alike.
DANGER = (
    "about cutting her off and last night i cut myself",
    "and i've started thinking the kids would be better off without me",
    "and honestly i've been saving up my pills",
    "and i took all my tablets an hour ago",
    "he's got a knife and he's going to kill me",
    "my stepdad beats me up when he drinks",
    "and my boyfriend punched me last night",
    "i don't want to be here anymore",
    "i wish i was dead",
    "so i wrote a goodbye letter",
    "my sister drank bleach",
    "she's not breathing",
    "someone's trying to break in",
    "i need the samaritans number",
    "call an ambulance",
    "i've been self harming again",
    "I'm not going to be around much longer",
    "i cut myself off from them and then i cut myself",
)
NOT_DANGER = (
    "I'm not in danger",
    "i'm not suicidal i just feel guilty",
    "nobody is hurting me i just need to talk",
    "this traffic is killing me",
    "my feet are killing me",
    "i could murder a burger",
    "i'd die for a nap",
    "I cut myself off from my family",
    "i overdosed on mince pies at christmas",
    "my dad never hit me but he was so cold",
    "it finally hit me that i don't need their approval",
    "my brother beat me at chess",
    "my mom emotionally abuses me",
    "they kicked me out when i came out",
    "i burnt myself on the oven",
    "is it safe to go no contact",
    "what does no contact mean",
    "i feel guilty about christmas",
)


@pytest.mark.parametrize("words", DANGER)
def test_danger_in_a_persons_own_words_is_caught(words: str) -> None:
    assert CRISIS.signals_danger(words)


@pytest.mark.parametrize("words", NOT_DANGER)
def test_idioms_denials_and_topics_are_not_danger(words: str) -> None:
    assert not CRISIS.signals_danger(words)


def test_a_danger_phrase_counts_only_as_whole_words() -> None:
    words = DangerWords(["in danger"], [])
    assert words.heard_in("I am in danger right now")
    assert not words.heard_in("sin dangerous")


def test_a_harmless_phrase_sets_aside_only_its_own_words() -> None:
    words = DangerWords(["cut myself"], ["cut myself off"])
    assert not words.heard_in("I cut myself off")
    assert words.heard_in("I cut myself off and then I cut myself")


def test_apostrophes_and_case_do_not_hide_danger() -> None:
    words = DangerWords(["i'm not safe"], [])
    assert words.heard_in("IM NOT SAFE")
    assert words.heard_in("I’m not safe.")


@given(st.text())
def test_any_text_is_screened_without_error(text: str) -> None:
    assert CRISIS.signals_danger(text) in (True, False)
    assert all(word.strip() == word and word for word in words_of(text))
