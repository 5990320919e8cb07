"""`nocontact say`: talk to the skill as a device would, and read what Alexa would say."""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from content import LOCALES
from scripts.build_audio import DEFAULT_STORE
from scripts.serve import DEFAULT_HOST, DEFAULT_PORT
from skill.runtime.intents import REMINDERS_SCOPE
from skill.simulator.device import EVENTS
from skill.simulator.envelopes import DEVICES

if TYPE_CHECKING:
    from skill.simulator.device import DeviceState, Exchange, SimulatedDevice
    from skill.simulator.simulation import Simulation
    from skill.simulator.transcript import Segment, Turn

INTERACTIVE_HELP = (
    "Type what you would say to Alexa. Device buttons: /play /pause /next /previous; "
    "/finished plays the current clip to its end; /quit (or Ctrl-D) leaves."
)
# Permissions `--grant` can mark as given, by a short name.
GRANTS = {"reminders": REMINDERS_SCOPE}
_WIDTH = 88
_CARD_WIDTH = 2 * _WIDTH  # a card repeats the section's text: two lines are enough to see it


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `say` command."""
    parser = subparsers.add_parser(
        "say",
        help="Talk to the skill without a device and read what Alexa would say.",
        description=(
            "Resolve an utterance against the skill's interaction model, send it to the skill "
            "as a device's request, and print the answer: speech as text, clips by title and "
            "URL, the reprompt, card and directives. With no utterance, start a conversation "
            "in the terminal."
        ),
    )
    parser.add_argument("utterance", nargs="*", help='What you would say, e.g. "help with guilt".')
    parser.add_argument(
        "--store", type=Path, default=Path(DEFAULT_STORE), metavar="DIR",
        help=f"Local audio store whose manifest the skill plays from (default: {DEFAULT_STORE}).",
    )
    parser.add_argument(
        "--session", type=Path, metavar="FILE",
        help="Keep the conversation in FILE across calls: the session, its attributes and the "
             "player. Saved listening positions go in FILE.sqlite beside it.",
    )
    parser.add_argument(
        "--new", action="store_true", help="Start a new conversation in --session FILE."
    )
    parser.add_argument("--json", action="store_true", help="Print each raw request and response.")
    parser.add_argument(
        "--device", choices=tuple(DEVICES), default=None,
        help="The device for a new conversation: a speaker with AudioPlayer (echo, the default), "
             "one with a screen (echo-show), or the Alexa app's text box (app-text-only).",
    )
    parser.add_argument(
        "--locale", choices=LOCALES, default=None,
        help="Locale of a new conversation (default: en-US).",
    )
    parser.add_argument(
        "--event", choices=EVENTS,
        help="Instead of speaking: press a device button, or report the clip finished or failed.",
    )
    parser.add_argument(
        "--url", metavar="URL",
        help="Send requests over HTTP to a running `nocontact serve` or `make run` (e.g. "
             "http://127.0.0.1:8000) instead of running the skill in this process. On this "
             "machine they go to the simulator page's own route, which needs no signature.",
    )
    parser.add_argument(
        "--api-endpoint", metavar="URL",
        help="The apiEndpoint requests name, where the skill reaches Alexa's Reminders and "
             "Settings APIs (default: the simulator answers them itself; e.g. another stand-in "
             "at http://127.0.0.1:9000); each request carries this conversation's "
             "apiAccessToken.",
    )
    parser.add_argument(
        "--grant", action="append", choices=tuple(GRANTS), default=[],
        help="Mark a permission as granted in context.System.user.permissions "
             "(reminders: alexa::alerts:reminders:skill:readwrite); may be repeated.",
    )
    parser.set_defaults(handler=say)


def say(args: argparse.Namespace) -> int:
    """One utterance or event, or an interactive conversation; the session file is kept."""
    with _skill_warnings_shown(args.verbose):
        return _say(args)


@contextmanager
def _skill_warnings_shown(shown: bool) -> Iterator[None]:
    """The skill's own warnings (an API that failed) are for operators, and its answer already
    says what happened: in the terminal they show with -v only."""
    logger = logging.getLogger("skill")
    level = logger.level
    if not shown:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _say(args: argparse.Namespace) -> int:
    from skill.runtime import SkillError

    utterance = " ".join(args.utterance).strip()
    if args.utterance and not utterance:
        raise SystemExit(
            'nocontact say: the utterance is empty; say something, e.g. nocontact say "help '
            'with guilt", or give no utterance at all to talk in the terminal'
        )
    if utterance and args.event:
        raise SystemExit("nocontact say: give an utterance or --event, not both")
    try:
        simulation = _simulation(args)
        device = simulation.device(_with_apis(_load_state(args, simulation), args))
        if not utterance and not args.event:
            return _converse(device, simulation, args)
        exchanges = device.act(args.event) if args.event else device.say(utterance)
    except SkillError as error:
        raise SystemExit(f"nocontact say: {error}") from None
    _save_state(args.session, device.state)
    _show(exchanges, simulation, args.json)
    return 0


def _simulation(args: argparse.Namespace) -> Simulation:
    """The skill to talk to: over HTTP, or built here to play the store's clips.

    Requests carry NOCONTACT_SKILL_ID when it is set, as `nocontact serve` expects them to.
    Built here, the skill is configured as `nocontact serve` would configure it by default.
    """
    import os

    from audio.manifest import MANIFEST_KEY
    from skill.runtime.config import SkillConfig
    from skill.simulator.api_server import shared_alexa
    from skill.simulator.simulation import Simulation, clip_index
    from skill.simulator.transports import in_process, over_http
    from skill.web.settings import WebConfig

    clips = clip_index(args.store)
    configured = SkillConfig.from_env(os.environ)
    apis = shared_alexa()
    if args.url:
        return Simulation(send=over_http(args.url), clips=clips, skill_id=configured.skill_id,
                          apis=apis)
    from skill.runtime.builder import build_skill

    persistence = f"sqlite:{args.session}.sqlite" if args.session else None
    local = WebConfig(
        skill=dataclasses.replace(configured, persistence=persistence),
        host=DEFAULT_HOST,
        port=DEFAULT_PORT,
        store_dir=args.store,
    )
    config = local.skill_config()
    if not (args.store / MANIFEST_KEY).is_file():
        print(
            f"No audio in {args.store} (build it with `nocontact build`); "
            "the skill speaks text only.",
            file=sys.stderr,
        )
        config = dataclasses.replace(config, manifest=None)
    skill = build_skill(config)
    return Simulation(send=in_process(skill), clips=clips, skill_id=skill.skill_id, apis=apis)


def _load_state(args: argparse.Namespace, simulation: Simulation) -> DeviceState:
    from skill.simulator.simulation import state_from_json

    device, locale = args.device or "echo", args.locale or LOCALES[0]
    if args.session is None or args.new or not args.session.exists():
        return simulation.new_state(device, locale)
    try:
        state = state_from_json(args.session.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise SystemExit(
            f"nocontact say: {args.session} is not a saved conversation; "
            "pass --new to start one there, or choose another --session file"
        ) from None
    asked = (args.device or state.caller.device, args.locale or state.caller.locale)
    if asked != (state.caller.device, state.caller.locale):
        raise SystemExit(
            f"nocontact say: the conversation in {args.session} is on {state.caller.device} "
            f"({state.caller.locale}); pass --new to start one on {asked[0]} ({asked[1]})"
        )
    return state


def _with_apis(state: DeviceState, args: argparse.Namespace) -> DeviceState:
    """The conversation with the API endpoint and permissions asked for on the command line."""
    changes: dict[str, object] = {}
    if args.api_endpoint:
        if not args.api_endpoint.startswith(("http://", "https://")):
            raise SystemExit(
                f"nocontact say: --api-endpoint {args.api_endpoint!r} must be an http:// or "
                "https:// URL, e.g. http://127.0.0.1:9000"
            )
        changes["api_endpoint"] = args.api_endpoint.rstrip("/")
    if args.grant:
        granted = (*state.caller.granted, *(GRANTS[name] for name in args.grant))
        changes["granted"] = tuple(dict.fromkeys(granted))
    if not changes:
        return state
    return state.model_copy(update={"caller": state.caller.model_copy(update=changes)})


def _save_state(path: Path | None, state: DeviceState) -> None:
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(state.model_dump_json(indent=2), encoding="utf-8")
    except OSError as error:
        raise SystemExit(
            f"nocontact say: cannot save the conversation to {path} ({error.strerror})"
        ) from None


def _converse(device: SimulatedDevice, simulation: Simulation, args: argparse.Namespace) -> int:
    """Read utterances until /quit or end of input; the session file follows every turn."""
    from skill.simulator.device import SimulatorError

    print(INTERACTIVE_HELP)
    while True:
        try:
            line = input("you> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            line = "/quit"
        command = line.removeprefix("/") if line.startswith("/") else None
        if command is not None and command not in (*EVENTS, "quit"):
            print(INTERACTIVE_HELP)
            continue
        if not line:
            continue
        try:
            if command == "quit":
                _show(device.end_session(), simulation, args.json)
                _save_state(args.session, device.state)
                return 0
            exchanges = device.act(command) if command else device.say(line)
        except SimulatorError as error:
            print(f"nocontact say: {error}", file=sys.stderr)
            continue
        _save_state(args.session, device.state)
        _show(exchanges, simulation, args.json)


def _show(exchanges: list[Exchange], simulation: Simulation, raw: bool) -> None:
    if raw:
        print(json.dumps([{"request": e.request, "response": e.response} for e in exchanges],
                         indent=2, ensure_ascii=False))
        return
    for turn in simulation.turns(exchanges):
        print("\n".join(format_turn(turn)))


def format_turn(turn: Turn) -> list[str]:
    """A turn as terminal lines: the request, then what Alexa says, shows and does."""
    lines = [f"> {turn.request}"]
    if turn.speech:
        lines += _speech_lines("Alexa: ", turn.speech)
    if turn.reprompt:
        lines += _speech_lines("Reprompt: ", turn.reprompt)
    if turn.card:
        card = f"Card: {turn.card.title}: {turn.card.text}"
        card = textwrap.shorten(card, _CARD_WIDTH, placeholder=" ...")
        lines += textwrap.wrap(card, _WIDTH, subsequent_indent="  ")
    lines += [f"Directive: {directive}" for directive in turn.directives]
    if turn.ends_session is not None or turn.speech:
        lines.append("(session ends)" if turn.ends_session is not False else "(listening...)")
    return lines


def _speech_lines(label: str, segments: tuple[Segment, ...]) -> list[str]:
    lines: list[str] = []
    for number, segment in enumerate(segments):
        prefix = label if number == 0 else " " * len(label)
        if segment.quiet:
            lines.append(f"{prefix}[quiet for {segment.quiet:g} s, to think]")
        elif segment.clip is None:
            lines += textwrap.wrap(segment.text, _WIDTH, initial_indent=prefix,
                                   subsequent_indent=" " * len(label))
        else:
            lines.append(f"{prefix}[audio] {segment.clip.label} <{segment.clip.url}>")
    return lines
