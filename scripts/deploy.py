"""`nocontact deploy`: the skill on AWS, then its package for the ASK CLI.

One run writes skill-package/ and the compiled guide from content/, packages the Lambda bundle,
deploys infra/template.yaml with the SAM CLI (audio bucket, CloudFront, the function, the
DynamoDB table, the dashboard and alarms), publishes the audio and the privacy policy into the
new bucket, and sets the function as the skill's endpoint and the policy's CloudFront address
as its privacy policy URL in skill-package/skill.json, ready for `ask deploy`.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from skill.exports.privacy_policy import PRIVACY_POLICY_KEY

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "infra" / "template.yaml"
BUNDLE = ROOT / "dist" / "lambda.zip"
DEFAULT_STACK = "no-contact-companion"
SKILL_ID = re.compile(r"^amzn1\.ask\.skill\.[0-9a-f-]+$")
# The privacy policy, published beside the audio and served by CloudFront.
POLICY_URL = f"<AudioBaseUrl>/{PRIVACY_POLICY_KEY}"
# The stack name also prefixes the function, table and log group (the template's NamePrefix).
STACK_NAME = re.compile(r"^[a-z][a-z0-9-]{2,40}$")
# The template's AlarmEmail pattern: an address SNS can send to, checked before anything runs.
ALARM_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# What the audio build imports: present in the project's virtualenv with the audio extra.
AUDIO_MODULES = ("piper", "pydub", "boto3", "imageio_ffmpeg")
INSTALL_HINTS = {
    "sam": "install the AWS SAM CLI: https://docs.aws.amazon.com/serverless-application-model/"
    "latest/developerguide/install-sam-cli.html",
    "ask": "install the ASK CLI with `npm install -g ask-cli`, then run `ask configure`",
}


class DeployError(RuntimeError):
    """A step of the deployment could not run; the message says what to do."""


@dataclass(frozen=True)
class DeployOptions:
    """What one deployment needs to know."""

    skill_id: str
    stack_name: str = DEFAULT_STACK
    region: str | None = None
    profile: str | None = None
    skill_package: Path = Path("skill-package")
    with_audio: bool = True
    # How listeners reach the operator about their data, printed in the privacy policy.
    privacy_contact: str = ""
    # Who the stack's alarms e-mail (the template's AlarmEmail); "" for no one yet.
    alarm_email: str = ""


@dataclass(frozen=True)
class StackOutputs:
    """The deployed stack's outputs the rest of the deployment uses."""

    audio_base_url: str
    function_arn: str
    bucket_name: str
    table_name: str

    @classmethod
    def from_sam(cls, text: str) -> StackOutputs:
        """Read `sam list stack-outputs --output json`."""
        try:
            values = {row["OutputKey"]: row["OutputValue"] for row in json.loads(text)}
            return cls(
                audio_base_url=values["AudioBaseUrl"],
                function_arn=values["FunctionArn"],
                bucket_name=values["BucketName"],
                table_name=values["TableName"],
            )
        except (ValueError, TypeError, KeyError) as error:
            raise DeployError(
                f"the stack's outputs are incomplete ({error}); check that the stack deployed "
                "infra/template.yaml, then run nocontact deploy again"
            ) from None


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `deploy` command."""
    parser = subparsers.add_parser(
        "deploy",
        help="Deploy the skill, its audio and its storage to AWS.",
        description="Package the Lambda bundle, deploy infra/template.yaml with the SAM CLI, "
        "publish the audio to the stack's bucket and write skill-package/ for `ask deploy`.",
    )
    parser.add_argument(
        "--skill-id",
        help="The Alexa skill id (amzn1.ask.skill...); default: $NOCONTACT_SKILL_ID, "
        "or the id `ask deploy` saved in .ask/ask-states.json.",
    )
    parser.add_argument("--stack-name", default=DEFAULT_STACK, help="CloudFormation stack name.")
    parser.add_argument("--region", help="AWS region; default: your AWS configuration's.")
    parser.add_argument("--profile", help="AWS named profile; default: your default credentials.")
    parser.add_argument(
        "--skill-package",
        type=Path,
        default=Path("skill-package"),
        help="Where to write the skill package for the ASK CLI.",
    )
    parser.add_argument(
        "--privacy-contact",
        help="An e-mail address or https:// page where listeners can ask about their data, "
        "printed in the privacy policy deploy publishes; default: $NOCONTACT_PRIVACY_CONTACT.",
    )
    parser.add_argument(
        "--alarm-email",
        help="An e-mail address the stack's alarms (error rate, slow answers, throttles) tell; "
        "Amazon SNS asks it to confirm first. Default: $NOCONTACT_ALARM_EMAIL, else none.",
    )
    parser.add_argument(
        "--skip-audio",
        action="store_true",
        help="Deploy the skill only; leave the audio in the bucket as it is.",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="Print each step instead of running it."
    )
    parser.set_defaults(handler=deploy_command)


def deploy_command(args: argparse.Namespace) -> int:
    """Run the deployment, or print its plan; a failed step becomes one sentence."""
    try:
        options = DeployOptions(
            skill_id=resolve_skill_id(args.skill_id, os.environ, Path(".ask/ask-states.json")),
            stack_name=check_stack_name(args.stack_name),
            region=args.region,
            profile=args.profile,
            skill_package=args.skill_package,
            with_audio=not args.skip_audio,
            privacy_contact=resolve_privacy_contact(args.privacy_contact, os.environ),
            alarm_email=resolve_alarm_email(args.alarm_email, os.environ),
        )
        if args.dry_run:
            for step in plan(options):
                print(f"Would {step}")
        else:
            deploy(options)
    except DeployError as error:
        raise SystemExit(f"nocontact deploy: {error}") from None
    return 0


def resolve_skill_id(given: str | None, environ: Mapping[str, str], ask_states: Path) -> str:
    """The skill id from the option, the environment or the ASK CLI's saved state."""
    skill_id = given or environ.get("NOCONTACT_SKILL_ID") or _saved_skill_id(ask_states)
    if not skill_id:
        raise DeployError(
            "no skill id; create the skill first (nocontact model --out skill-package, then "
            "ask deploy) or pass its id with --skill-id"
        )
    if not SKILL_ID.match(skill_id):
        raise DeployError(
            f"{skill_id!r} is not a skill id; it looks like amzn1.ask.skill.<uuid> "
            "(the Alexa developer console shows it under the skill's name)"
        )
    return skill_id


