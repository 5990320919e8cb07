"""`nocontact serve`: run the skill as a local web service under waitress."""

from __future__ import annotations

import argparse
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from skill.webservice import WebConfig

DEFAULT_STORE = Path(".nocontact/audio")
THREADS = 8
# waitress refuses bodies past this itself; the app's own, smaller limit answers in JSON first.
WAITRESS_MAX_BODY = 1024 * 1024
BANNER = "!" * 78


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `serve` command."""
    parser = subparsers.add_parser(
        "serve",
        help="Run the skill as a local web service.",
        description=(
            "Serve the skill at POST /alexa (every request verified as Amazon requires), "
            "GET /healthz, the local audio store at GET /audio/<key> and the simulator page "
            "at GET /."
        ),
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="Address to listen on (default: 127.0.0.1)."
    )
    parser.add_argument(
        "--port", type=int, default=8000,
        help="Port to listen on; 0 picks a free one (default: 8000).",
    )
    parser.add_argument(
        "--store", type=Path, default=DEFAULT_STORE, metavar="DIR",
        help=f"Local audio store to serve at /audio and play from (default: {DEFAULT_STORE}).",
    )
    parser.add_argument(
        "--public-url", metavar="URL",
        help="This server's address as devices reach it, e.g. an HTTPS tunnel; clip URLs "
             "start with it (default: http://HOST:PORT).",
    )
    parser.add_argument(
        "--no-verify", action="store_true",
        help="Accept requests that Amazon did not sign. For local testing only.",
    )
    parser.add_argument(
        "--no-simulator", action="store_true",
        help="Do not serve the simulator page, which drives the skill without Amazon's "
             "signature; use it whenever the server is reachable by others.",
    )
    parser.set_defaults(handler=serve)


def serve(args: argparse.Namespace) -> int:
    """Bind, build the app for the bound address, and serve until interrupted."""
    import os

    import waitress

    from skill import SkillError
    from skill.config import SkillConfig
    from skill.webservice import NO_VERIFY_WARNING, WebConfig, create_app

    if args.no_verify:
        print(f"{BANNER}\nWARNING: {NO_VERIFY_WARNING}\n{BANNER}", file=sys.stderr, flush=True)
    listener = _listen(args.host, args.port)
    config = WebConfig(
        simulator=not args.no_simulator,
        skill=SkillConfig.from_env(os.environ),
        host=args.host,
        port=listener.getsockname()[1],
        store_dir=args.store,
        public_url=args.public_url,
        verify=not args.no_verify,
    )
    try:
        app = create_app(config)
    except SkillError as error:
        listener.close()
        raise SystemExit(f"nocontact serve: {error}") from None
    server = waitress.create_server(
        app, sockets=[listener], threads=THREADS, max_request_body_size=WAITRESS_MAX_BODY
    )
    _announce(config)
    try:
        server.run()  # waitress returns from run() on Ctrl+C
    finally:
        server.close()
    print("Stopped.", flush=True)
    return 0


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
    local = config.local_url
    print(f"Serving the skill on {local}: POST /alexa, GET /healthz, GET /audio/<key>, "
          f"simulator at {local}/", flush=True)
    if not (config.store_dir / "manifest.json").is_file():
        print(f"No audio built in {config.store_dir} yet: sections are read aloud.", flush=True)
    elif config.public_url:
        print(f"Clips are announced at {config.base_url}/audio/.", flush=True)
    print("Press Ctrl+C to stop.", flush=True)
