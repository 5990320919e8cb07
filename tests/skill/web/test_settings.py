"""What a server may do where it listens, enforced by create_app however it is started."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st

from skill.runtime.config import SkillConfig
from skill.web.errors import ExposureError
from skill.web.settings import WebConfig
from skill.web.webservice import create_app
from tests.skill.alexa_requests import SKILL_ID, envelope, trusting_verifier, write_store

PUBLIC_URL = "https://companion.example.org"


def config(**fields: Any) -> WebConfig:
    return WebConfig(skill=SkillConfig(skill_id=fields.pop("skill_id", SKILL_ID)), **fields)


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"host": "127.0.0.1", "public_url": PUBLIC_URL, "simulator": True}, "public URL"),
        ({"host": "0.0.0.0", "simulator": True}, "listens on 0.0.0.0"),
        ({"simulator": True}, "NOCONTACT_HOST is unset"),
        ({"host": "127.0.0.1", "public_url": PUBLIC_URL, "verify": False}, "public URL"),
        ({"host": "192.168.1.20", "verify": False}, "listens on 192.168.1.20"),
        ({"verify": False}, "NOCONTACT_HOST is unset"),
        ({"host": "0.0.0.0", "skill_id": None}, "--allow-any-skill"),
        ({"public_url": PUBLIC_URL, "host": "127.0.0.1", "skill_id": None}, "NOCONTACT_SKILL_ID"),
        ({"skill_id": None}, "NOCONTACT_HOST is unset"),
    ],
    ids=["simulator-public-url", "simulator-any-address", "simulator-unknown-host",
         "unverified-public-url", "unverified-lan", "unverified-unknown-host",
         "any-skill-any-address", "any-skill-public-url", "any-skill-unknown-host"],
)
def test_ways_around_verification_are_refused_at_startup_in_one_sentence(
    fields: dict[str, Any], reason: str
) -> None:
    with pytest.raises(ExposureError) as refused:
        create_app(config(**fields))
    message = str(refused.value)
    assert reason in message
    assert "\n" not in message and message.count(". ") == 0


def test_a_wsgi_server_started_from_the_environment_gets_the_same_rules() -> None:
    unsafe = [
        {"NOCONTACT_SIMULATOR": "1"},
        {"NOCONTACT_VERIFY": "0"},
        {"NOCONTACT_VERIFY": "0", "NOCONTACT_HOST": "127.0.0.1",
         "NOCONTACT_PUBLIC_URL": PUBLIC_URL},
        {"NOCONTACT_SIMULATOR": "1", "NOCONTACT_HOST": "0.0.0.0"},
        {"NOCONTACT_HOST": "0.0.0.0"},
        {},
    ]
    for environ in unsafe:
        with pytest.raises(ExposureError):
            create_app(WebConfig.from_env(environ))
    allowed = [
        {"NOCONTACT_SIMULATOR": "1", "NOCONTACT_HOST": "127.0.0.1"},
        {"NOCONTACT_VERIFY": "0", "NOCONTACT_HOST": "localhost"},
        {"NOCONTACT_SKILL_ID": SKILL_ID},
        {"NOCONTACT_ALLOW_ANY_SKILL": "1", "NOCONTACT_PUBLIC_URL": PUBLIC_URL},
    ]
    for environ in allowed:
        client = create_app(WebConfig.from_env(environ)).test_client()
        assert client.get("/healthz").status_code == 200


def test_allowing_any_skill_is_explicit_and_then_any_skill_is_answered() -> None:
    app = create_app(
        config(host="0.0.0.0", skill_id=None, allow_any_skill=True),
        verifier=trusting_verifier(skill_id=None),
    )
    assert app.test_client().get("/healthz").status_code == 200


HOSTILE_HOSTS = ["evil.example", "evil.example:8000", "127.0.0.1.nip.io", "localhost.evil",
                 "[::1]:8000", "", "127.0.0.1:8000@evil.example"]


@pytest.mark.parametrize(
    "mode", [{"simulator": True}, {"verify": False}], ids=["simulator", "unverified"]
)
@pytest.mark.parametrize("host", HOSTILE_HOSTS)
def test_while_unsigned_requests_are_allowed_a_foreign_host_is_refused(
    mode: dict[str, Any], host: str, tmp_path: Path
) -> None:
    app = create_app(config(host="127.0.0.1", store_dir=write_store(tmp_path), **mode))
    client = app.test_client()
    for method, path in [("GET", "/"), ("GET", "/healthz"), ("POST", "/alexa"),
                         ("POST", "/simulator/say"), ("GET", "/audio/manifest.json")]:
        response = client.open(path, method=method, json=envelope(), headers={"Host": host})
        assert response.status_code == 400, (path, response.data)
        assert response.get_json() == {
            "error": "this server answers only requests addressed to it by a loopback name"
        }
    for name in ("localhost:8000", "127.0.0.1:8000", "127.0.0.1"):
        assert client.get("/healthz", headers={"Host": name}).status_code == 200


def test_a_verifying_public_server_answers_whatever_name_it_is_reached_by() -> None:
    client = create_app(config(host="0.0.0.0", public_url=PUBLIC_URL)).test_client()
    assert client.get("/healthz", headers={"Host": "companion.example.org"}).status_code == 200


_host_headers = st.text(st.characters(min_codepoint=33, max_codepoint=126), max_size=40)


@settings(max_examples=150, deadline=None)
@given(host=_host_headers)
def test_fuzzed_host_headers_are_answered_in_json_and_only_loopback_names_get_in(
    host: str,
) -> None:
    response = _simulator_client().get("/healthz", headers={"Host": host})
    assert response.status_code in (200, 400), response.data
    assert response.is_json
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    if response.status_code == 200:
        assert name.lower() in ("localhost", "127.0.0.1")


@functools.cache
def _simulator_client() -> FlaskClient:
    return create_app(config(host="127.0.0.1", simulator=True)).test_client()
