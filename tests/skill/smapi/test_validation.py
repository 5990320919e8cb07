"""skill/smapi/validation.py: Amazon's validations started, polled and read."""

from __future__ import annotations

import pytest

from skill.smapi import SmapiError
from skill.smapi.validation import POLL_SECONDS, run_validations
from tests.skill.smapi.conftest import Waits
from tests.skill.smapi_api import SKILL_ID, SmapiApi

CHECKS = [
    {"title": "Example phrases", "description": "The first example phrase is valid.",
     "category": "SKILL_METADATA", "locale": "en-US", "importance": "REQUIRED",
     "status": "SUCCESSFUL"},
    {"title": "Icons", "description": "The large icon is 512 x 512.", "category": "SKILL_METADATA",
     "locale": "en-GB", "importance": "RECOMMENDED", "status": "FAILED"},
]


def test_validations_are_polled_until_they_finish(
    smapi, smapi_api: SmapiApi, waits: Waits
) -> None:
    smapi_api.validations = CHECKS
    smapi_api.polls_before_done = 2

    run = run_validations(smapi, SKILL_ID, ["en-US", "en-GB"], sleep=waits)

    assert run.status == "SUCCESSFUL"
    assert [(v.title, v.locale, v.importance, v.passed) for v in run.validations] == [
        ("Example phrases", "en-US", "REQUIRED", True),
        ("Icons", "en-GB", "RECOMMENDED", False),
    ]
    assert waits == [POLL_SECONDS, POLL_SECONDS]
    assert smapi_api.runs[run.id]["locales"] == ["en-US", "en-GB"]


def test_a_failed_required_check_fails_the_run(smapi, smapi_api: SmapiApi, waits: Waits) -> None:
    smapi_api.validations = [{**CHECKS[0], "status": "FAILED"}]

    run = run_validations(smapi, SKILL_ID, ["en-US"], sleep=waits)

    assert run.status == "FAILED"
    assert not run.validations[0].passed


def test_validations_that_never_finish_time_out_with_a_sentence(
    smapi, smapi_api: SmapiApi, waits: Waits
) -> None:
    smapi_api.polls_before_done = 10**6
    ticks = iter(range(0, 10**6, 100))

    with pytest.raises(SmapiError, match="still running"):
        run_validations(smapi, SKILL_ID, ["en-US"], sleep=waits, clock=lambda: next(ticks),
                        timeout=250)
