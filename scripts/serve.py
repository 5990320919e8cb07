"""`nocontact serve`: run the skill as a local web service under waitress."""

from __future__ import annotations

import argparse
import dataclasses
import os
import socket
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from scripts.build_audio import DEFAULT_STORE

if TYPE_CHECKING:
    from skill.web.webservice import WebConfig

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
THREADS = 8
# waitress refuses bodies past this itself, before the app (in JSON: skill.web.wsgi_server);
# the app's own, smaller limit answers first when the request declares its length.
WAITRESS_MAX_BODY = 1024 * 1024
BANNER = "!" * 78
SIMULATOR_OFF = (
    "The simulator page is off: it drives the skill without Amazon's signature, so it is "
    "served only on a loopback --host without --public-url."
)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `serve` command."""
    parser = subparsers.add_parser(
        "serve",
        help="Run the skill as a local web service.",
        description=(
            "Serve the skill at POST /alexa (every request verified as Amazon requires), "
            "GET /healthz, the local audio store at GET /audio/<key> and, on a loopback "
            "address, the simulator page at GET /."
        ),
    )
    parser.add_argument(
        "--host", default=DEFAULT_HOST, help=f"Address to listen on (default: {DEFAULT_HOST})."
    )
    parser.add_argument(
        "--port", type=port_number, default=DEFAULT_PORT,
        help=f"Port to listen on; 0 picks a free one (default: {DEFAULT_PORT}).",
    )
    parser.add_argument(
        "--store", type=Path, default=Path(DEFAULT_STORE), metavar="DIR",
        help=f"Local audio store to serve at /audio and play from (default: {DEFAULT_STORE}).",
    )
    parser.add_argument(
        "--public-url", metavar="URL",
        help="This server's address as devices reach it, e.g. an HTTPS tunnel; clip URLs "
             "start with it, and the simulator page is off (default: http://HOST:PORT).",
    )
    parser.add_argument(
        "--no-verify", action="store_true",
        help="Accept requests that Amazon did not sign. For local testing only: refused "
             "with a public URL or a non-loopback --host.",
    )
    parser.add_argument(
        "--allow-any-skill", action="store_true",
        help="On a server others can reach (a public URL or a non-loopback --host), answer "
             "requests Amazon signed for any skill when NOCONTACT_SKILL_ID is not set; "
             "without it such a server refuses to start.",
    )
    parser.add_argument(
        "--no-simulator", action="store_true",
        help="Do not serve the simulator page, which drives the skill without Amazon's "
             "signature. It is served only on a loopback --host without --public-url.",
    )
    parser.set_defaults(handler=serve)


def port_number(text: str) -> int:
    """A TCP port for argparse: 0 to 65535."""
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0 to 65535)")
    return port


def serve(args: argparse.Namespace) -> int:
    """Serve until interrupted, configured by the options and the skill's environment."""
    from skill.runtime import SkillError

    try:
        config = web_config(args, os.environ)
    except SkillError as error:
        raise SystemExit(f"nocontact serve: {error}") from None
    return start(config)


def web_config(args: argparse.Namespace, environ: Mapping[str, str]) -> WebConfig:
    """The server's configuration; the simulator only where no one else can reach it.

    SkillError when the skill's environment is not usable.
    """
    from skill.runtime.config import SkillConfig
    from skill.web.webservice import WebConfig

    config = WebConfig(
        skill=SkillConfig.from_env(environ),
        host=args.host,
        port=args.port,
        store_dir=args.store,
        public_url=args.public_url,
        verify=not args.no_verify,
        allow_any_skill=args.allow_any_skill,
    )
    return dataclasses.replace(config, simulator=config.local_only and not args.no_simulator)


def start(config: WebConfig) -> int:
    """Bind, build the app for the bound address, and serve until interrupted.

    The app refuses, in one sentence, a way of serving that would let others around
    verification (skill.web.settings); then nothing is served.
    """
    from skill.runtime import SkillError
    from skill.web.webservice import NO_VERIFY_WARNING, create_app
    from skill.web.wsgi_server import create_server

    listener = _listen(config.host or DEFAULT_HOST, config.port)
    config = dataclasses.replace(config, port=listener.getsockname()[1])
    try:
        app = create_app(config)
    except SkillError as error:
        listener.close()
        raise SystemExit(f"nocontact serve: {error}") from None
    if not config.verify:
        print(f"{BANNER}\nWARNING: {NO_VERIFY_WARNING}\n{BANNER}", file=sys.stderr, flush=True)
    if config.simulator:
        _learn_the_model()
    server = create_server(
        app, listener, threads=THREADS, max_request_body_size=WAITRESS_MAX_BODY
    )
    _announce(config)
    try:
        server.run()  # waitress returns from run() on Ctrl+C
    finally:
        server.close()
    print("Stopped.", flush=True)
    return 0


def _learn_the_model() -> None:
    """Have the simulator's understanding of the first locale ready before the page is, so its
    first answer is quick: read from the cache, or learned once (a minute at most)."""
    from content import LOCALES
    from skill.simulator.simulation import understanding

    understanding(LOCALES[0])


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket, or a sentence saying why the address cannot be used."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family)
    except OSError as error:
        raise SystemExit(
            f"nocontact serve: cannot listen on {host}:{port} ({error.strerror or error}); "
            "choose another --port or --host"
        ) from None


def _announce(config: WebConfig) -> None:
    """Say where the server is, once it is accepting connections."""
    from audio.manifest import MANIFEST_KEY

    local = config.local_url
    # The page answers only loopback names (skill.web.settings), which exclude IPv6 literals.
    page = f"http://localhost:{config.port}" if ":" in (config.host or "") else local
    simulator = f", simulator at {page}/" if config.simulator else ""
    print(f"Serving the skill on {local}: POST /alexa, GET /healthz, GET /audio/<key>"
          f"{simulator}", flush=True)
    if not config.simulator and not config.local_only:
        print(SIMULATOR_OFF, flush=True)
    if config.store_dir is not None and not (config.store_dir / MANIFEST_KEY).is_file():
        print(f"No audio built in {config.store_dir} yet: sections are read aloud.", flush=True)
    elif config.public_url:
        print(f"Clips are announced at {config.base_url}/audio/.", flush=True)
    print("Press Ctrl+C to stop.", flush=True)
