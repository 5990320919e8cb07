"""`nocontact evaluate`: Alexa's own answer to the labelled utterances, scored as the benchmark
scores its matchers.

A thin layer over skill.evaluation.alexa: credentials as the ASK CLI keeps them, each locale's
labelled utterances sent one at a time to SMAPI's Utterance Profiler for a skill the user owns,
and bench/understanding.py's report (or its JSON) with the matcher named `alexa`.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from skill.evaluation.utterances import SPLITS
from skill.smapi.pacing import CALLS_PER_SECOND, Pace

if TYPE_CHECKING:
    from skill.evaluation.report import Evaluation
    from skill.evaluation.utterances import Labelled
    from skill.smapi.client import Smapi

# What the pace reads and sleeps on; tests put a clock here that moves only when slept on.
CLOCK: tuple[Callable[[], float], Callable[[float], None]] = (time.monotonic, time.sleep)
PROGRESS_EVERY = 50


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `evaluate` command."""
    parser = subparsers.add_parser(
        "evaluate",
        help="Score how Alexa itself understands the labelled utterances.",
        description="Send the labelled utterances (bench/utterances/) through SMAPI's "
        "Utterance Profiler for a skill you own, deployed with this interaction model, and "
        "print the benchmark's figures for Alexa's own answers: topics (strict and helpful), "
        "crisis utterances answered with the crisis lines, harmless and topic utterances "
        "given them instead; unseen sets first. Calls are paced (one a second by default) "
        f"and a progress line goes to stderr every {PROGRESS_EVERY} utterances.",
    )
    parser.add_argument("--skill-id", required=True,
                        help="The skill to ask, deployed with this project's model.")
    parser.add_argument("--stage", default="development", choices=("development", "live"),
                        help="The skill stage whose model Alexa reads (default: development).")
    parser.add_argument("--locale", action="append", help="Only this locale (repeat for more; "
                        "default: every locale with labelled utterances).")
    parser.add_argument("--split", action="append", choices=SPLITS,
                        help="Only this split (repeat for more; default: all).")
    parser.add_argument("--set", action="append",
                        help="Only this set, e.g. heldout or fresh9 (repeat for more).")
    parser.add_argument("--utterances", type=Path, help="The folder of labelled sets "
                        "(default: bench/utterances in this checkout).")
    parser.add_argument("--profile", help="The ASK CLI profile whose refresh token to use "
                        "(default: ASK_DEFAULT_PROFILE, else default).")
    parser.add_argument("--rate", type=float, default=CALLS_PER_SECOND,
                        help=f"Calls a second at most (default: {CALLS_PER_SECOND:g}).")
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    parser.add_argument("--details", action="store_true",
                        help="Figures per set, with every missed crisis and false alarm.")
    parser.set_defaults(handler=evaluate)


def evaluate(args: argparse.Namespace) -> int:
    """Profile each locale's utterances, print its report as it finishes; a failure is one
    sentence saying how far it got."""
    from skill.evaluation.report import figures, report

    now, sleep = CLOCK
    try:
        pace = Pace.per_second(args.rate, clock=now, sleep=sleep)
    except ValueError as error:
        raise SystemExit(f"nocontact evaluate: --rate: {error}") from None
    chosen = _chosen_items(args)
    smapi = _smapi(args.profile)
    results: list[Evaluation] = []
    for locale, items in chosen.items():
        results.append(_profiled(smapi, args, locale, items, pace, results))
        if not args.json:
            print(f"Alexa's answer: skill {args.skill_id}, {args.stage} stage, {locale}, "
                  f"{len(items):,} utterances profiled")
            print(report(results[-1], details=args.details), flush=True)
    if args.json:
        print(json.dumps([figures(result) for result in results], indent=2))
    return 0


def _chosen_items(args: argparse.Namespace) -> dict[str, list[Labelled]]:
    """The labelled utterances to profile, per locale; none is one sentence naming the fix."""
    from content.models import LOCALES
    from skill.evaluation.utterances import UTTERANCES, load_utterances, select

    directory = args.utterances or UTTERANCES
    written = {locale: load_utterances(locale, directory) for locale in LOCALES}
    available = [locale for locale, items in written.items() if items]
    if not available:
        raise SystemExit(f"nocontact evaluate: no labelled utterances in {directory}; run it "
                         "in a checkout of the project, or pass --utterances")
    unknown = [locale for locale in args.locale or () if locale not in available]
    if unknown:
        raise SystemExit(f"nocontact evaluate: no labelled utterances for {', '.join(unknown)} "
                         f"in {directory}; there are for {', '.join(available)}")
    chosen = {locale: select(written[locale], args.split, args.set)
              for locale in args.locale or available}
    if not any(chosen.values()):
        raise SystemExit("nocontact evaluate: no labelled utterance is in the splits and sets "
                         "asked for; see the file names in bench/utterances for the sets")
    return {locale: items for locale, items in chosen.items() if items}


def _smapi(profile: str | None) -> Smapi:
    """The SMAPI connection from the ASK CLI's configuration or the environment."""
    from skill.smapi import SmapiError
    from skill.smapi.client import smapi_from_environment
    from skill.smapi.credentials import read_credentials

    environ = {**os.environ, **({"ASK_DEFAULT_PROFILE": profile} if profile else {})}
    try:
        return smapi_from_environment(read_credentials(environ), environ)
    except SmapiError as error:
        raise SystemExit(f"nocontact evaluate: {error}") from None


def _profiled(
    smapi: Smapi,
    args: argparse.Namespace,
    locale: str,
    items: list[Labelled],
    pace: Pace,
    done: list[Evaluation],
) -> Evaluation:
    """One locale's evaluation, with progress on stderr; a failure says how far it got."""
    from skill.evaluation.alexa import ProfilingStopped, evaluate_with_alexa
    from skill.runtime.guidebook import load_guidebook

    minutes = math.ceil(len(items) * pace.interval / 60)
    print(f"Profiling {len(items):,} {locale} utterances at {1 / pace.interval:g} a second: "
          f"about {minutes} min.", file=sys.stderr, flush=True)

    def progress(count: int, total: int) -> None:
        if count % PROGRESS_EVERY == 0 or count == total:
            print(f"  {locale}: {count:,} of {total:,} profiled", file=sys.stderr, flush=True)

    try:
        return evaluate_with_alexa(smapi, args.skill_id, locale, items, load_guidebook(),
                                   stage=args.stage, pace=pace, progress=progress)
    except ProfilingStopped as stopped:
        finished = ", ".join(result.locale for result in done)
        shown = "--json prints nothing until all have" if args.json else "reported above"
        before = f" ({finished} finished, {shown})" if finished else ""
        raise SystemExit(
            f"nocontact evaluate: {stopped}. {stopped.profiled:,} of {stopped.total:,} "
            f"{locale} utterances were profiled before it stopped{before}."
        ) from None
