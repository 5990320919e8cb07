"""`nocontact run`: the main job on the embedded defaults, what `make run` does.

Narrate the guide with the offline voice into the local store, then serve the skill with the
simulator page and a local listening-position database.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

from scripts.serve import DEFAULT_PORT, port_number, start, web_config

if TYPE_CHECKING:
    from skill.web.webservice import WebConfig

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
        "--port", type=port_number, default=DEFAULT_PORT,
        help=f"Port for the local server (default: {DEFAULT_PORT}).",
    )
    parser.add_argument(
        "--build-only", action="store_true", help="Build the audio, then stop without serving."
    )
    parser.add_argument(
        "--captions", action="store_true",
        help="Caption every clip (nocontact build --captions), so the simulator shows them.",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Check the server's configuration, build, then serve until interrupted."""
    from scripts.cli import build_parser
    from skill.runtime import SkillError

    parser = build_parser()
    serve_args = parser.parse_args(["serve", "--port", str(args.port)])
    try:
        config = None if args.build_only else serve_config(serve_args, os.environ)
    except SkillError as error:
        raise SystemExit(f"nocontact run: {error}") from None
    build = parser.parse_args(["build", *(["--captions"] if args.captions else [])])
    status = build.handler(build)
    if status or config is None:
        return status
    return start(config)


def serve_config(serve_args: argparse.Namespace, environ: Mapping[str, str]) -> WebConfig:
    """`nocontact serve`'s configuration, keeping listening positions in a local database."""
    config = web_config(serve_args, environ)
    if config.skill.persistence is not None:
        return config
    skill = dataclasses.replace(config.skill, persistence=DEFAULT_PERSISTENCE)
    return dataclasses.replace(config, skill=skill)
