"""skill/smapi/credentials.py: the ASK CLI's environment variables and configuration file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skill.smapi import SmapiAuthError
from skill.smapi.credentials import read_credentials

CLIENT = {"ASK_LWA_CLIENT_ID": "amzn1.application-oa2-client.x", "ASK_LWA_CLIENT_CONFIRMATION": "s"}


def write_config(path: Path, profile: str, token: str) -> Path:
    path.write_text(json.dumps({"profiles": {profile: {
        "token": {"access_token": "Atza|old", "refresh_token": token, "token_type": "bearer",
                  "expires_in": 3600, "expires_at": "2026-01-01T00:00:00.000Z"},
        "vendor_id": "M0000000000000"}}}), encoding="utf-8")
    return path


def test_the_refresh_token_from_the_environment_wins(tmp_path: Path) -> None:
    config = write_config(tmp_path / "cli_config", "default", "Atzr|file")

    credentials = read_credentials({**CLIENT, "ASK_REFRESH_TOKEN": "Atzr|env"}, config)

    assert (credentials.client_id, credentials.refresh_token) == (CLIENT["ASK_LWA_CLIENT_ID"],
                                                                  "Atzr|env")


def test_the_ask_cli_profile_gives_the_refresh_token(tmp_path: Path) -> None:
    config = write_config(tmp_path / "cli_config", "work", "Atzr|work")

    credentials = read_credentials({**CLIENT, "ASK_DEFAULT_PROFILE": "work"}, config)

    assert credentials.refresh_token == "Atzr|work"
    assert "profile work" in credentials.source


def test_the_secrets_never_appear_in_the_repr(tmp_path: Path) -> None:
    credentials = read_credentials({**CLIENT, "ASK_REFRESH_TOKEN": "Atzr|secret"}, tmp_path)

    assert "secret" not in repr(credentials) and "Atzr" not in repr(credentials)


@pytest.mark.parametrize(
    ("environ", "config", "says"),
    [
        ({}, None, "ASK_LWA_CLIENT_ID"),
        (CLIENT, None, "does not exist"),
        (CLIENT, "other", "no refresh token for profile 'default'"),
    ],
)
def test_missing_credentials_say_what_to_configure(
    tmp_path: Path, environ: dict[str, str], config: str | None, says: str
) -> None:
    path = tmp_path / "cli_config"
    if config:
        write_config(path, config, "Atzr|x")

    with pytest.raises(SmapiAuthError, match=says) as raised:
        read_credentials(environ, path)

    assert "ask configure" in str(raised.value)


def test_an_unreadable_config_says_which_file(tmp_path: Path) -> None:
    path = tmp_path / "cli_config"
    path.write_text("{not json", encoding="utf-8")

    with pytest.raises(SmapiAuthError, match=str(path)):
        read_credentials(CLIENT, path)
