"""Values Alexa gives its built-in slot types, from the words heard (pure).

AMAZON.TIME turns "8 pm", "eight in the evening", "half past seven" or "20:00" into "20:00",
and a part of the day said alone ("in the evening") into "EV", as Alexa does. Words that name
no time leave the slot empty. Other built-in types keep the words as heard.
"""

from __future__ import annotations

import re

_UNITS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}
_AFTER_NOON = ("pm", "p m", "in the afternoon", "in the evening", "at night", "tonight",
               "this evening", "this afternoon")
_BEFORE_NOON = ("am", "a m", "in the morning", "this morning")
_PARTS_OF_DAY = {
    "morning": "MO", "in the morning": "MO", "this morning": "MO",
    "afternoon": "AF", "in the afternoon": "AF", "this afternoon": "AF",
    "evening": "EV", "in the evening": "EV", "this evening": "EV",
    "night": "NI", "at night": "NI", "tonight": "NI",
}
_NAMED = {"noon": (12, 0), "midday": (12, 0), "midnight": (0, 0)}
_GLUED = re.compile(r"(\d{1,2})(\d{2})?(am|pm)")
_CLOCK = re.compile(r"(\d{1,2}) (\d{2})")


def slot_value(slot_type: str, words: str | None) -> str | None:
    """What Alexa sends for `words` in a slot of this built-in type; None for no value."""
    if words is None or slot_type != "AMAZON.TIME":
        return words
    return time_value(words)


def time_value(words: str) -> str | None:
    """AMAZON.TIME's value for spoken words: "HH:MM", a part of the day, or None."""
    said = " ".join(words.lower().replace("o'clock", "oclock").replace(".", " ").split())
    said = said.removeprefix("at ").removeprefix("around ").removeprefix("about ")
    if said in _PARTS_OF_DAY:
        return _PARTS_OF_DAY[said]
    said, period = _period(said)
    clock = _clock(said)
    if clock is None:
        return None
    hour, minute = clock
    if period == "pm" and hour < 12:
        hour += 12
    elif period == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return None
    return f"{hour:02d}:{minute:02d}"


def _period(said: str) -> tuple[str, str | None]:
    """The words without their "pm" or "in the morning", and which half of the day."""
    glued = _GLUED.fullmatch(said.replace(" ", ""))
    if glued and not said.replace(" ", "").isdigit():
        return f"{glued[1]} {glued[2] or '00'}", glued[3]
    for endings, period in ((_AFTER_NOON, "pm"), (_BEFORE_NOON, "am")):
        for ending in endings:
            if said.endswith(" " + ending):
                return said[: -len(ending) - 1], period
    return said, None


def _clock(said: str) -> tuple[int, int] | None:
    """The hour and minute of words without a period: "8", "8 30", "eight thirty", "20 00",
    "half past seven", "quarter to nine", "nine oclock", "noon"."""
    if said in _NAMED:
        return _NAMED[said]
    said = said.removesuffix(" oclock")
    digits = _CLOCK.fullmatch(said)
    if digits:
        return int(digits[1]), int(digits[2])
    if said.isdigit() and len(said) <= 2:
        return int(said), 0
    for lead, minutes in (("half past ", 30), ("quarter past ", 15), ("quarter to ", -15)):
        if said.startswith(lead):
            hour = _number(said[len(lead) :])
            if hour is None:
                return None
            return (hour - 1, 45) if minutes < 0 else (hour, minutes)
    words = said.split()
    for split in range(1, len(words) + 1):
        hour = _number(" ".join(words[:split]))
        rest = " ".join(words[split:])
        minute = 0 if not rest else _number(rest.removeprefix("oh "))
        if hour is not None and minute is not None and hour <= 23:
            return hour, minute
    return None


def _number(words: str) -> int | None:
    """0 to 59 said as digits or words: "8", "eight", "forty five", "oh five" → 5."""
    if words.isdigit():
        return int(words)
    parts = words.removeprefix("oh ").split()
    if len(parts) == 1:
        return _UNITS.get(parts[0], _TENS.get(parts[0]))
    if len(parts) == 2 and parts[0] in _TENS and parts[1] in _UNITS and _UNITS[parts[1]] < 10:
        return _TENS[parts[0]] + _UNITS[parts[1]]
    return None
