"""Live numbers without recordings: CloudWatch Embedded Metric Format lines in the log.

One EMF record per request, written by Powertools for AWS Lambda's `Metrics` to standard
output (Lambda sends it to CloudWatch Logs, which turns it into metrics): in namespace
`NoContactCompanion`, dimensions `service` and `locale`, the counts `Answers` (launches and
intents answered), `Fallbacks`, `CrisisAnswers`, `SectionsStarted` and `SectionsFinished`
(AudioPlayer reports of the guide's clips), `ReflectionsFinished`, `RemindersSet` and
`Errors`, and `Duration` in milliseconds; a second record counts `Answers` by `family` (the
kind of request: topic, crisis, help...). Nothing else: never a user or device id, a slot
value, a token, or anything a person said. Powertools is imported with the first record, so
the Lambda's import stays light (bench/skill.py measures import and first answer both).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from ask_sdk_core.dispatch_components import (
    AbstractRequestInterceptor,
    AbstractResponseInterceptor,
)
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.runtime.intents import CRISIS, FALLBACK, FORGET_ME, GUIDED_REFLECTION, HELP, REFLECT

logger = logging.getLogger(__name__)

NAMESPACE = "NoContactCompanion"
SERVICE = "skill"
# Counts a handler adds to its request's record (`count(handler_input, name)`).
COUNTED = ("RemindersSet", "ReflectionsFinished", "Errors")
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
    numbers: dict[str, float] = {"Duration": milliseconds}
    answered = family(kind, intent)
    if answered != "event":
        numbers["Answers"] = 1
    if answered == "fallback":
        numbers["Fallbacks"] = 1
    if _crisis_answer(kind, intent, response):
        numbers["CrisisAnswers"] = 1
    token = getattr(request, "token", "") or ""
    guide_clip = bool(token) and not token.startswith("reflect:")
    if kind == "AudioPlayer.PlaybackStarted" and guide_clip:
        numbers["SectionsStarted"] = 1
    if kind == "AudioPlayer.PlaybackFinished" and guide_clip:
        numbers["SectionsFinished"] = 1
    numbers.update({name: value for name, value in counts.items() if name in COUNTED})
    return numbers


def _crisis_answer(_kind: str, intent: str | None, response: Response | None) -> bool:
    """The crisis handler answered: the crisis intent, or its lines for danger in a slot."""
    card = getattr(response, "card", None) if response else None
    return intent == CRISIS or getattr(card, "title", None) == _crisis_card_title()


_CRISIS_CARD: list[str] = []


def _crisis_card_title() -> str:
    if not _CRISIS_CARD:
        from skill.runtime.guidebook import load_guidebook

        _CRISIS_CARD.append(load_guidebook().crisis.card_title)
    return _CRISIS_CARD[0]


def emit(numbers: dict[str, float], locale: str | None, answered: str | None) -> None:
    """Write the request's EMF records to standard output."""
    from aws_lambda_powertools.metrics import Metrics, MetricUnit, single_metric

    metrics = Metrics(namespace=NAMESPACE, service=SERVICE)
    metrics.add_dimension(name="locale", value=locale or "unknown")
    for name, value in numbers.items():
        unit = MetricUnit.Milliseconds if name == "Duration" else MetricUnit.Count
        metrics.add_metric(name=name, unit=unit, value=value)
    metrics.flush_metrics()
    if answered:
        with single_metric(name="Answers", unit=MetricUnit.Count, value=1, namespace=NAMESPACE,
                           default_dimensions={"service": SERVICE}) as by_family:
            by_family.add_dimension(name="family", value=answered)


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
            answered = family(kind, intent)
            emit(numbers, getattr(request, "locale", None),
                 answered if answered != "event" else None)
        except Exception as error:  # noqa: BLE001 - numbers must never cost an answer
            logger.error("Could not record this request's metrics (%s)", type(error).__name__)
