"""The SMAPI client and the one way to call it: retries where Amazon asks for them, and a
sentence a person can act on for everything else.

`make_client` builds Amazon's `SkillManagementServiceClient` through ask-smapi-sdk's builder;
the API and Login with Amazon endpoints are parameters, so tests point both at a loopback
server. The client is kept across calls, so one access token serves until it expires. `call`
runs one operation, each attempt once `pace` allows it: a 429 waits as long as `Retry-After`
says (or backs off exponentially) and tries again, a 5xx or a dropped connection is retried a
few times, a 401 is retried once with a freshly refreshed access token (the one cached may
have been revoked), and whatever still fails becomes a SmapiError, a SmapiAuthError for
credentials.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from ask_sdk_model_runtime import (
    ApiConfiguration,
    AuthenticationConfiguration,
    DefaultApiClient,
    DefaultSerializer,
)
from ask_sdk_model_runtime.exceptions import ServiceException
from ask_sdk_model_runtime.lwa import LwaClient
from ask_smapi_model.services.skill_management import SkillManagementServiceClient
from ask_smapi_sdk import CustomSmapiClientBuilder
from ask_smapi_sdk.smapi_builder import DEFAULT_API_ENDPOINT

from skill.smapi import SmapiAuthError, SmapiError
from skill.smapi.credentials import CONFIGURE_HINT

if TYPE_CHECKING:
    from skill.smapi.credentials import Credentials

logger = logging.getLogger(__name__)

DEFAULT_AUTH_ENDPOINT = LwaClient.DEFAULT_LWA_ENDPOINT
# Attempts per call, and how long one wait may be: a preflight should not hang for minutes.
ATTEMPTS = 4
MAX_WAIT_SECONDS = 30.0
FIRST_BACKOFF_SECONDS = 1.0
Result = TypeVar("Result")


class _Builder(CustomSmapiClientBuilder):
    """ask-smapi-sdk's builder, with the Login with Amazon endpoint settable as well."""

    def __init__(self, credentials: Credentials, auth_endpoint: str) -> None:
        super().__init__(
            credentials.client_id, credentials.client_secret, credentials.refresh_token
        )
        self.auth_endpoint = auth_endpoint

    def client(self) -> SkillManagementServiceClient:
        serializer, api_client = DefaultSerializer(), DefaultApiClient()
        authentication = AuthenticationConfiguration(
            client_id=self.client_id,
            client_secret=self.client_secret,
            refresh_token=self.refresh_token,
        )
        lwa = LwaClient(
            api_configuration=ApiConfiguration(
                serializer=serializer, api_client=api_client, api_endpoint=self.auth_endpoint
            ),
            authentication_configuration=authentication,
            grant_type=LwaClient.LWA_CREDENTIALS_GRANT_TYPE,
        )
        api = ApiConfiguration(
            serializer=serializer,
            api_client=api_client,
            api_endpoint=self.api_endpoint or DEFAULT_API_ENDPOINT,
        )
        return SkillManagementServiceClient(api, authentication, lwa_client=lwa)


@dataclass(frozen=True)
class Smapi:
    """How to reach SMAPI: credentials and endpoints, and the client made from them."""

    credentials: Credentials
    api_endpoint: str = DEFAULT_API_ENDPOINT
    auth_endpoint: str = DEFAULT_AUTH_ENDPOINT
    # The client in use: its Login with Amazon client caches the access token until it expires.
    _clients: list[SkillManagementServiceClient] = field(
        default_factory=list, init=False, repr=False, compare=False
    )

    def client(self, *, fresh: bool = False) -> SkillManagementServiceClient:
        """The client, made on first use and kept; `fresh` replaces it with a new one, with no
        access token cached yet."""
        if fresh or not self._clients:
            builder = _Builder(self.credentials, self.auth_endpoint)
            builder.api_endpoint = self.api_endpoint
            self._clients[:] = [builder.client()]
        return self._clients[0]


def make_client(
    credentials: Credentials,
    api_endpoint: str = DEFAULT_API_ENDPOINT,
    auth_endpoint: str = DEFAULT_AUTH_ENDPOINT,
) -> Smapi:
    """The SMAPI connection for these credentials (Amazon's endpoints unless given)."""
    return Smapi(credentials, api_endpoint.rstrip("/"), auth_endpoint.rstrip("/"))


