"""`nocontact model`: writes the skill package and the compiled guide, and documents itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from content import LOCALES, default_guide
from scripts.cli import build_parser, main
from skill.guidebook import render_guidebook


def test_model_writes_the_ask_cli_layout_and_the_guidebook(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out, guidebook = tmp_path / "skill-package", tmp_path / "guidebook.json"
    assert main(["model", "--out", str(out), "--guidebook", str(guidebook)]) == 0
    for locale in LOCALES:
        model = json.loads((out / f"interactionModels/custom/{locale}.json").read_text())
        assert model["interactionModel"]["languageModel"]["invocationName"]
    assert "manifest" in json.loads((out / "skill.json").read_text())
    assert guidebook.read_text(encoding="utf-8") == render_guidebook(default_guide())
    assert capsys.readouterr().out.count("wrote ") == len(LOCALES) + 4
    listing = json.loads((out / "skill.json").read_text())["manifest"]["publishingInformation"]
    for locale in LOCALES:
        for uri in (listing["locales"][locale]["smallIconUri"],
                    listing["locales"][locale]["largeIconUri"]):
            assert (out / uri.removeprefix("file://")).is_file()


def test_model_can_name_the_endpoint(tmp_path: Path) -> None:
    uri = "https://skill.example.org/alexa"
    main(["model", "--out", str(tmp_path), "--guidebook", str(tmp_path / "g.json"),
          "--endpoint", uri])
    custom = json.loads((tmp_path / "skill.json").read_text())["manifest"]["apis"]["custom"]
    assert custom["endpoint"] == {"uri": uri, "sslCertificateType": "Trusted"}


def test_the_model_command_and_every_option_have_help() -> None:
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command")
    model = commands.choices["model"]
    assert model.description
    for action in model._actions:
        assert action.help, action.dest
