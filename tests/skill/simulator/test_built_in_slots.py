"""AMAZON.TIME values from spoken words, as Alexa gives them."""

from __future__ import annotations

import pytest

from skill.simulator.built_in_slots import slot_value, time_value
from skill.simulator.simulation import understanding


@pytest.mark.parametrize(
    ("words", "value"),
    [("8 pm", "20:00"), ("eight in the evening", "20:00"), ("20 00", "20:00"),
     ("8 30 pm", "20:30"), ("eight thirty pm", "20:30"), ("8pm", "20:00"),
     ("half past seven in the evening", "19:30"), ("quarter to nine", "08:45"),
     ("noon", "12:00"), ("midnight", "00:00"), ("12 am", "00:00"), ("7 a m", "07:00"),
     ("twenty one fifteen", "21:15"), ("eight oclock tonight", "20:00"),
     ("in the evening", "EV"), ("tonight", "NI"), ("banana", None), ("25 00", None)],
)
def test_spoken_times_become_amazon_time_values(words: str, value: str | None) -> None:
    assert time_value(words) == value


def test_other_built_in_types_keep_the_words() -> None:
    assert slot_value("AMAZON.NUMBER", "eight") == "eight"


@pytest.mark.parametrize("said", ["8 pm", "eight in the evening", "20:00"])
def test_the_reminder_request_fills_its_time_slot(said: str) -> None:
    intent = understanding("en-US").resolve(f"remind me to reflect every day at {said}").intent
    assert intent is not None and intent.name == "SetReminderIntent"
    assert intent.slot("time").heard == "20:00"
