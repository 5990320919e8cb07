"""The `nocontact` command documents itself and lists the guide."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

import pytest

from scripts.cli import build_parser, main


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(action.choices)


def test_every_command_and_option_has_help_text() -> None:
    parser = build_parser()
    commands = _subparsers(parser)
    assert {"guide", "build", "check", "model", "serve", "say", "run", "deploy"} <= set(commands)
    for name, command in commands.items():
        assert command.description, f"nocontact {name} has no description"
        for action in command._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            assert action.help and action.help.strip(), f"nocontact {name} {action.dest}: no help"


def test_every_command_is_listed_with_a_summary_in_the_top_level_help(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for name in _subparsers(build_parser()):
        assert f"    {name}" in out


def test_guide_lists_sections_in_article_order(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["guide", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [row["id"] for row in rows][:2] == ["introduction", "what-it-means"]
    assert rows[-1]["title"] == "Final Thoughts: You’re Not Wrong for Choosing Peace"


def test_guide_prints_one_sections_narration(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["guide", "regret"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Will I Regret Going No Contact?\nThis is a deeply personal question.")


def test_unknown_section_is_a_short_error_naming_the_choices() -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["guide", "guilt"])
    assert "no section 'guilt'" in str(exit_info.value.code)
    assert "guilt-trips" in str(exit_info.value.code)


def test_the_installed_command_starts_without_loading_the_audio_stack() -> None:
    code = (
        "import sys; from scripts.cli import build_parser; build_parser(); "
        "heavy = {'pydub', 'piper', 'onnxruntime', 'numpy', 'flask', 'boto3'} & set(sys.modules); "
        "print(sorted(heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_without_the_tools_extras_the_command_says_what_to_install() -> None:
    # What a machine with only the skill's runtime installed (`pip install .`) has: no pydantic.
    code = (
        "import sys; sys.modules['pydantic'] = None; from scripts.cli import main; main(['guide'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "nocontact: pydantic is not installed; install the project with its tools: "
        "pip install 'no-contact-companion[audio,web]' (make run does this in .venv)"
    )
