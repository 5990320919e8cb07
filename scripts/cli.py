"""The `nocontact` command: a thin layer over the library, one module per command."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

# Each module defines `register(subparsers)`, which adds its parser and sets `handler`,
# a function taking the parsed arguments and returning the exit code.
COMMAND_MODULES = (
    "scripts.guide",
    "scripts.export_model",
    "scripts.build_audio",
    "scripts.check_audio",
    "scripts.feed",
    "scripts.serve",
    "scripts.deploy",
    "scripts.preflight",
    "scripts.stats",
    "scripts.evaluate",
    "scripts.say",
    "scripts.run",
)


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser with every command registered."""
    parser = argparse.ArgumentParser(
        prog="nocontact",
        description="No Contact Companion: narrate the guide, build the skill, talk to it.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="Show debug logging.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the process exit code."""
    try:
        args = build_parser().parse_args(argv)
        logging.basicConfig(
            level=logging.DEBUG if args.verbose else logging.INFO,
            format="%(levelname)s %(name)s: %(message)s",
            stream=sys.stderr,
        )
        return int(args.handler(args) or 0)
    except ModuleNotFoundError as error:
        # The skill's runtime alone installs this command; the tools need the extras.
        raise SystemExit(
            f"nocontact: {error.name} is not installed; install the project with its tools: "
            "pip install 'no-contact-companion[audio,web]' (make run does this in .venv)"
        ) from None


if __name__ == "__main__":
    sys.exit(main())
