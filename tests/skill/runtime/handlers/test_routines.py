"""The reflection task an Alexa Routine starts: a LaunchRequest carrying a task."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from skill.runtime.guidebook import load_guidebook
from tests.skill.conftest import SKILL_ID, Device, Handler, launch, plain_text

GUIDEBOOK = load_guidebook()


def task_launch(name: str = f"{SKILL_ID}.StartReflection", version: str = "1") -> dict[str, Any]:
    return {**launch(), "task": {"name": name, "version": version, "input": {}}}


@pytest.mark.parametrize("device", [Device(), Device(screen=True), Device(audio_player=False)])
def test_a_routine_starts_a_reflection_without_a_word(text_skill: Handler, device: Device) -> None:
    response = text_skill(device.envelope(task_launch(), new=True))["response"]
    said = plain_text(response["outputSpeech"]["ssml"])
    # The guided reflection, whole, in one answer: a task's response plays no AudioPlayer.
    assert said.startswith(GUIDEBOOK.guided.opening) and GUIDEBOOK.guided.close in said
    assert any(all(p in said for p in s.reflections) for s in GUIDEBOOK.sections)
    assert GUIDEBOOK.words.welcome not in said
    assert response["shouldEndSession"] is True and "reprompt" not in response
    (done,) = response["directives"]
    assert done == {"type": "Tasks.CompleteTask", "status": {"code": "200", "message": "OK"}}


@pytest.mark.parametrize(
    ("name", "version"),
    [(f"{SKILL_ID}.StartReflection", "2"), (f"{SKILL_ID}.PlayGuide", "1"),
     ("amzn1.ask.skill.someone-else.StartReflection", "1")],
)
def test_another_task_is_refused(text_skill: Handler, name: str, version: str) -> None:
    response = text_skill(Device().envelope(task_launch(name, version), new=True))["response"]
    assert "outputSpeech" not in response
    (done,) = response["directives"]
    assert done["type"] == "Tasks.CompleteTask" and done["status"]["code"] == "400"


def test_a_plain_launch_still_welcomes(text_skill: Handler) -> None:
    response = text_skill(Device().envelope(launch(), new=True))["response"]
    assert GUIDEBOOK.words.welcome in plain_text(response["outputSpeech"]["ssml"])


def test_the_task_is_declared_with_its_definition() -> None:
    package = Path("skill-package")
    manifest = json.loads((package / "skill.json").read_text())["manifest"]
    assert manifest["apis"]["custom"]["tasks"] == [{"name": "StartReflection", "version": "1"}]
    task = json.loads((package / "tasks" / "StartReflection.1.json").read_text())
    assert task["openapi"].startswith("3.")
    assert list(task["paths"]) == ["/StartReflection"]
    assert set(task["paths"]["/StartReflection"]) >= {"post"}
    assert task["info"]["version"] == "1"
    assert task["info"]["x-amzn-alexa-access-scope"] == "public"
    titles = task["info"]["x-amzn-display-details"]
    assert set(titles) == set(manifest["publishingInformation"]["locales"])
    assert all(entry["title"] == GUIDEBOOK.reminders.routine_title for entry in titles.values())
