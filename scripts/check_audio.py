"""`nocontact check`: verify a published audio store against its manifest."""

from __future__ import annotations

import argparse
import dataclasses
import json

from scripts.build_audio import add_store_options


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `check` command."""
    parser = subparsers.add_parser(
        "check",
        help="Verify a published audio store.",
        description=(
            "Check that every clip manifest.json lists is in the store with the recorded size "
            "and sha256, and meets Alexa's audio rules. Exits 1 and lists the problems otherwise."
        ),
    )
    add_store_options(parser)
    parser.add_argument(
        "--json", action="store_true", help="Print one JSON report instead of text."
    )
    parser.set_defaults(handler=check)


def check(args: argparse.Namespace) -> int:
    """Run the check; 0 when the store is sound, 1 when it has problems."""
    from audio.check import check_store
    from audio.errors import AudioError
    from audio.settings import RenderSettings
    from audio.stores import parse_store

    try:
        report = check_store(parse_store(args.store, args.endpoint_url), RenderSettings())
    except AudioError as error:
        raise SystemExit(f"nocontact check: {error}") from None
    if args.json:
        print(json.dumps({**dataclasses.asdict(report), "ok": report.ok}, indent=2))
    elif report.ok:
        print(f"{report.store}: {report.sections} sections, {report.clips} clips; all present, "
              "intact and within Alexa's audio rules.")
    else:
        problems = len(report.problems)
        print(f"{report.store}: {_count(problems, 'problem')} in {_count(report.clips, 'clip')}:")
        print("\n".join(f"  {problem}" for problem in report.problems))
    return 0 if report.ok else 1


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
