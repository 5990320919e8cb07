"""`nocontact preflight`: the certification checks that can run before submitting the skill.

A thin layer over skill.preflight: it reads the skill package, builds the skill in this process
(with the local audio store's manifest when there is one), runs every check, and with
--skill-id runs Amazon's own validations through SMAPI and prints them beside the rest.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from skill.preflight.findings import Finding

DEFAULT_STORE = Path(".nocontact/audio")
# Clip URLs in the answers need a host; none is fetched.
PREFLIGHT_AUDIO_BASE_URL = "https://audio.preflight.nocontact"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `preflight` command."""
    parser = subparsers.add_parser(
        "preflight",
        help="Check the skill against Amazon's certification before submitting it.",
        description="Run every check Amazon's certification and functional tests make that can "
        "run before submitting: example phrases, invocation name, intents and their handlers "
        "and tests, help, stop and cancel, reprompts, the health disclaimer, crisis lines, "
        "Alexa's size limits, the privacy policy, icons and the audio rules. Exits 1 when "
        "any check fails; each failure says what to fix.",
    )
    parser.add_argument("--skill-package", type=Path, default=Path("skill-package"),
                        help="The skill package to check (default: ./skill-package).")
    parser.add_argument("--skill-id", help="Also run Amazon's own validations for this skill "
                        "through SMAPI (credentials as the ASK CLI keeps them).")
    parser.add_argument("--stage", default="development", choices=("development", "live"),
                        help="The skill stage Amazon validates (default: development).")
    parser.add_argument("--store", help="The audio store to check (a folder or "
                        "s3://bucket/prefix; default: .nocontact/audio when it has been built).")
    parser.add_argument("--tests", type=Path, help="The tests folder every intent must be "
                        "named in (default: ./tests when there is one).")
    parser.add_argument("--locale", action="append", help="Check only this locale (repeat for "
                        "more; default: every locale of the package). Certification checks them "
                        "all.")
    parser.set_defaults(handler=preflight)


def preflight(args: argparse.Namespace) -> int:
    """Run the checks, print one line each, and exit 1 when any failed."""
    from skill.preflight.package import PackageError, read_package
    from skill.preflight.runner import Report, check_audio, check_package, check_skill
    from skill.runtime.guidebook import load_guidebook

    try:
        package = read_package(args.skill_package)
        if args.locale:
            package = package.only(args.locale)
    except PackageError as error:
        raise SystemExit(f"nocontact preflight: {error}") from None
    guidebook = load_guidebook()
    store = args.store or (str(DEFAULT_STORE) if (DEFAULT_STORE / "manifest.json").is_file()
                           else None)
    tests = args.tests or (Path("tests") if Path("tests").is_dir() else None)
    findings = _printed(check_package(package, guidebook, tests))
    print(f"Asking the skill everything in {len(package.models)} locales, and resolving the "
          "example phrases with the simulator...", file=sys.stderr)
    findings += _printed(check_skill(package, guidebook, _skill_transport(store)))
    findings += _printed(check_audio(store, _audio_problems))
    if args.skill_id:
        findings += _printed(_amazon(args.skill_id, args.stage, list(package.listings)))
    report = Report(tuple(findings))
    failures = sum(f.failed for f in report.findings)
    scope = f" in {', '.join(args.locale)} only" if args.locale else ""
    print(f"{'Ready to submit' if report.ok else f'{failures} to fix before submitting'}: "
          f"{len(report.findings)} checks{scope}.")
    return 0 if report.ok else 1


def _printed(findings: list[Finding]) -> list[Finding]:
    """Print each finding's line as its checks finish, and pass them on."""
    for finding in findings:
        print(finding.line(), flush=True)
    return findings


def _skill_transport(store: str | None):
    """The skill in this process: playing the local store's clips when it has a manifest."""
    from skill.runtime.builder import build_skill
    from skill.runtime.config import SkillConfig
    from skill.simulator.transports import in_process

    manifest = Path(store) / "manifest.json" if store and "://" not in store else None
    config = (SkillConfig(manifest=str(manifest), audio_base_url=PREFLIGHT_AUDIO_BASE_URL)
              if manifest and manifest.is_file() else SkillConfig())
    return in_process(build_skill(config))


def _audio_problems(store: str) -> list[str]:
    from audio.check import check_store
    from audio.errors import AudioError
    from audio.settings import RenderSettings
    from audio.stores import parse_store

    try:
        return [str(p) for p in check_store(parse_store(store), RenderSettings()).problems]
    except AudioError as error:
        return [str(error)]


def _amazon(skill_id: str, stage: str, locales: list[str]) -> list:
    from skill.preflight.amazon import amazon_findings
    from skill.preflight.findings import Finding, Status
    from skill.smapi import SmapiError
    from skill.smapi.client import smapi_from_environment
    from skill.smapi.credentials import read_credentials
    from skill.smapi.validation import run_validations

    try:
        smapi = smapi_from_environment(read_credentials(os.environ), os.environ)
        return amazon_findings(run_validations(smapi, skill_id, locales, stage=stage))
    except SmapiError as error:
        return [Finding("Amazon's validations", Status.FAIL, str(error))]
