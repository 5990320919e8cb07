"""The committed skill package, copies of it with a problem planted, and the skill's answers."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from skill.preflight.exchanges import Asked, explore
from skill.preflight.package import SkillPackage, read_package
from skill.runtime.builder import build_skill
from skill.simulator.device import Transport
from skill.simulator.language_model import InteractionModel
from skill.simulator.transports import in_process
from tests.skill.conftest import AUDIO_BASE_URL, MANIFEST

PACKAGE = Path(__file__).resolve().parents[3] / "skill-package"


@pytest.fixture(scope="session")
def committed() -> SkillPackage:
    return read_package(PACKAGE)


@pytest.fixture
def planted(tmp_path: Path) -> Callable[[Callable[[dict[str, Any]], None], str], SkillPackage]:
    """A copy of the committed package with `edit` applied to one of its JSON files."""
    copy = tmp_path / "skill-package"
    shutil.copytree(PACKAGE, copy)

    def plant(edit: Callable[[dict[str, Any]], None], relative: str = "skill.json") -> SkillPackage:
        path = copy / relative
        data = json.loads(path.read_text(encoding="utf-8"))
        edit(data)
        path.write_text(json.dumps(data), encoding="utf-8")
        return read_package(copy)

    return plant


@pytest.fixture(scope="session")
def send() -> Transport:
    """The skill in this process, playing the fixture manifest's clips."""
    from skill.runtime.config import SkillConfig

    return in_process(
        build_skill(SkillConfig(manifest=str(MANIFEST), audio_base_url=AUDIO_BASE_URL))
    )


@pytest.fixture(scope="session")
def asked(committed: SkillPackage, send: Transport) -> list[Asked]:
    """Everything the skill answers in en-US and en-GB, asked once for the session."""
    models = {
        locale: InteractionModel.from_json(committed.models[locale])
        for locale in ("en-US", "en-GB")
    }
    return explore(send, models)
