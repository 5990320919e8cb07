"""What the skill's answers must be, checked on every answer `exchanges.explore` collected.

Voice Interface and User Experience Testing: help explains and keeps the session open with a
reprompt; stop and cancel end politely; an open session always has a reprompt; every intent is
answered, never with an error; the welcome carries the health disclaimer (policy requirement
for health skills); Alexa's limits: 8,000 characters of speech or reprompt, 120 KB a response.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence

from skill.preflight.exchanges import Asked
from skill.preflight.findings import Finding, verdict

MAX_SPEECH_CHARS = 8000
MAX_RESPONSE_BYTES = 120_000
HELP, STOP, CANCEL, FALLBACK = (
    "AMAZON.HelpIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.FallbackIntent"
)
SPOKEN_DISCLAIMER = re.compile(r"\bnot (therapy|a substitute|medical advice)\b", re.I)
# How many examples a failing check quotes; the rest are counted.
SHOWN = 3


def speech(asked: Asked, part: str = "outputSpeech") -> str:
    """The words of the response's speech (or reprompt's), SSML tags removed."""
    holder = asked.response.get(part) or {}
    if part == "reprompt":
        holder = holder.get("outputSpeech") or {}
    text = holder.get("ssml") or holder.get("text") or ""
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())


def _where(asked: Asked) -> str:
    what = asked.intent or asked.request.get("type")
    return f"{what} ({asked.locale}, {asked.device}, {asked.state})"


def _problems(check: str, bad: Sequence[str], fix: str) -> list[str]:
    if not bad:
        return []
    shown = "; ".join(bad[:SHOWN]) + (f"; and {len(bad) - SHOWN} more" if len(bad) > SHOWN else "")
    return [f"{shown}: {fix}"]


def help_keeps_the_session_open(asked: Sequence[Asked]) -> list[Finding]:
    helps = [a for a in asked if a.intent == HELP and a.in_session]
    bad = [_where(a) for a in helps
           if a.response.get("shouldEndSession") is not False or not speech(a, "reprompt")
           or not speech(a)]
    return verdict("help keeps the session open", _problems(
        "help", bad, "help must say what to do, keep the session open and reprompt"),
        f"{len(helps)} help answers explain, stay open and reprompt")


def stop_and_cancel_end_politely(asked: Sequence[Asked], error_words: str) -> list[Finding]:
    stops = [a for a in asked if a.intent in (STOP, CANCEL) and a.in_session]
    bad = [_where(a) for a in stops
           if a.response.get("shouldEndSession") is not True or not speech(a)
           or error_words in speech(a)]
    return verdict("stop and cancel end politely", _problems(
        "stop", bad, "stop and cancel must say goodbye and end the session"),
        f"{len(stops)} stop and cancel answers say goodbye and end the session")


def open_sessions_reprompt(asked: Sequence[Asked]) -> list[Finding]:
    open_ = [a for a in asked if a.in_session and a.response.get("shouldEndSession") is False]
    bad = [_where(a) for a in open_ if not speech(a, "reprompt")]
    return verdict("every open session has a reprompt", _problems(
        "reprompt", bad, "an answer that keeps the session open must carry a reprompt"),
        f"{len(open_)} answers keep the session open, each with a reprompt")


def within_alexas_limits(asked: Sequence[Asked]) -> list[Finding]:
    bad = []
    for a in asked:
        size = len(json.dumps(a.exchange.response, ensure_ascii=False).encode("utf-8"))
        for part in ("outputSpeech", "reprompt"):
            holder = a.response.get(part) or {}
            holder = holder.get("outputSpeech", holder) if part == "reprompt" else holder
            length = len(holder.get("ssml") or holder.get("text") or "")
            if length > MAX_SPEECH_CHARS:
                bad.append(f"{_where(a)} {part} has {length:,} characters")
        if size > MAX_RESPONSE_BYTES:
            bad.append(f"{_where(a)} is {size:,} bytes")
    largest = max((len(json.dumps(a.exchange.response).encode()) for a in asked), default=0)
    return verdict("speech under 8,000 characters, responses under 120 KB", _problems(
        "limits", bad, "shorten the answer (split long speech, keep session attributes small)"),
        f"all {len(asked)} answers; the largest response is {largest:,} bytes")


def every_intent_answered(
    asked: Sequence[Asked], fallback_words: str, error_words: str, intents: Iterable[str]
) -> list[Finding]:
    """Each intent is answered by its own handler in at least one state (not only the
    catch-all's fallback words), and never by the error handler."""
    by_intent: dict[str, list[Asked]] = {}
    for a in asked:
        if a.intent:
            by_intent.setdefault(a.intent, []).append(a)
    unhandled = [name for name in intents if name != FALLBACK and all(
        fallback_words in speech(a) for a in by_intent.get(name, ()))]
    crashed = [_where(a) for a in asked if error_words and error_words in speech(a)]
    problems = [f"{name} is answered only by the catch-all; give it a handler "
                "(skill/runtime/handlers) or drop it from the model" for name in unhandled]
    problems += _problems("errors", crashed, "the skill's error handler answered: fix the "
                          "handler that failed (the log names it)")
    return verdict("every intent has a handler", problems,
                   f"{len(by_intent)} intents answered by their own handlers, no errors")


def welcome_has_the_disclaimer(asked: Sequence[Asked]) -> list[Finding]:
    launches = [a for a in asked if a.request.get("type") == "LaunchRequest"]
    bad = [_where(a) for a in launches if not SPOKEN_DISCLAIMER.search(speech(a))]
    return verdict("health disclaimer in the skill", _problems(
        "disclaimer", bad, "the welcome must say the skill is not therapy or medical advice "
        "(content/skill.yaml disclaimer)"), f"said in all {len(launches)} welcomes")


def crisis_lines_per_locale(
    asked: Sequence[Asked], spoken_numbers: Mapping[str, Sequence[str]]
) -> list[Finding]:
    crises = [a for a in asked if a.intent == "CrisisIntent" and a.state == "new session"]
    bad = []
    for a in crises:
        missing = [n for n in spoken_numbers.get(a.locale, ()) if n not in speech(a)]
        if missing:
            bad.append(f"{_where(a)} does not say {', '.join(missing)}")
    locales = {a.locale for a in crises}
    absent = [f"no crisis answer was heard in {locale}" for locale in spoken_numbers
              if locale not in locales]
    return verdict("crisis lines per locale", absent + _problems(
        "crisis", bad, "the crisis answer must give the locale's emergency number and lines "
        "(content/skill.yaml crisis.locales)"),
        f"the crisis answer gives each locale's own lines ({', '.join(sorted(locales))})")
