"""Amazon's own certification validations, through SMAPI's skill validation API.

`POST /v1/skills/{skillId}/stages/{stage}/validations` with `{"locales": [...]}` starts them
(202, an id, status IN_PROGRESS); `GET .../validations/{validationId}` is polled until the
status is SUCCESSFUL or FAILED, and its `result.validations` lists each check: title,
description, category, locale, importance (REQUIRED or RECOMMENDED) and status.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ask_smapi_model.v1.skill.validations import ValidationsApiRequest

from skill.smapi import SmapiError
from skill.smapi.client import Smapi, call

POLL_SECONDS = 2.0
# Amazon's validations usually finish within a minute; give up after a few.
TIMEOUT_SECONDS = 300.0


@dataclass(frozen=True)
class Validation:
    """One of Amazon's checks and how the skill fared."""

    title: str
    description: str
    locale: str | None
    importance: str
    status: str

    @property
    def passed(self) -> bool:
        """SUCCESSFUL; a failed RECOMMENDED check is advice, a failed REQUIRED one blocks."""
        return self.status == "SUCCESSFUL"


@dataclass(frozen=True)
class ValidationRun:
    """A finished validation run: its overall status and every check."""

    id: str
    status: str
    validations: tuple[Validation, ...]
    error: str | None = None


def run_validations(
    smapi: Smapi,
    skill_id: str,
    locales: Sequence[str],
    *,
    stage: str = "development",
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    timeout: float = TIMEOUT_SECONDS,
) -> ValidationRun:
    """Start Amazon's validations for these locales and wait for their results."""
    request = ValidationsApiRequest(locales=list(locales))
    started = call(
        smapi,
        "starting the skill's validations",
        lambda client: client.submit_skill_validation_v1(request, skill_id, stage),
        sleep=sleep,
    )
    validation_id = getattr(started, "id", None)
    if not validation_id:
        raise SmapiError("SMAPI started the validations but gave no id to poll; try again")
    deadline = clock() + timeout
    while True:
        response = call(
            smapi,
            "reading the skill's validation results",
            lambda client: client.get_skill_validations_v1(skill_id, validation_id, stage),
            sleep=sleep,
        )
        status = _value(getattr(response, "status", None))
        if status != "IN_PROGRESS":
            return _run(validation_id, status, response)
        if clock() >= deadline:
            raise SmapiError(
                f"Amazon's validations ({validation_id}) were still running after "
                f"{timeout:.0f} s; run the preflight again later"
            )
        sleep(POLL_SECONDS)


def _run(validation_id: str, status: str, response: Any) -> ValidationRun:
    result = getattr(response, "result", None)
    error = getattr(result, "error", None)
    return ValidationRun(
        id=validation_id,
        status=status,
        validations=tuple(_validation(item) for item in getattr(result, "validations", None) or ()),
        error=getattr(error, "message", None) if error else None,
    )


def _validation(item: Any) -> Validation:
    return Validation(
        title=item.title or "",
        description=item.description or "",
        locale=item.locale,
        importance=_value(item.importance),
        status=_value(item.status),
    )


def _value(enum: Any) -> str:
    """An SDK enum's string, or the string itself."""
    return str(getattr(enum, "value", enum) or "")
