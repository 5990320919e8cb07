"""Live numbers without recordings: CloudWatch Embedded Metric Format lines in the log.

One EMF record per request, written by Powertools for AWS Lambda's `Metrics` to standard
output (Lambda sends it to CloudWatch Logs, which turns it into metrics), in namespace
`NoContactCompanion`: the counts `Answers` (launches and intents answered), `Fallbacks`,
`CrisisAnswers`, `SectionsStarted` and `SectionsFinished` (AudioPlayer reports of the guide's
clips), `ReflectionsFinished`, `RemindersSet` and `Errors`, and `Duration` in milliseconds.
Each is aggregated three ways (`DIMENSION_SETS`): over the whole skill, by `locale`, and by
`family` (the kind of request: topic, crisis, help...). Nothing else: never a user or device
id, a slot value, a token, or anything a person said.

Only the Lambda records them (`SkillConfig.metrics`); Powertools is imported with the first
record, so the Lambda's import stays light (bench/skill.py measures import, first answer and
steady answers).
"""

from __future__ import annotations

import logging
import time
from functools import cache
from typing import Any

from ask_sdk_core.dispatch_components import (
    AbstractExceptionHandler,
    AbstractRequestInterceptor,
    AbstractResponseInterceptor,
)
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.runtime.intents import CRISIS, FALLBACK, FORGET_ME, GUIDED_REFLECTION, HELP, REFLECT

logger = logging.getLogger(__name__)

NAMESPACE = "NoContactCompanion"
SERVICE = "skill"
# Every metric of a record is aggregated by each of these sets of dimensions.
DIMENSION_SETS = (("service",), ("service", "locale"), ("service", "family"))
DURATION = "Duration"
COUNTS = ("Answers", "Fallbacks", "CrisisAnswers", "SectionsStarted", "SectionsFinished",
          "ReflectionsFinished", "RemindersSet", "Errors")
# Counts a handler adds to its request's record (`count(handler_input, name)`).
COUNTED = ("RemindersSet", "ReflectionsFinished")
ERRORS = "Errors"

# The family of a request the skill could not read as an Alexa request.
UNREADABLE = "unreadable"
_STARTED = "metrics.started"
_COUNTS = "metrics.counts"
_FAMILIES = {
    CRISIS: "crisis", HELP: "help", FALLBACK: "fallback", REFLECT: "reflection",
    GUIDED_REFLECTION: "guided_reflection", FORGET_ME: "privacy",
    "AMAZON.StopIntent": "stop", "AMAZON.CancelIntent": "stop",
    "AMAZON.NavigateHomeIntent": "stop", "TopicIntent": "topic",
    "PlayGuideIntent": "listening", "ContinueListeningIntent": "listening",
    "SetReminderIntent": "reminders", "ListRemindersIntent": "reminders",
    "StopRemindersIntent": "reminders",
}
# Every family `family` names, and the unreadable request's.
FAMILIES = tuple(dict.fromkeys(
    ("launch", *_FAMILIES.values(), "topic", "navigation", "other", "event", UNREADABLE)
))


def family(request_type: str, intent: str | None) -> str:
    """The kind of request, as the dashboard groups answers: a fixed, small set of names."""
    if request_type == "LaunchRequest":
        return "launch"
    if request_type != "IntentRequest" or intent is None:
        return "event"
    if intent in _FAMILIES:
        return _FAMILIES[intent]
    if intent.endswith("SectionIntent"):
        return "topic"
    return "navigation" if intent.startswith("AMAZON.") else "other"


def count(handler_input: HandlerInput, name: str) -> None:
    """Add one to `name` (one of COUNTED) in this request's record."""
    counts = handler_input.attributes_manager.request_attributes.setdefault(_COUNTS, {})
    counts[name] = counts.get(name, 0) + 1


