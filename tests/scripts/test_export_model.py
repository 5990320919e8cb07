"""`nocontact model`: writes the skill package and the compiled guide, and documents itself."""

from __future__ import annotations

import io
import json
import shutil
from contextlib import redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

from content import LOCALES, default_guide
from scripts.cli import main
from skill.exports.guidebook import render_guidebook

URI = "https://skill.example.org/alexa"


@dataclass(frozen=True)
class Exported:
    """What one `nocontact model` run left: the package folder, the guidebook, its output."""

    out: Path
    guidebook: Path
    printed: str


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Exported:
    """`nocontact model --endpoint URI`, run once for these tests (it expands every model)."""
    folder = tmp_path_factory.mktemp("model")
    out, guidebook = folder / "skill-package", folder / "guidebook.json"
    printed = io.StringIO()
    with redirect_stdout(printed):
        code = main(["model", "--out", str(out), "--guidebook", str(guidebook),
                     "--endpoint", URI])
    assert code == 0
    return Exported(out, guidebook, printed.getvalue())


@pytest.mark.slow
def test_model_writes_the_ask_cli_layout_and_the_guidebook(exported: Exported) -> None:
    out, guidebook = exported.out, exported.guidebook
    for locale in LOCALES:
        model = json.loads((out / f"interactionModels/custom/{locale}.json").read_text())
        assert model["interactionModel"]["languageModel"]["invocationName"]
    assert "manifest" in json.loads((out / "skill.json").read_text())
    assert guidebook.read_text(encoding="utf-8") == render_guidebook(default_guide())
    printed = exported.printed
    assert printed.count("wrote ") == len(LOCALES) + 5  # with the task file
    for locale in LOCALES:
        size = (out / f"interactionModels/custom/{locale}.json").stat().st_size
        bounds = "at most 1,200,000; Alexa's limit 1,500,000"
        assert f"{locale} model {size:,} bytes ({bounds})" in printed
        assert f"{locale} samples (of each intent's budget): CrisisIntent " in printed
    listing = json.loads((out / "skill.json").read_text())["manifest"]["publishingInformation"]
    for locale in LOCALES:
        for uri in (listing["locales"][locale]["smallIconUri"],
                    listing["locales"][locale]["largeIconUri"]):
            assert (out / uri.removeprefix("file://")).is_file()


@pytest.mark.slow
def test_model_can_name_the_endpoint(exported: Exported) -> None:
    custom = json.loads((exported.out / "skill.json").read_text())["manifest"]["apis"]["custom"]
    assert custom["endpoint"] == {"uri": URI, "sslCertificateType": "Trusted"}


@pytest.mark.slow
def test_regenerating_keeps_the_endpoint_a_deployment_set(
    exported: Exported, tmp_path: Path
) -> None:
    package = shutil.copytree(exported.out, tmp_path / "skill-package")
    main(["model", "--out", str(package), "--guidebook", str(tmp_path / "g.json")])
    custom = json.loads((package / "skill.json").read_text())["manifest"]["apis"]["custom"]
    assert custom["endpoint"] == {"uri": URI, "sslCertificateType": "Trusted"}


def test_an_endpoint_alexa_cannot_call_is_refused_before_anything_is_written(
    tmp_path: Path,
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["model", "--out", str(tmp_path), "--guidebook", str(tmp_path / "g.json"),
              "--endpoint", "http://skill.example.org/alexa"])
    assert "must be an https:// URL or a Lambda function ARN" in str(stopped.value.code)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow  # every locale's model expanded twice through the command
def test_model_names_the_privacy_policy_and_keeps_it_on_the_next_run(tmp_path: Path) -> None:
    url = "https://d111111abcdef8.cloudfront.net/privacy.html"
    out = ["model", "--out", str(tmp_path), "--guidebook", str(tmp_path / "g.json")]

    main([*out, "--privacy-policy-url", url])
    main(out)

    privacy = json.loads((tmp_path / "skill.json").read_text())["manifest"]["privacyAndCompliance"]
    assert {entry["privacyPolicyUrl"] for entry in privacy["locales"].values()} == {url}


def test_a_privacy_policy_address_that_is_not_https_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["model", "--out", str(tmp_path), "--guidebook", str(tmp_path / "g.json"),
              "--privacy-policy-url", "http://example.net/privacy"])
    assert "must be an https:// address" in str(stopped.value.code)
    assert list(tmp_path.iterdir()) == []
