"""`nocontact deploy`: stops early with a clear sentence, plans every step, writes the package.

Nothing here reaches AWS: the checks fail before any tool runs, and a dry run only prints.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from typing import Any

import pytest

from scripts.cli import main
from scripts.deploy import TEMPLATE, DeployError, StackOutputs
from skill.exports.interaction_model import package_endpoint, package_privacy_policy_url

SKILL_ID = "amzn1.ask.skill.11111111-2222-4333-8444-555555555555"
PRIVACY_CONTACT = "privacy@nocontact.example"
FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:no-contact-companion-skill"
CREDENTIAL_VARIABLES = (
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI", "NOCONTACT_SKILL_ID",
)  # fmt: skip


@pytest.fixture
def bare_machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory on a machine with no AWS configuration and an empty PATH."""
    for name in CREDENTIAL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("NOCONTACT_PRIVACY_CONTACT", PRIVACY_CONTACT)
    tools = tmp_path / "bin"
    tools.mkdir()
    monkeypatch.setenv("PATH", str(tools))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return tools


def install_sam(tools: Path) -> Path:
    """A `sam` on PATH that leaves a mark if anything runs it."""
    marker = tools / "sam-was-run"
    sam = tools / "sam"
    sam.write_text(f"#!/bin/sh\n: > {marker}\nexit 1\n", encoding="utf-8")
    sam.chmod(0o755)
    return marker


def deploy_error(*arguments: str) -> str:
    with pytest.raises(SystemExit) as stopped:
        main(["deploy", *arguments])
    return str(stopped.value.code)


def test_without_the_sam_cli_deploy_says_how_to_install_it(bare_machine: Path) -> None:
    message = deploy_error("--skill-id", SKILL_ID)

    assert message.startswith("nocontact deploy: `sam` is not on PATH; install the AWS SAM CLI")


def test_without_aws_credentials_deploy_stops_before_running_sam(bare_machine: Path) -> None:
    marker = install_sam(bare_machine)

    message = deploy_error("--skill-id", SKILL_ID, "--region", "us-east-1")

    assert "no AWS credentials found; run `aws configure`" in message
    assert not marker.exists()