def record(request: Any, response: Response | None, counts: dict[str, int],
           milliseconds: float) -> dict[str, float]:
    """The numbers one request adds, by metric name (pure: no ids, no words)."""
    kind = getattr(request, "object_type", "") or ""
    intent = getattr(getattr(request, "intent", None), "name", None)
    numbers: dict[str, float] = {DURATION: milliseconds}
    answered = family(kind, intent)
    if answered != "event":
        numbers["Answers"] = 1
    if answered == "fallback":
        numbers["Fallbacks"] = 1
    if intent == CRISIS or _crisis_card(response):
        numbers["CrisisAnswers"] = 1
    token = getattr(request, "token", "") or ""
    guide_clip = bool(token) and not token.startswith("reflect:")
    if kind == "AudioPlayer.PlaybackStarted" and guide_clip:
        numbers["SectionsStarted"] = 1
    if kind == "AudioPlayer.PlaybackFinished" and guide_clip:
        numbers["SectionsFinished"] = 1
    numbers.update({name: value for name, value in counts.items() if name in (*COUNTED, ERRORS)})
    return numbers


def _crisis_card(response: Response | None) -> bool:
    """The crisis lines' card: how danger said in a topic slot is answered."""
    card = getattr(response, "card", None) if response else None
    return card is not None and getattr(card, "title", None) == _crisis_card_title()


@cache
def _crisis_card_title() -> str:
    from skill.runtime.guidebook import load_guidebook

    return load_guidebook().crisis.card_title


@cache
def _recorder() -> Any:
    """Powertools' Metrics, made once: each record carries every set of DIMENSION_SETS."""
    from aws_lambda_powertools.metrics import Metrics

    metrics = Metrics(namespace=NAMESPACE, service=SERVICE)
    metrics.set_default_dimensions(service=SERVICE)
    return metrics


def emit(numbers: dict[str, float], locale: str | None, answered: str) -> None:
    """Write one request's EMF record to standard output."""
    recorder = _recorder()
    try:
        recorder.add_dimensions(locale=locale or "unknown")
        recorder.add_dimensions(family=answered)
        for name, value in numbers.items():
            recorder.add_metric(name=name, unit="Milliseconds" if name == DURATION else "Count",
                                value=value)
        recorder.flush_metrics()
    except Exception:
        recorder.clear_metrics()  # a half-made record must not join the next request's
        raise


def emit_safely(numbers: dict[str, float], locale: str | None, answered: str) -> None:
    """`emit`, where a failure is logged by type and never reaches the listener."""
    try:
        emit(numbers, locale, answered)
    except Exception as error:
        logger.error("Could not record this request's metrics (%s)", type(error).__name__)


class MetricsStart(AbstractRequestInterceptor):
    """Notes when the request began."""

    def process(self, handler_input: HandlerInput) -> None:
        handler_input.attributes_manager.request_attributes[_STARTED] = time.perf_counter()


class MetricsRecord(AbstractResponseInterceptor):
    """Emits the request's numbers once its answer is ready; a failure here never reaches
    the listener."""

    def process(self, handler_input: HandlerInput, response: Response | None) -> None:
        try:
            attributes = handler_input.attributes_manager.request_attributes
            started = attributes.get(_STARTED, time.perf_counter())
            request = handler_input.request_envelope.request
            numbers = record(request, response, attributes.get(_COUNTS, {}),
                             (time.perf_counter() - started) * 1000)
            kind = getattr(request, "object_type", "") or ""
            intent = getattr(getattr(request, "intent", None), "name", None)
        except Exception as error:
            logger.error("Could not record this request's metrics (%s)", type(error).__name__)
            return
        emit_safely(numbers, getattr(request, "locale", None), family(kind, intent))


class RecordedErrors(AbstractExceptionHandler):
    """An exception handler whose answers are recorded, the error counted: ask-sdk runs no
    response interceptor after an exception handler, so MetricsRecord would miss them."""

    def __init__(self, handler: AbstractExceptionHandler) -> None:
        self.handler = handler

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return self.handler.can_handle(handler_input, exception)

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        response = self.handler.handle(handler_input, exception)
        counts = handler_input.attributes_manager.request_attributes.setdefault(_COUNTS, {})
        counts[ERRORS] = 1
        MetricsRecord().process(handler_input, response)
        return response
