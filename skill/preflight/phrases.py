"""Example phrases, as the certification team tries them (functional test 3.1): each resolves,
in the simulator's understanding of the package's model, to the intent whose sample it is, and
the skill answers it.

`example_phrases_work` is the preflight's one use of the simulator's understanding of words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from skill.preflight.findings import Finding, verdict
from skill.runtime.intents import TOPIC, TOPIC_TYPE, section_intent
from skill.simulator import envelopes
from skill.simulator.device import Transport
from skill.simulator.envelopes import Caller, Player, Session
from skill.simulator.language_model import InteractionModel, normalize
from skill.simulator.phrasings import CONNECTING_WORDS, INVOCATION_PREFIXES
from skill.simulator.simulation import cache_dir
from skill.simulator.understanding import Understanding
from skill.simulator.understanding_cache import trained_understanding

_SLOT = re.compile(r"\{(\w+)\}")


def meant_intent(model: dict[str, Any], request: str) -> str | None:
    """The intent one of whose samples, slots filled with their listed values, is `request`
    (a slot of a built-in type takes any words)."""
    words = tuple(normalize(request).split())
    values = _slot_values(model)
    for intent in model.get("intents", ()):
        kinds = {slot["name"]: slot["type"] for slot in intent.get("slots", ())}
        for sample in intent.get("samples", ()):
            if _fits(tuple(normalize(sample).split()), words, kinds, values):
                return intent["name"]
    return None


def _slot_values(model: dict[str, Any]) -> dict[str, list[tuple[str, ...]]]:
    """Each custom slot type's values and synonyms, as words."""
    return {
        kind["name"]: [
            tuple(normalize(text).split())
            for value in kind.get("values", ())
            for text in (value["name"]["value"], *value["name"].get("synonyms", ()))
        ]
        for kind in model.get("types", ())
    }


def _fits(
    sample: tuple[str, ...], words: tuple[str, ...], kinds: Mapping[str, str],
    values: Mapping[str, list[tuple[str, ...]]],
) -> bool:
    """Whether the sample's words, each slot filled, are exactly `words`."""
    if not sample:
        return not words
    head, rest = sample[0], sample[1:]
    slot = _SLOT.fullmatch(head)
    if slot is None:
        return bool(words) and words[0] == head and _fits(rest, words[1:], kinds, values)
    listed = values.get(kinds.get(slot[1], ""))
    if listed is None:
        return any(_fits(rest, words[n:], kinds, values) for n in range(1, len(words) + 1))
    return any(words[:len(value)] == value and _fits(rest, words[len(value):], kinds, values)
               for value in listed if value)


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
        phrases = listing.get("examplePhrases") or ()
        if not phrases:
            continue
        # Learned once per model and kept on disk, as `nocontact say` keeps it.
        understood = trained_understanding(InteractionModel.from_json(model), cache_dir())
        for phrase in phrases:
            count += 1
            problem = _phrase_problem(understood, model, locale, phrase, send,
                                      fallback_words, error_words)
            if problem:
                problems.append(f"{locale} {phrase!r}: {problem}")
    return verdict("example phrases work", problems,
                   f"all {count} resolve to the intent of their sample and are answered")


def _phrase_problem(
    understood: Understanding, model: dict[str, Any], locale: str, phrase: str,
    send: Transport, fallback_words: str, error_words: str,
) -> str | None:
    request = request_part(phrase, normalize(model["invocationName"]))
    meant = meant_intent(model, request) if request else None
    if request and meant is None:
        return (f"{request!r} is no sample of any intent; use a sample utterance "
                "(content/phrasings.yaml or a section's phrasings)")
    utterance = understood.resolve(phrase)
    got = utterance.intent.name if utterance.intent else None
    if not utterance.invoked:
        return "does not name the skill in a form Alexa hears"
    if got != meant and not _same_section(model, got, meant, request):
        return f"resolves to {got or 'a launch'}, not {meant or 'a launch'}"
    caller, now = Caller.new(locale=locale), datetime.now(UTC)  # type: ignore[arg-type]
    envelope = (
        envelopes.launch_request(caller, Session(), Player(), now) if utterance.intent is None
        else envelopes.intent_request(caller, Session(), Player(), utterance.intent, now)
    )
    said = " ".join(re.sub(r"<[^>]+>", " ", _speech(send(envelope))).split())
    if not said or fallback_words in said or (error_words and error_words in said):
        return (
            "the skill does not answer it (no speech, its fallback or its error); fix the handler"
        )
    return None


def _same_section(model: dict[str, Any], got: str | None, meant: str | None, request: str) -> bool:
    """Whether a section's own intent was heard for a sample of the topic intent naming that
    section ("help with guilt"): both start the same section, so the phrase works."""
    if meant != TOPIC or got is None or not got.endswith("SectionIntent"):
        return False
    said = f" {normalize(request)} "
    return any(
        f" {normalize(text)} " in said
        for kind in model.get("types", ()) if kind["name"] == TOPIC_TYPE
        for value in kind["values"] if section_intent(value["id"]) == got
        for text in (value["name"]["value"], *value["name"].get("synonyms", ()))
    )


def _speech(response: dict[str, Any]) -> str:
    speech = (response.get("response") or {}).get("outputSpeech") or {}
    return speech.get("ssml") or speech.get("text") or ""