def resolve_privacy_contact(given: str | None, environ: Mapping[str, str]) -> str:
    """The operator's contact for the privacy policy, from the option or the environment."""
    from skill.exports.privacy_policy import check_contact

    contact = given or environ.get("NOCONTACT_PRIVACY_CONTACT", "")
    if not contact.strip():
        raise DeployError(
            "the privacy policy needs a contact; pass --privacy-contact with an e-mail address "
            "or https:// page where listeners can ask about their data (or set "
            "NOCONTACT_PRIVACY_CONTACT)"
        )
    try:
        return check_contact(contact)
    except ValueError as error:
        raise DeployError(str(error)) from None


def resolve_alarm_email(given: str | None, environ: Mapping[str, str]) -> str:
    """The address the alarms tell, from the option or the environment; "" for none."""
    address = (given or environ.get("NOCONTACT_ALARM_EMAIL", "")).strip()
    if address and not ALARM_EMAIL.fullmatch(address):
        raise DeployError(
            f"{address!r} is not an e-mail address; pass --alarm-email with one, or leave it "
            "out and subscribe to the stack's AlarmTopic later"
        )
    return address


def check_stack_name(name: str) -> str:
    """The stack name, if it can also prefix the stack's resource names."""
    if not STACK_NAME.match(name):
        raise DeployError(
            f"stack name {name!r} must be 3 to 41 lower-case letters, digits and hyphens, "
            "starting with a letter; it also names the function and the table"
        )
    return name


