"""Who calls SMAPI: a Login with Amazon (LWA) client and a refresh token issued to it.

Read in the ASK CLI's own terms, so one `ask configure` serves both: the LWA client from
`ASK_LWA_CLIENT_ID` and `ASK_LWA_CLIENT_CONFIRMATION` (the security profile the token was
issued to), the refresh token from `ASK_REFRESH_TOKEN`, else from the profile in the ASK CLI's
configuration (`~/.ask/cli_config`, profile `ASK_DEFAULT_PROFILE` or `default`), which
`ask configure` or `ask util generate-lwa-tokens` writes. Nothing is sent anywhere from here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from skill.smapi import SmapiAuthError

CLI_CONFIG = Path("~/.ask/cli_config")
CONFIGURE_HINT = (
    "run `ask configure` (with ASK_LWA_CLIENT_ID and ASK_LWA_CLIENT_CONFIRMATION set to your "
    "Login with Amazon security profile), or set ASK_REFRESH_TOKEN"
)


@dataclass(frozen=True)
class Credentials:
    """An LWA client and the refresh token SMAPI access tokens are made from."""

    client_id: str
    client_secret: str = field(repr=False)
    refresh_token: str = field(repr=False)
    # Where the refresh token came from, for messages: never the token itself.
    source: str = "the environment"


def read_credentials(
    environ: Mapping[str, str], cli_config: Path = CLI_CONFIG
) -> Credentials:
    """The credentials the environment and the ASK CLI's configuration give, or a
    SmapiAuthError saying what to set."""
    client_id = environ.get("ASK_LWA_CLIENT_ID", "").strip()
    client_secret = environ.get("ASK_LWA_CLIENT_CONFIRMATION", "").strip()
    if not client_id or not client_secret:
        raise SmapiAuthError(
            "no Login with Amazon client to call SMAPI with; set ASK_LWA_CLIENT_ID and "
            "ASK_LWA_CLIENT_CONFIRMATION to your security profile's client id and secret, "
            f"then {CONFIGURE_HINT}"
        )
    token = environ.get("ASK_REFRESH_TOKEN", "").strip()
    if token:
        return Credentials(client_id, client_secret, token)
    profile = environ.get("ASK_DEFAULT_PROFILE", "").strip() or "default"
    path = cli_config.expanduser()
    token = _profile_refresh_token(path, profile)
    return Credentials(client_id, client_secret, token, f"{path} (profile {profile})")


def _profile_refresh_token(path: Path, profile: str) -> str:
    """The refresh token the ASK CLI saved for a profile."""
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SmapiAuthError(
            f"no SMAPI credentials: {path} does not exist; {CONFIGURE_HINT}"
        ) from None
    except (OSError, ValueError) as error:
        raise SmapiAuthError(f"cannot read {path} ({error}); {CONFIGURE_HINT}") from None
    try:
        token = config["profiles"][profile]["token"]["refresh_token"]
    except (KeyError, TypeError):
        token = None
    if not isinstance(token, str) or not token.strip():
        raise SmapiAuthError(
            f"{path} has no refresh token for profile {profile!r}; {CONFIGURE_HINT}"
        )
    return token.strip()
