"""skill/smapi/client.py against loopback SMAPI and LWA: tokens, 401, 429, 5xx, no server."""

from __future__ import annotations

import pytest

from skill.smapi import SmapiAuthError, SmapiError
from skill.smapi.client import ATTEMPTS, MAX_WAIT_SECONDS, call, make_client
from skill.smapi.credentials import Credentials
from skill.smapi.validation import run_validations
from tests.skill.smapi.conftest import Waits
from tests.skill.smapi_api import CLIENT_ID, CLIENT_SECRET, SKILL_ID, SmapiApi


def start(smapi, waits: Waits):
    return call(
        smapi,
        "starting validations",
        lambda client: client.submit_skill_validation_v1(
            {"locales": ["en-US"]}, SKILL_ID, "development"
        ),
        sleep=waits,
    )


def test_a_call_gets_an_access_token_from_the_refresh_token_and_uses_it(
    smapi, smapi_api: SmapiApi, waits: Waits
) -> None:
    started = start(smapi, waits)

    assert started.id in smapi_api.runs
    assert smapi_api.token_requests == 1
    assert waits == []


def test_a_401_refreshes_the_access_token_once_and_succeeds(
    smapi, smapi_api: SmapiApi, waits: Waits
) -> None:
    smapi_api.fail_next(401)

    started = start(smapi, waits)

    assert started.id in smapi_api.runs
    assert smapi_api.token_requests == 2


def test_a_401_that_persists_says_to_run_ask_configure(
    smapi, smapi_api: SmapiApi, waits: Waits
) -> None:
    smapi_api.fail_next(401)
    smapi_api.fail_next(401)

    with pytest.raises(SmapiAuthError, match="ask configure"):
        start(smapi, waits)


def test_a_refresh_token_lwa_refuses_says_to_run_ask_configure(
    smapi_api: SmapiApi, waits: Waits
) -> None:
    smapi = make_client(Credentials(CLIENT_ID, CLIENT_SECRET, "Atzr|revoked"),
                        smapi_api.url, smapi_api.url)

    with pytest.raises(SmapiAuthError, match="ask configure"):
        start(smapi, waits)
    assert not smapi_api.runs


def test_a_429_waits_as_long_as_retry_after_says_then_succeeds(
    smapi, smapi_api: SmapiApi, waits: Waits
) -> None:
    smapi_api.fail_next(429, retry_after="7")

    started = start(smapi, waits)

    assert started.id in smapi_api.runs
    assert waits == [7.0]


def test_a_long_retry_after_is_capped(smapi, smapi_api: SmapiApi, waits: Waits) -> None:
    smapi_api.fail_next(429, retry_after="3600")

    start(smapi, waits)

    assert waits == [MAX_WAIT_SECONDS]


def test_a_429_without_retry_after_backs_off_exponentially(
    smapi, smapi_api: SmapiApi, waits: Waits
) -> None:
    for _ in range(ATTEMPTS - 1):
        smapi_api.fail_next(429)

    start(smapi, waits)

    assert waits == [1.0, 2.0, 4.0]


def test_throttling_that_never_ends_is_one_sentence(
    smapi, smapi_api: SmapiApi, waits: Waits
) -> None:
    for _ in range(ATTEMPTS):
        smapi_api.fail_next(429, retry_after="1")

    with pytest.raises(SmapiError, match=r"too many .* try again"):
        start(smapi, waits)
    assert len(waits) == ATTEMPTS - 1


@pytest.mark.parametrize("status", [500, 503])
def test_a_server_error_is_retried_then_succeeds(
    smapi, smapi_api: SmapiApi, waits: Waits, status: int
) -> None:
    smapi_api.fail_next(status)

    assert start(smapi, waits).id in smapi_api.runs
    assert waits == [1.0]


def test_server_errors_that_persist_become_a_clear_error(
    smapi, smapi_api: SmapiApi, waits: Waits
) -> None:
    for _ in range(ATTEMPTS):
        smapi_api.fail_next(503)

    with pytest.raises(SmapiError, match=r"HTTP 503, 4 tries.*try again later"):
        start(smapi, waits)


def test_an_unknown_skill_says_to_check_the_skill_id(smapi, waits: Waits) -> None:
    with pytest.raises(SmapiError, match="--skill-id"):
        run_validations(smapi, "amzn1.ask.skill.00000000-0000-4000-8000-000000000000",
                        ["en-US"], sleep=waits)


def test_no_server_says_it_cannot_reach_smapi(waits: Waits) -> None:
    smapi = make_client(Credentials(CLIENT_ID, CLIENT_SECRET, "x"), "http://127.0.0.1:9",
                        "http://127.0.0.1:9")

    with pytest.raises(SmapiError, match="cannot reach SMAPI"):
        start(smapi, waits)
    assert len(waits) == ATTEMPTS - 1


def test_calls_share_one_client_and_its_access_token(
    smapi, smapi_api: SmapiApi, waits: Waits
) -> None:
    for _ in range(3):
        start(smapi, waits)

    assert len(smapi_api.runs) == 3
    assert smapi_api.token_requests == 1


def test_the_pace_is_asked_before_every_attempt_retries_included(
    smapi, smapi_api: SmapiApi, waits: Waits
) -> None:
    smapi_api.fail_next(429, retry_after="2")
    smapi_api.fail_next(503)
    attempts: list[int] = []

    call(smapi, "starting validations",
         lambda client: client.submit_skill_validation_v1(
             {"locales": ["en-US"]}, SKILL_ID, "development"),
         sleep=waits, pace=lambda: attempts.append(len(smapi_api.calls)))

    assert attempts == [0, 1, 2]
    assert waits == [2.0, 2.0]
