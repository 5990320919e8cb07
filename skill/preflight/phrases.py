"""Example phrases, as the certification team tries them (functional test 3.1): each resolves,
with the simulator's resolver, to the intent whose sample it is, and the skill answers it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from skill.preflight.findings import Finding, verdict
from skill.simulator import envelopes
from skill.simulator.device import Transport
from skill.simulator.envelopes import Caller, Player, Session
from skill.simulator.language_model import InteractionModel, normalize
from skill.simulator.phrasings import CONNECTING_WORDS, INVOCATION_PREFIXES
from skill.simulator.resolver import resolve_utterance


def meant_intent(model: dict[str, Any], request: str) -> str | None:
    """The intent one of whose samples, slots filled with their listed values, is `request`."""
    values = {
        kind["name"]: [
            normalize(text)
            for value in kind.get("values", ())
            for text in (value["name"]["value"], *value["name"].get("synonyms", ()))
        ]
        for kind in model.get("types", ())
    }
    heard = normalize(request)
    for intent in model.get("intents", ()):
        kinds = {slot["name"]: slot["type"] for slot in intent.get("slots", ())}
        for sample in intent.get("samples", ()):
            pattern = re.escape(normalize(sample).replace("{", "\x00").replace("}", "\x01"))
            pattern = re.sub(
                "\x00(\\w+)\x01",
                lambda m: "(?:" + "|".join(map(re.escape, values.get(kinds.get(m[1], ""), ())))
                + ")" if kinds.get(m[1], "") in values else ".+",
                pattern,
            )
            if re.fullmatch(pattern, heard):
                return intent["name"]
    return None


def request_part(phrase: str, invocation: str) -> str:
    """What a phrase asks once "Alexa, ask <name> (for|to) " is taken off; "" for a launch."""
    words = normalize(phrase).removeprefix("alexa ")
    for prefix in INVOCATION_PREFIXES:
        start = f"{prefix} {invocation}"
        if words == start:
            return ""
        if words.startswith(start + " "):
            rest = words[len(start) + 1:]
            first, _, after = rest.partition(" ")
            return after if first in CONNECTING_WORDS else rest
    return words


def example_phrases_work(
    models: Mapping[str, dict[str, Any]],
    listings: Mapping[str, dict[str, Any]],
    send: Transport,
    fallback_words: str,
    error_words: str,
) -> list[Finding]:
    """Each phrase reaches the intent whose sample it is, and the skill answers it."""
    problems, count = [], 0
    for locale, listing in listings.items():
        model = models[locale]
        resolver_model = InteractionModel.from_json(model)
        for phrase in listing.get("examplePhrases") or ():
            count += 1
            problem = _phrase_problem(resolver_model, model, locale, phrase, send,
                                      fallback_words, error_words)
            if problem:
                problems.append(f"{locale} {phrase!r}: {problem}")
    return verdict("example phrases work", problems,
                   f"all {count} resolve to the intent of their sample and are answered")


def _phrase_problem(
    resolver_model: InteractionModel, model: dict[str, Any], locale: str, phrase: str,
    send: Transport, fallback_words: str, error_words: str,
) -> str | None:
    request = request_part(phrase, normalize(model["invocationName"]))
    meant = meant_intent(model, request) if request else None
    if request and meant is None:
        return (f"{request!r} is no sample of any intent; use a sample utterance "
                "(content/phrasings.yaml or a section's phrasings)")
    heard = resolve_utterance(resolver_model, phrase)
    got = heard.intent.name if heard.intent else None
    if not heard.invoked:
        return "does not name the skill in a form Alexa hears"
    if got != meant:
        return f"resolves to {got or 'a launch'}, not {meant or 'a launch'}"
    caller, now = Caller.new(locale=locale), datetime.now(UTC)  # type: ignore[arg-type]
    envelope = (
        envelopes.launch_request(caller, Session(), Player(), now) if heard.intent is None
        else envelopes.intent_request(caller, Session(), Player(), heard.intent, now)
    )
    said = " ".join(re.sub(r"<[^>]+>", " ", _speech(send(envelope))).split())
    if not said or fallback_words in said or (error_words and error_words in said):
        return "the skill does not answer it (no speech, its fallback or its error); fix the handler"
    return None


def _speech(response: dict[str, Any]) -> str:
    speech = (response.get("response") or {}).get("outputSpeech") or {}
    return speech.get("ssml") or speech.get("text") or ""