def _saved_skill_id(ask_states: Path) -> str | None:
    try:
        states = json.loads(ask_states.read_text(encoding="utf-8"))
        return states["profiles"]["default"]["skillId"] or None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def plan(options: DeployOptions) -> list[str]:
    """The deployment's steps in order, as a dry run prints them."""
    audio = [f"run: {shlex.join(audio_command('<BucketName>'))}"] if options.with_audio else []
    return [
        f"run: {shlex.join(model_command(options.skill_package))}",
        f"build {BUNDLE.relative_to(ROOT)} with the skill's runtime dependencies",
        f"run: {shlex.join(sam_deploy_command(options))}",
        f"run: {shlex.join(sam_outputs_command(options))}",
        *audio,
        f"publish the privacy policy to s3://<BucketName>/{PRIVACY_POLICY_KEY}",
        f"run: {shlex.join(model_command(options.skill_package, '<FunctionArn>', POLICY_URL))}",
    ]


def deploy(options: DeployOptions) -> None:
    """Every step in order: the skill package and compiled guide first, so the bundle carries
    the current guide; then the bundle, the stack, the audio and the endpoint. Everything a
    step needs is checked before the first one runs."""
    require_tool("sam")
    require_credentials(options.profile, options.region)
    if options.with_audio:
        require_audio_extra()
    run(model_command(options.skill_package), options)
    package_bundle()
    run(sam_deploy_command(options), options)
    outputs = StackOutputs.from_sam(run(sam_outputs_command(options), options, capture=True))
    if options.with_audio:
        run(audio_command(outputs.bucket_name), options)
    policy_url = publish_privacy_policy(outputs, options)
    run(model_command(options.skill_package, outputs.function_arn, policy_url), options)
    _report(outputs, options)


def publish_privacy_policy(outputs: StackOutputs, options: DeployOptions) -> str:
    """Write the privacy policy into the audio bucket; returns its CloudFront address."""
    import boto3

    from audio.errors import AudioError
    from audio.stores import S3Store
    from content import default_guide
    from skill.exports.privacy_policy import privacy_policy_html

    page = privacy_policy_html(default_guide(), options.privacy_contact).encode("utf-8")
    session = boto3.Session(profile_name=options.profile, region_name=options.region)
    store = S3Store(outputs.bucket_name, client=session.client("s3"))
    print(f"$ publish {store.uri(PRIVACY_POLICY_KEY)}", flush=True)
    try:
        store.put(PRIVACY_POLICY_KEY, page, content_type="text/html; charset=utf-8",
                  cache_control="no-cache")
    except AudioError as error:
        raise DeployError(f"{error}; run nocontact deploy again") from None
    return f"{outputs.audio_base_url.rstrip('/')}/{PRIVACY_POLICY_KEY}"


def require_tool(name: str) -> None:
    """A DeployError saying how to install the tool, unless it is on PATH."""
    if shutil.which(name) is None:
        raise DeployError(f"`{name}` is not on PATH; {INSTALL_HINTS[name]}")


def require_audio_extra() -> None:
    """A DeployError unless this Python can narrate the audio (the project's audio extra)."""
    missing = [name for name in AUDIO_MODULES if importlib.util.find_spec(name) is None]
    if missing:
        raise DeployError(
            f"this Python cannot build the audio ({', '.join(missing)} missing); run "
            "`make test` (or pip install -e '.[dev]') and use .venv/bin/nocontact, "
            "or pass --skip-audio"
        )


def require_credentials(profile: str | None, region: str | None) -> None:
    """Fail early, without calling AWS, when no credentials or no region are configured."""
    import boto3
    from botocore.exceptions import BotoCoreError

    try:
        session = boto3.Session(profile_name=profile, region_name=region)
        credentials = session.get_credentials()
    except BotoCoreError as error:
        raise DeployError(f"cannot read your AWS configuration: {error}") from None
    if credentials is None:
        raise DeployError(
            "no AWS credentials found; run `aws configure` (or `aws sso login`), "
            "or set AWS_PROFILE, then try again"
        )
    if session.region_name is None:
        raise DeployError("no AWS region set; pass --region, e.g. --region us-east-1")


