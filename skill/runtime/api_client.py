"""The HTTP client behind ask-sdk's service clients (Reminders, Settings): the standard library
with a deadline.

ask-sdk's own `DefaultApiClient` imports requests at start-up and waits without a time limit;
Alexa waits 8 seconds for the whole answer, so each call here gets `timeout` seconds, or what
is left of the request's time budget when that is less (skill.runtime.budget), and a slow or
silent API becomes an `ApiClientException` the handler can explain.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from ask_sdk_core.exceptions import ApiClientException
from ask_sdk_model.services import ApiClient, ApiClientResponse

from skill.runtime import budget

if TYPE_CHECKING:
    from ask_sdk_model.services import ApiClientRequest

# Seconds for one call to an Alexa API at most; the request's budget usually allows less.
API_TIMEOUT = 3.0
# Below this much time left in the budget, a call is not made at all.
MIN_CALL_SECONDS = 0.1
MAX_BODY = 1 << 20


class StdlibApiClient(ApiClient):
    """Sends a service client's request with urllib and returns Alexa's answer as it came,
    error statuses included (the service client turns those into ServiceException)."""

    def __init__(self, timeout: float = API_TIMEOUT) -> None:
        self.timeout = timeout

    def invoke(self, request: ApiClientRequest) -> ApiClientResponse:
        # Imported at the first call: most requests never reach an Alexa API, and urllib's
        # HTTP stack would otherwise add a third to every cold start.
        import urllib.error
        import urllib.request

        timeout = min(self.timeout, budget.current().remaining())
        if timeout < MIN_CALL_SECONDS:
            raise ApiClientException("Not called: no time left in this request's budget")
        url = request.url or ""
        if not url.startswith(("https://", "http://")):
            raise ApiClientException(f"Requests go to http(s) URLs only, not {url[:8]!r}")
        # Service clients hand over the body already serialised to JSON-ready values.
        body = request.body
        text = body if isinstance(body, str) or body is None else json.dumps(body)
        data = text.encode("utf-8") if text is not None else None
        outgoing = urllib.request.Request(
            url, data=data, method=request.method, headers=dict(request.headers or ())
        )
        try:
            with urllib.request.urlopen(outgoing, timeout=timeout) as answer:
                return _response(answer.status, answer.headers.items(), answer.read(MAX_BODY))
        except urllib.error.HTTPError as error:
            with error:
                return _response(error.code, error.headers.items(), error.read(MAX_BODY))
        except (OSError, ValueError) as error:
            # URLError, a refused connection and a timeout are all OSErrors.
            raise ApiClientException(
                f"The API could not be reached: {type(error).__name__}"
            ) from None


def _response(status: int, headers: list[tuple[str, str]], body: bytes) -> ApiClientResponse:
    return ApiClientResponse(
        headers=list(headers), status_code=status, body=body.decode("utf-8", "replace") or None
    )
