"""Configuration from the environment: read in one place, safe when unset."""

from __future__ import annotations

import logging

import pytest

from skill.runtime import SkillError
from skill.runtime.config import SkillConfig


def test_every_setting_is_read_from_its_variable() -> None:
    config = SkillConfig.from_env(
        {
            "NOCONTACT_MANIFEST": "s3://bucket/manifest.json",
            "NOCONTACT_AUDIO_BASE_URL": "https://cdn.example.org",
            "NOCONTACT_SKILL_ID": "amzn1.ask.skill.1",
            "NOCONTACT_ALLOW_HTTP_AUDIO": "1",
            "NOCONTACT_PERSISTENCE": "dynamodb:listening",
            "NOCONTACT_MANIFEST_REFRESH_SECONDS": "60",
        }
    )
    assert config == SkillConfig(
        manifest="s3://bucket/manifest.json",
        audio_base_url="https://cdn.example.org",
        skill_id="amzn1.ask.skill.1",
        allow_http_audio=True,
        persistence="dynamodb:listening",
        manifest_refresh_seconds=60.0,
    )


def test_an_empty_environment_gives_text_only_https_only_defaults() -> None:
    assert SkillConfig.from_env({}) == SkillConfig()
    assert SkillConfig().allow_http_audio is False


def test_blank_values_count_as_unset() -> None:
    names = ("NOCONTACT_MANIFEST", "NOCONTACT_AUDIO_BASE_URL", "NOCONTACT_SKILL_ID",
             "NOCONTACT_PERSISTENCE", "NOCONTACT_MANIFEST_REFRESH_SECONDS")
    blank = dict.fromkeys(names, "")
    assert SkillConfig.from_env(blank) == SkillConfig()


def test_plain_http_audio_is_allowed_only_by_exactly_1() -> None:
    for value in ("true", "yes", "0", " 1"):
        assert SkillConfig.from_env({"NOCONTACT_ALLOW_HTTP_AUDIO": value}).allow_http_audio is False


def test_the_manifest_is_re_read_every_five_minutes_unless_told_otherwise() -> None:
    assert SkillConfig.from_env({}).manifest_refresh_seconds == 300
    every_request = SkillConfig.from_env({"NOCONTACT_MANIFEST_REFRESH_SECONDS": "0"})
    assert every_request.manifest_refresh_seconds == 0


@pytest.mark.parametrize("value", ["soon", "-5", "inf", "nan"])
def test_a_refresh_interval_that_is_not_seconds_is_refused_with_the_fix(value: str) -> None:
    with pytest.raises(SkillError, match=r"NOCONTACT_MANIFEST_REFRESH_SECONDS=.*such as 300"):
        SkillConfig.from_env({"NOCONTACT_MANIFEST_REFRESH_SECONDS": value})


def test_a_lenient_reading_logs_a_bad_interval_and_keeps_the_other_settings(
    caplog: pytest.LogCaptureFixture,
) -> None:
    environ = {"NOCONTACT_MANIFEST_REFRESH_SECONDS": "soon", "NOCONTACT_SKILL_ID": "amzn1.x"}
    with caplog.at_level(logging.ERROR, logger="skill.runtime.config"):
        config = SkillConfig.from_env(environ, strict=False)
    assert config == SkillConfig(skill_id="amzn1.x")
    assert "NOCONTACT_MANIFEST_REFRESH_SECONDS='soon'" in caplog.text