def test_without_a_region_deploy_asks_for_one(
    bare_machine: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = install_sam(bare_machine)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")

    message = deploy_error("--skill-id", SKILL_ID)

    assert "no AWS region set; pass --region" in message
    assert not marker.exists()


def test_without_a_skill_id_deploy_says_to_create_the_skill_first(bare_machine: Path) -> None:
    message = deploy_error("--dry-run")

    assert "no skill id; create the skill first" in message
    assert "ask deploy" in message


def test_a_malformed_skill_id_is_refused_with_its_expected_shape(bare_machine: Path) -> None:
    message = deploy_error("--skill-id", "my-skill", "--dry-run")

    assert "'my-skill' is not a skill id; it looks like amzn1.ask.skill.<uuid>" in message


def test_the_skill_id_saved_by_ask_deploy_is_used(
    bare_machine: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    states = {"askcliStatesVersion": "2020-03-31", "profiles": {"default": {"skillId": SKILL_ID}}}
    Path(".ask").mkdir()
    Path(".ask/ask-states.json").write_text(json.dumps(states), encoding="utf-8")

    assert main(["deploy", "--dry-run"]) == 0

    assert f"SkillId={SKILL_ID}" in capsys.readouterr().out


def test_a_dry_run_prints_every_step_in_order_and_changes_nothing(
    bare_machine: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = sorted(Path.cwd().rglob("*"))

    main(["deploy", "--skill-id", SKILL_ID, "--region", "eu-west-1", "--dry-run"])

    steps = capsys.readouterr().out.splitlines()
    expected = [
        "-m scripts.cli model --out skill-package",
        "Would build dist/lambda.zip",
        f"Would run: sam deploy --template-file {TEMPLATE} --stack-name no-contact-companion",
        "Would run: sam list stack-outputs --stack-name no-contact-companion --output json",
        "-m scripts.cli build --store 's3://<BucketName>'",
        "Would publish the privacy policy to s3://<BucketName>/privacy.html",
        "-m scripts.cli model --out skill-package --endpoint '<FunctionArn>' "
        "--privacy-policy-url '<AudioBaseUrl>/privacy.html'",
    ]
    assert len(steps) == len(expected)
    for step, part in zip(steps, expected, strict=True):
        assert part in step
    assert f"--parameter-overrides SkillId={SKILL_ID} NamePrefix=no-contact-companion" in steps[2]
    assert steps[2].endswith("--region eu-west-1")
    assert sorted(Path.cwd().rglob("*")) == before


def test_without_a_privacy_contact_deploy_stops_before_anything_runs(
    bare_machine: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NOCONTACT_PRIVACY_CONTACT")
    marker = install_sam(bare_machine)

    message = deploy_error("--skill-id", SKILL_ID, "--region", "us-east-1")

    assert "--privacy-contact" in message
    assert not marker.exists()


def test_a_privacy_contact_no_one_can_use_is_refused(bare_machine: Path) -> None:
    message = deploy_error("--skill-id", SKILL_ID, "--privacy-contact", "nobody", "--dry-run")

    assert "e-mail address or an https:// page" in message


def test_skip_audio_leaves_the_bucket_alone(
    bare_machine: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["deploy", "--skill-id", SKILL_ID, "--skip-audio", "--dry-run"])

    assert "build --store" not in capsys.readouterr().out


def test_stack_outputs_are_read_from_sam_and_a_missing_one_is_named() -> None:
    rows = [
        {"OutputKey": "AudioBaseUrl", "OutputValue": "https://d111.cloudfront.net"},
        {"OutputKey": "FunctionArn", "OutputValue": FUNCTION_ARN},
        {"OutputKey": "BucketName", "OutputValue": "audio-bucket"},
        {"OutputKey": "TableName", "OutputValue": "no-contact-companion-listening"},
    ]

    outputs = StackOutputs.from_sam(json.dumps(rows))

    assert outputs == StackOutputs(
        audio_base_url="https://d111.cloudfront.net",
        function_arn=FUNCTION_ARN,
        bucket_name="audio-bucket",
        table_name="no-contact-companion-listening",
    )
    with pytest.raises(DeployError, match="'FunctionArn'"):
        StackOutputs.from_sam(json.dumps([r for r in rows if r["OutputKey"] != "FunctionArn"]))


def test_a_stack_name_that_cannot_prefix_resource_names_is_refused(bare_machine: Path) -> None:
    message = deploy_error("--skill-id", SKILL_ID, "--stack-name", "My_Stack", "--dry-run")

    assert "stack name 'My_Stack' must be 3 to 41 lower-case letters" in message


def test_another_stack_name_also_names_its_resources(
    bare_machine: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["deploy", "--skill-id", SKILL_ID, "--stack-name", "ncc-staging", "--dry-run"])

    assert "NamePrefix=ncc-staging" in capsys.readouterr().out


def test_a_python_without_the_audio_stack_stops_before_sam_runs(
    bare_machine: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = install_sam(bare_machine)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec",
        lambda name, *rest: None if name == "piper" else real_find_spec(name, *rest),
    )

    message = deploy_error("--skill-id", SKILL_ID, "--region", "us-east-1")

    assert "cannot build the audio (piper missing)" in message and "--skip-audio" in message
    assert not marker.exists()


@pytest.mark.slow  # nocontact model twice and the Lambda bundle, as real processes
def test_a_deployment_runs_every_step_publishes_the_policy_and_names_both_in_skill_json(
    bare_machine: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    capsys: pytest.CaptureFixture[str], make_bucket: Any, s3_client: Any, moto_endpoint: str,
) -> None:
    calls = tmp_path / "sam-calls"
    s3_bucket = make_bucket()
    outputs = [
        {"OutputKey": "AudioBaseUrl", "OutputValue": "https://d111.cloudfront.net"},
        {"OutputKey": "FunctionArn", "OutputValue": FUNCTION_ARN},
        {"OutputKey": "BucketName", "OutputValue": s3_bucket},
        {"OutputKey": "TableName", "OutputValue": "no-contact-companion-listening"},
    ]
    sam = bare_machine / "sam"
    sam.write_text(
        f"#!/bin/sh\necho \"$1 $2\" >> {calls}\n"
        f"[ \"$1\" = list ] && echo '{json.dumps(outputs)}'\nexit 0\n",
        encoding="utf-8",
    )
    sam.chmod(0o755)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", moto_endpoint)
    bundle = tmp_path / "lambda.zip"
    monkeypatch.setattr("scripts.deploy.BUNDLE", bundle)
    package = tmp_path / "skill-package"

    main(["deploy", "--skill-id", SKILL_ID, "--region", "us-east-1", "--skip-audio",
          "--skill-package", str(package)])

    assert calls.read_text(encoding="utf-8").splitlines() == ["deploy --template-file",
                                                               "list stack-outputs"]
    assert bundle.is_file()
    assert package_endpoint(package / "skill.json") == FUNCTION_ARN
    assert package_privacy_policy_url(package / "skill.json") == (
        "https://d111.cloudfront.net/privacy.html")
    policy = s3_client.get_object(Bucket=s3_bucket, Key="privacy.html")
    assert policy["ContentType"] == "text/html; charset=utf-8"
    assert PRIVACY_CONTACT in policy["Body"].read().decode("utf-8")
    assert f"Function: {FUNCTION_ARN}" in capsys.readouterr().out


def test_an_alarm_email_becomes_the_templates_parameter(
    bare_machine: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from cfnlint.api import decode_str

    template, _ = decode_str(TEMPLATE.read_text(encoding="utf-8"))
    pattern = template["Parameters"]["AlarmEmail"]["AllowedPattern"]
    main(["deploy", "--skill-id", SKILL_ID, "--alarm-email", "ops@nocontact.example",
          "--dry-run"])
    monkeypatch.setenv("NOCONTACT_ALARM_EMAIL", "night@nocontact.example")
    main(["deploy", "--skill-id", SKILL_ID, "--dry-run"])

    sam = [line for line in capsys.readouterr().out.splitlines() if "sam deploy" in line]
    assert "NamePrefix=no-contact-companion AlarmEmail=ops@nocontact.example" in sam[0]
    assert "AlarmEmail=night@nocontact.example" in sam[1]
    assert re.fullmatch(pattern, "ops@nocontact.example")


def test_without_an_alarm_email_the_template_keeps_its_default(
    bare_machine: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["deploy", "--skill-id", SKILL_ID, "--dry-run"])

    assert "AlarmEmail" not in capsys.readouterr().out


def test_an_alarm_email_sns_cannot_use_is_refused_before_anything_runs(bare_machine: Path) -> None:
    marker = install_sam(bare_machine)

    message = deploy_error("--skill-id", SKILL_ID, "--alarm-email", "ops at example")

    assert "'ops at example' is not an e-mail address; pass --alarm-email" in message
    assert not marker.exists()
