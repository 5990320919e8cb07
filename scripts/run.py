"""`nocontact run`: the main job on the embedded defaults, what `make run` does.

Narrate the guide with the offline voice into the local store, then serve the skill with the
simulator page and a local listening-position database.
"""

from __future__ import annotations

import argparse
import os

DEFAULT_PERSISTENCE = "sqlite:.nocontact/listening.sqlite3"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `run` command."""
    parser = subparsers.add_parser(
        "run",
        help="Build the audio with the offline voice, then serve the skill and its simulator.",
        description=(
            "Narrate the guide into the local store (only what changed), then serve the skill "
            "locally with the simulator page. Equivalent to `nocontact build` followed by "
            "`nocontact serve`."
        ),
    )
    parser.add_argument(
        "--port", default="8000", help="Port for the local server (default: 8000)."
    )
    parser.add_argument(
        "--build-only", action="store_true", help="Build the audio, then stop without serving."
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Build, then serve until interrupted."""
    from scripts.cli import build_parser

    parser = build_parser()
    build = parser.parse_args(["build"])
    status = build.handler(build)
    if status or args.build_only:
        return status
    os.environ.setdefault("NOCONTACT_PERSISTENCE", DEFAULT_PERSISTENCE)
    serve = parser.parse_args(["serve", "--port", args.port])
    return serve.handler(serve)
