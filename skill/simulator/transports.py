"""How the simulated device reaches the skill: in this process, or over HTTP to `nocontact serve`.

Either way the skill sees the same JSON a device's request carries and answers with the
same JSON; a `Transport` is just a function from one to the other.
"""

from __future__ import annotations

import ipaddress
import json
import urllib.error
import urllib.request
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from skill.simulator.device import SimulatorError, Transport

if TYPE_CHECKING:
    from ask_sdk_core.skill import CustomSkill

HTTP_TIMEOUT_SECONDS = 10.0
# The simulator page's route for request envelopes (skill.web.simulator_page): unsigned, and
# served only where no one else can reach the server.
SIMULATOR_ROUTE = "/simulator/alexa"


def in_process(skill: CustomSkill) -> Transport:
    """Invoke a built skill directly, through the SDK's own (de)serialisation."""
    from ask_sdk_model import RequestEnvelope

    def send(envelope: dict) -> dict:
        request = skill.serializer.deserialize(json.dumps(envelope), RequestEnvelope)
        response = skill.invoke(request_envelope=request, context=None)
        serialized = skill.serializer.serialize(response)
        if not isinstance(serialized, dict):
            raise SimulatorError("the skill gave no response envelope")
        return serialized

    return send


def endpoint_url(url: str) -> str:
    """The skill endpoint for a server's address: `http://host:port` means `.../alexa`."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SimulatorError(f"{url!r} is not an http(s) address; use e.g. http://127.0.0.1:8000")
    return url.rstrip("/") + "/alexa" if parts.path in ("", "/") else url


def endpoint_urls(url: str) -> tuple[str, ...]:
    """Where to send requests, in order: on this machine, the simulator page's own route first
    (it needs no signature), then the skill endpoint, for a server without the page."""
    target = endpoint_url(url)
    parts = urlsplit(target)
    if parts.path != "/alexa" or not _is_loopback(parts.hostname or ""):
        return (target,)
    return (f"{parts.scheme}://{parts.netloc}{SIMULATOR_ROUTE}", target)


def over_http(url: str, timeout: float = HTTP_TIMEOUT_SECONDS) -> Transport:
    """POST each request to a running web service, as Alexa would (unsigned)."""
    targets = list(endpoint_urls(url))

    def send(envelope: dict) -> dict:
        while True:
            try:
                return _post(targets[0], envelope, timeout)
            except urllib.error.HTTPError as error:
                if error.code == 404 and len(targets) > 1:
                    targets.pop(0)  # the simulator page is off: the endpoint itself
                    continue
                raise SimulatorError(_refusal(targets[0], error)) from None

    return send


def _post(target: str, envelope: dict, timeout: float) -> dict:
    request = urllib.request.Request(
        target,
        data=json.dumps(envelope).encode("utf-8"),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:
            return json.loads(reply.read().decode("utf-8"))
    except urllib.error.HTTPError:
        raise
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise SimulatorError(
            f"cannot reach {target} ({reason}); start the skill with `make run` or "
            "`nocontact serve`"
        ) from None
    except ValueError:
        raise SimulatorError(f"{target} did not answer with JSON") from None


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _refusal(target: str, error: urllib.error.HTTPError) -> str:
    try:
        reason = json.loads(error.read().decode("utf-8")).get("error", error.reason)
    except (ValueError, AttributeError):
        reason = error.reason
    advice = (
        "; for local testing serve it on this machine with its simulator page (the default "
        "of `make run` and `nocontact serve`) or with `nocontact serve --no-verify`"
        if "verification" in str(reason)
        else ""
    )
    return f"{target} refused the request (HTTP {error.code}: {reason}){advice}"
