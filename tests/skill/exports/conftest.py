"""Each locale's language model generated from content/, shared by the export tests."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import pytest

from content import default_guide
from skill.exports.language_model import language_model

GeneratedModel = Callable[[str], dict[str, Any]]


@pytest.fixture(scope="session")
def generated_model() -> GeneratedModel:
    """A locale's languageModel expanded from content/, once per session (a second or so each):
    read it, never change it; a test that breaks one breaks a copy."""

    @cache
    def generate(locale: str) -> dict[str, Any]:
        return language_model(default_guide(), locale)

    return generate
