"""AWS Lambda entry point: handler `skill.runtime.lambda_function.lambda_handler`.

The skill is built once per container, at import (Lambda's init phase), from the environment:
NOCONTACT_MANIFEST, NOCONTACT_AUDIO_BASE_URL, NOCONTACT_SKILL_ID, NOCONTACT_PERSISTENCE,
NOCONTACT_MANIFEST_REFRESH_SECONDS (see skill.runtime.config). A setting it cannot use is logged and
left out rather than failing every request, and a request it cannot answer still gets an
apology, never an exception. Every request leaves its numbers in the log as CloudWatch EMF
(skill.runtime.metrics). Nothing here imports the audio stack or Flask.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import replace
from typing import Any

from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.response_helper import ResponseFactory
from ask_sdk_model import RequestEnvelope, ResponseEnvelope

from skill.runtime.builder import build_skill
from skill.runtime.config import SkillConfig
from skill.runtime.guidebook import load_guidebook
from skill.runtime.handlers.builtins import apology
from skill.runtime.handlers.replies import build_response, restrict_speech
from skill.runtime.metrics import UNREADABLE, emit

logger = logging.getLogger(__name__)

SKILL = build_skill(replace(SkillConfig.from_env(os.environ, strict=False), metrics=True),
                    strict=False)


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Answer one Alexa request, given and returned as plain dicts; never raises."""
    started = time.perf_counter()
    try:
        envelope = SKILL.serializer.deserialize(json.dumps(event), RequestEnvelope)
        return SKILL.serializer.serialize(SKILL.invoke(envelope, context))
    except SerializationException:
        # What failed to read may be something a person said, so none of it is logged.
        logger.error("A request did not have the shape of an Alexa request; apologising")
    except Exception as error:
        # The last edge, so every failure is caught: those inside a handler already reached
        # the skill's error handler, so this is the SDK's own work around them (such as the
        # skill id check on a request without a context).
        logger.error("A request could not be answered (%s); apologising", type(error).__name__)
    answer = unreadable(event)
    _count_error((time.perf_counter() - started) * 1000)
    return answer


def _count_error(milliseconds: float) -> None:
    """An error the skill's own handlers never saw still counts, as a request and an error."""
    try:
        emit({"Duration": milliseconds, "Errors": 1}, None, UNREADABLE)
    except Exception as error:  # noqa: BLE001 - the apology must go out whatever happens
        logger.error("Could not record the error's metric (%s)", type(error).__name__)


def unreadable(event: Any) -> dict[str, Any]:
    """The answer to a request the skill cannot handle: an apology where speech is allowed."""
    request = event.get("request") if isinstance(event, dict) else None
    kind = request.get("type") if isinstance(request, dict) else None
    reply = restrict_speech(kind, apology(load_guidebook().words))
    response = build_response(reply, ResponseFactory())
    return SKILL.serializer.serialize(ResponseEnvelope(version="1.0", response=response))
