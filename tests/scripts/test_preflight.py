"""`nocontact preflight`: passes on the committed skill; with --skill-id it prints Amazon's own
validations (a loopback SMAPI) beside its own; a broken package is one sentence."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from scripts.cli import main
from tests.skill.smapi_api import (
    CLIENT_ID,
    CLIENT_SECRET,
    REFRESH_TOKEN,
    SKILL_ID,
    certificate,
    serve_smapi,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_committed_skill_passes_and_amazons_validations_print_beside_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificate()[0]))
    monkeypatch.setenv("ASK_LWA_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("ASK_LWA_CLIENT_CONFIRMATION", CLIENT_SECRET)
    monkeypatch.setenv("ASK_REFRESH_TOKEN", REFRESH_TOKEN)
    with serve_smapi() as api:
        api.polls_before_done = 0
        api.validations = [{"title": "Invocation name", "description": "Valid.",
                            "category": "SKILL_METADATA", "locale": "en-US",
                            "importance": "REQUIRED", "status": "SUCCESSFUL"}]
        monkeypatch.setenv("ASK_SMAPI_SERVER_BASE_URL", api.url)
        monkeypatch.setenv("ASK_LWA_TOKEN_HOST", api.url)

        monkeypatch.chdir(tmp_path)  # no audio built here: that check says how to run it
        code = main(["preflight", "--skill-package", str(ROOT / "skill-package"),
                     "--tests", str(ROOT / "tests"), "--skill-id", SKILL_ID])

    out = capsys.readouterr().out
    assert code == 0, out
    assert "FAIL" not in out
    assert "pass  Amazon: Invocation name (en-US): Valid." in out
    assert "pass  example phrases work" in out and "Ready to submit" in out


def test_a_package_that_cannot_be_read_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["preflight", "--skill-package", str(tmp_path)])
    assert "skill.json does not exist; run nocontact model" in str(stopped.value.code)


@pytest.mark.slow
def test_a_planted_problem_makes_preflight_exit_1_naming_the_fix(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "skill-package"
    shutil.copytree(ROOT / "skill-package", package)
    manifest = json.loads((package / "skill.json").read_text())
    for listing in manifest["manifest"]["publishingInformation"]["locales"].values():
        listing["examplePhrases"] = ["Alexa, open no contact companion",
                                     "Alexa, ask no contact companion to bake a cake"]
    (package / "skill.json").write_text(json.dumps(manifest))
    monkeypatch.chdir(tmp_path)

    code = main(["preflight", "--skill-package", str(package), "--locale", "en-GB"])

    out = capsys.readouterr().out
    assert code == 1
    assert "FAIL  example phrases work: en-GB 'Alexa, ask no contact companion to bake a cake': " \
        "'bake a cake' is no sample of any intent; use a sample utterance" in out
    assert "en-US" not in out
    assert out.splitlines()[-1].endswith("checks in en-GB only.")


def test_a_locale_the_package_lacks_is_one_sentence() -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["preflight", "--skill-package", str(ROOT / "skill-package"), "--locale", "fr-FR"])

    assert "has no fr-FR; its locales are en-AU, en-CA, en-GB, en-IN, en-US" in str(
        stopped.value.code)
