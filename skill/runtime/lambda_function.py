"""AWS Lambda entry point: handler `skill.runtime.lambda_function.lambda_handler`.

The skill is built once per container, at import (Lambda's init phase), from the environment:
NOCONTACT_MANIFEST, NOCONTACT_AUDIO_BASE_URL, NOCONTACT_SKILL_ID, NOCONTACT_PERSISTENCE,
NOCONTACT_MANIFEST_REFRESH_SECONDS (see skill.runtime.config). A setting it cannot use is logged and
left out rather than failing every request. Danger is answered from the raw event before the
SDK parses it (skill.runtime.front_door), and a request the skill cannot answer still gets an
apology, never an exception. Every request leaves its numbers in the log as CloudWatch EMF
(skill.runtime.metrics). Nothing here imports the audio stack or Flask.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import replace
from typing import Any

from skill.runtime.builder import build_skill
from skill.runtime.config import SkillConfig
from skill.runtime.front_door import FrontDoor
from skill.runtime.guidebook import load_guidebook

logger = logging.getLogger(__name__)

SKILL = build_skill(
    replace(SkillConfig.from_env(os.environ, strict=False), metrics=True), strict=False
)
# Danger is looked for in the raw event first, then the SDK parses the rest.
FRONT_DOOR = FrontDoor(SKILL, load_guidebook(), counted=True)


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Answer one Alexa request, given and returned as plain dicts; never raises."""
    started = time.perf_counter()
    try:
        return FRONT_DOOR.answer(event, context)
    except Exception as error:
        # The last edge, so every failure is caught: those inside a handler already reached
        # the skill's error handler, so this is the SDK's own work around them (such as the
        # skill id check on a request without a context).
        logger.error("A request could not be answered (%s); apologising", type(error).__name__)
    answer = FRONT_DOOR.apology(event)
    FRONT_DOOR.count_error(started, event)
    return answer