def package_bundle() -> None:
    """Build dist/lambda.zip, failing over the size limit."""
    from scripts.package_lambda import PackageError, build_bundle, check_size

    try:
        bundle = build_bundle(BUNDLE)
        print(bundle.describe())
        check_size(bundle)
    except PackageError as error:
        raise DeployError(str(error)) from None


def sam_deploy_command(options: DeployOptions) -> list[str]:
    """`sam deploy` of infra/template.yaml with the skill id."""
    return [
        "sam", "deploy", "--template-file", str(TEMPLATE), "--stack-name", options.stack_name,
        "--capabilities", "CAPABILITY_IAM", "--resolve-s3", "--no-confirm-changeset",
        "--no-fail-on-empty-changeset", "--parameter-overrides", f"SkillId={options.skill_id}",
        f"NamePrefix={options.stack_name}",
        *([f"AlarmEmail={options.alarm_email}"] if options.alarm_email else []),
        *_aws_options(options),
    ]  # fmt: skip


def sam_outputs_command(options: DeployOptions) -> list[str]:
    """`sam list stack-outputs` as JSON."""
    return [
        "sam", "list", "stack-outputs", "--stack-name", options.stack_name,
        "--output", "json", *_aws_options(options),
    ]  # fmt: skip


def audio_command(bucket: str) -> list[str]:
    """`nocontact build` into the stack's bucket."""
    return [sys.executable, "-m", "scripts.cli", "build", "--store", f"s3://{bucket}"]


def model_command(
    skill_package: Path, endpoint: str | None = None, privacy_policy_url: str | None = None
) -> list[str]:
    """`nocontact model`: skill.json (with the endpoint and the privacy policy's address,
    when given), the interaction models and skill/runtime/guidebook.json."""
    command = [sys.executable, "-m", "scripts.cli", "model", "--out", str(skill_package)]
    if endpoint:
        command += ["--endpoint", endpoint]
    if privacy_policy_url:
        command += ["--privacy-policy-url", privacy_policy_url]
    return command


def _aws_options(options: DeployOptions) -> list[str]:
    region = ["--region", options.region] if options.region else []
    profile = ["--profile", options.profile] if options.profile else []
    return [*region, *profile]


def run(command: Sequence[str], options: DeployOptions, *, capture: bool = False) -> str:
    """Run one step, printing it first; its output goes to the terminal unless captured."""
    print(f"$ {shlex.join(command)}", flush=True)
    environment = dict(os.environ)
    if options.region:
        environment["AWS_REGION"] = environment["AWS_DEFAULT_REGION"] = options.region
    if options.profile:
        environment["AWS_PROFILE"] = options.profile
    result = subprocess.run(
        command, env=environment, capture_output=capture, text=True, check=False
    )
    if result.returncode != 0:
        detail = f": {result.stderr.strip()}" if capture and result.stderr else ""
        step = command[:5] if command[0] == sys.executable else command[:3]
        raise DeployError(
            f"`{shlex.join(step)}` failed (exit {result.returncode}){detail}; "
            "fix what it reported and run nocontact deploy again"
        )
    return result.stdout or ""


def _report(outputs: StackOutputs, options: DeployOptions) -> None:
    print(f"Audio:    {outputs.audio_base_url}")
    print(f"Function: {outputs.function_arn}")
    print(f"Bucket:   {outputs.bucket_name}")
    print(f"Table:    {outputs.table_name}")
    if shutil.which("ask") is None:
        print(f"Next: {INSTALL_HINTS['ask']}; then run `ask deploy` here.")
    else:
        print(f"Next: run `ask deploy` here to send {options.skill_package}/ to Alexa.")