def smapi_from_environment(credentials: Credentials, environ: Mapping[str, str]) -> Smapi:
    """The connection with the endpoints the ASK CLI also reads from the environment:
    ASK_SMAPI_SERVER_BASE_URL for SMAPI, ASK_LWA_TOKEN_HOST for Login with Amazon."""
    return make_client(
        credentials,
        environ.get("ASK_SMAPI_SERVER_BASE_URL") or DEFAULT_API_ENDPOINT,
        environ.get("ASK_LWA_TOKEN_HOST") or DEFAULT_AUTH_ENDPOINT,
    )


def call(
    smapi: Smapi,
    what: str,
    operation: Callable[[SkillManagementServiceClient], Result],
    *,
    sleep: Callable[[float], None] = time.sleep,
    attempts: int = ATTEMPTS,
    pace: Callable[[], None] | None = None,
) -> Result:
    """Run `operation` on a client, retrying as SMAPI's errors allow; `what` names it in
    messages ("starting the skill's validations"). `pace`, when given, is called before every
    attempt and waits until it may start."""
    client = smapi.client()
    reauthenticated = False
    for attempt in range(1, attempts + 1):
        if pace is not None:
            pace()
        try:
            return operation(client)
        except ServiceException as error:
            if error.status_code == 401 and not reauthenticated and not _unreachable(error):
                reauthenticated = True
                client = smapi.client(fresh=True)
                continue
            wait = _wait_or_raise(smapi, what, error, attempt, attempts)
        logger.info("SMAPI is busy or failing while %s; trying again in %.1f s", what, wait)
        sleep(wait)
    raise AssertionError("unreachable: the last attempt returns or raises")


def _wait_or_raise(
    smapi: Smapi, what: str, error: ServiceException, attempt: int, attempts: int
) -> float:
    """How long to wait before the next attempt; raises when there should be none."""
    status = error.status_code
    if _unreachable(error):
        if attempt == attempts:
            raise SmapiError(
                f"cannot reach SMAPI at {smapi.api_endpoint} while {what} ({error}); check "
                "the connection and try again"
            ) from None
        return _backoff(attempt)
    if status == 401 or (status == 400 and _is_token_error(error)):
        raise SmapiAuthError(
            f"Amazon refused the SMAPI credentials from {smapi.credentials.source} while "
            f"{what}; {CONFIGURE_HINT}"
        ) from None
    if not _retryable(status) or attempt == attempts:
        raise SmapiError(_failure(what, error, attempt)) from None
    return _wait_seconds(error, attempt)


def _unreachable(error: ServiceException) -> bool:
    """The SDK reports a request that never got an answer (refused, timed out, TLS) as a
    500 without headers whose message starts "Call to service failed"."""
    return error.headers is None and str(error).startswith("Call to service failed")


def _retryable(status: int | None) -> bool:
    return status == 429 or (status is not None and 500 <= status < 600)


def _is_token_error(error: ServiceException) -> bool:
    """Login with Amazon answers a bad refresh token or client with 400 invalid_grant or
    invalid_client, not 401."""
    return any(code in str(error.body) for code in ("invalid_grant", "invalid_client"))


def _wait_seconds(error: ServiceException, attempt: int) -> float:
    """Retry-After when a 429 gives it (in seconds, capped), else exponential backoff."""
    for name, value in error.headers or ():
        if name.lower() == "retry-after":
            try:
                return min(max(float(value), 0.0), MAX_WAIT_SECONDS)
            except ValueError:
                break
    return _backoff(attempt)


def _backoff(attempt: int) -> float:
    return min(FIRST_BACKOFF_SECONDS * 2 ** (attempt - 1), MAX_WAIT_SECONDS)


def _failure(what: str, error: ServiceException, attempt: int) -> str:
    status = error.status_code
    detail = _message(error.body) or str(error)
    if status == 429:
        return (
            f"SMAPI kept refusing requests as too many while {what} ({attempt} tries); wait "
            "a minute and try again"
        )
    if status is not None and status >= 500:
        return (
            f"SMAPI failed while {what} (HTTP {status}, {attempt} tries: {detail}); Amazon's "
            "service is having trouble, try again later"
        )
    if status == 404:
        return f"SMAPI found no such skill or stage while {what} ({detail}); check --skill-id"
    if status == 403:
        return (
            f"SMAPI does not allow this while {what} ({detail}); check that the skill "
            "belongs to the account you configured"
        )
    return f"SMAPI refused the request while {what} (HTTP {status}: {detail})"


def _message(body: Any) -> str | None:
    """The `message` of SMAPI's error body, model or dict."""
    message = getattr(body, "message", None)
    if message is None and isinstance(body, dict):
        message = body.get("message")
    return str(message) if message else None
