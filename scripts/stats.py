"""`nocontact stats`: the skill's live numbers from CloudWatch, as the dashboard shows them.

A thin layer over skill.stats: one GetMetricData call (paged) over the last days, printed as a
few lines, or as JSON.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from scripts.deploy import DEFAULT_STACK

if TYPE_CHECKING:
    from skill.stats.numbers import LiveNumbers

MAX_DAYS = 455  # CloudWatch keeps hourly figures for 455 days


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `stats` command."""
    parser = subparsers.add_parser(
        "stats",
        help="Print the skill's live numbers from CloudWatch.",
        description="Print what the deployed skill's dashboard shows, from CloudWatch: requests "
        "and errors, crisis answers, completions, answer time (p50, p99), throttles, the "
        "fallback rate per locale (how often Alexa did not understand) and answers by family. "
        "Numbers only: the skill records nothing anyone said.",
    )
    parser.add_argument("--days", type=_days, default=7,
                        help=f"How many days back to count, 1 to {MAX_DAYS} (default: 7).")
    parser.add_argument("--stack-name", default=DEFAULT_STACK,
                        help="The stack `nocontact deploy` made (its function's throttles).")
    parser.add_argument("--region", help="The stack's AWS region; default: your AWS "
                        "configuration's.")
    parser.add_argument("--profile", help="AWS named profile; default: your default "
                        "credentials.")
    parser.add_argument("--endpoint-url", help="A CloudWatch-compatible endpoint instead of "
                        "AWS's (a local test server).")
    parser.add_argument("--json", action="store_true", help="Print the numbers as JSON.")
    parser.set_defaults(handler=stats)


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        days = 0
    if not 1 <= days <= MAX_DAYS:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of days from 1 to {MAX_DAYS}")
    return days


def stats(args: argparse.Namespace) -> int:
    """Read the numbers and print them; a failure is one sentence."""
    from content.models import LOCALES
    from skill.runtime.metrics import FAMILIES
    from skill.stats import StatsError
    from skill.stats.cloudwatch import make_client, read_live_numbers

    # To the end of this minute, so what was logged a moment ago counts.
    now = (datetime.now(UTC) + timedelta(minutes=1)).replace(second=0, microsecond=0)
    try:
        client = make_client(args.region, args.profile, args.endpoint_url)
        numbers = read_live_numbers(client, days=args.days, now=now, locales=LOCALES,
                                    families=FAMILIES, function_name=f"{args.stack_name}-skill")
    except StatsError as error:
        raise SystemExit(f"nocontact stats: {error}") from None
    if args.json:
        print(json.dumps({"days": args.days, "until": now.isoformat(), **numbers.as_dict()},
                         indent=2))
    elif numbers.empty:
        print(f"No requests in the last {args.days} days in {client.meta.region_name}: has the "
              "skill been used since it was deployed, and is --region the stack's?")
    else:
        print("\n".join(report(numbers, args.days, now)))
    return 0


def report(numbers: LiveNumbers, days: int, now: datetime) -> list[str]:
    """The numbers as a few lines for the terminal."""
    totals = numbers.totals
    p50, p99 = numbers.percentiles["p50"], numbers.percentiles["p99"]
    lines = [
        f"The last {days} days, to {now:%Y-%m-%d %H:%M} UTC:",
        f"  requests            {numbers.requests:,.0f} ({totals['Answers']:,.0f} answered, the "
        "rest player events)",
        f"  errors              {totals['Errors']:,.0f} ({_percent(numbers.error_rate)} of "
        "requests answered with the apology)",
        f"  crisis lines given  {totals['CrisisAnswers']:,.0f}",
        f"  answer time         p50 {_ms(p50)}, p99 {_ms(p99)} (alarm over 3,000 ms)",
        f"  throttles           {numbers.throttles:,.0f}",
        f"  completions         sections started {totals['SectionsStarted']:,.0f}, finished "
        f"{totals['SectionsFinished']:,.0f}; guided reflections finished "
        f"{totals['ReflectionsFinished']:,.0f}; reminders set {totals['RemindersSet']:,.0f}",
        "Fallback rate per locale (answers that were Alexa's \"I didn't catch that\"):",
    ]
    lines += [f"  {n.locale:<6} {_percent(n.fallback_rate):>6} ({n.fallbacks:,.0f} of "
              f"{n.answers:,.0f} answers)" for n in numbers.locales]
    by_family = sorted(((count, family) for family, count in numbers.families.items() if count),
                       reverse=True)
    lines.append("Answers by family: " + (", ".join(f"{family} {count:,.0f}"
                                                    for count, family in by_family) or "none"))
    return lines


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{share:.1%}"


def _ms(milliseconds: float | None) -> str:
    if milliseconds is None:
        return "-"
    return f"{milliseconds:.1f} ms" if milliseconds < 10 else f"{milliseconds:,.0f} ms"
