"""skill/preflight/model.py: required built-ins, and a test naming every intent."""

from __future__ import annotations

import uuid
from pathlib import Path

from skill.preflight import model
from skill.preflight.findings import Status

TESTS = Path(__file__).resolve().parents[2]


def drop(name: str):
    def edit(data):
        language = data["interactionModel"]["languageModel"]
        language["intents"] = [i for i in language["intents"] if i["name"] != name]

    return edit


def test_the_committed_models_have_every_required_built_in(committed) -> None:
    assert {f.status for f in model.built_in_intents(committed)} == {Status.PASS}


def test_a_model_without_help_fails(planted) -> None:
    package = planted(drop("AMAZON.HelpIntent"), "interactionModels/custom/en-AU.json")

    found = model.built_in_intents(package)
    assert [f.detail for f in found if f.failed] == [
        "en-AU lacks AMAZON.HelpIntent; add them to the model (skill/exports)"
    ]


def test_an_audio_skill_without_pause_fails(planted) -> None:
    package = planted(drop("AMAZON.PauseIntent"), "interactionModels/custom/en-US.json")

    assert any(
        "AMAZON.PauseIntent" in f.detail for f in model.built_in_intents(package) if f.failed
    )


def test_every_committed_intent_is_named_in_the_tests(committed) -> None:
    assert {f.status for f in model.intents_named_in_tests(committed, TESTS)} == {Status.PASS}


def test_an_intent_no_test_names_fails(planted, tmp_path: Path) -> None:
    name = f"Planted{uuid.uuid4().hex}Intent"  # made here, so no file holds it

    def add(data):
        data["interactionModel"]["languageModel"]["intents"].append(
            {"name": name, "samples": ["bake a cake"]}
        )

    package = planted(add, "interactionModels/custom/en-US.json")

    found = [f for f in model.intents_named_in_tests(package, TESTS) if f.failed]
    assert [f.detail for f in found] == [
        f"no test under {TESTS} names {name}; add one that sends it to the skill"
    ]


def test_without_a_tests_folder_the_check_says_how_to_run_it(committed, tmp_path: Path) -> None:
    found = model.intents_named_in_tests(committed, tmp_path / "none")
    assert [f.status for f in found] == [Status.SKIP]
