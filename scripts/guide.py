"""`nocontact guide`: list the guide's sections, or print one section's narration."""

from __future__ import annotations

import argparse
import json

from content import default_guide


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `guide` command."""
    parser = subparsers.add_parser(
        "guide",
        help="List the guide's sections or show one.",
        description="List the guide's sections in article order, or print one section.",
    )
    parser.add_argument("section", nargs="?", help="A section id, e.g. guilt-trips.")
    parser.add_argument("--json", action="store_true", help="Print JSON instead of text.")
    parser.set_defaults(handler=show_guide)


def show_guide(args: argparse.Namespace) -> int:
    """Print the table of contents or a single section."""
    guide = default_guide()
    if args.section is None:
        rows = [{"id": s.id, "title": s.title, "topic": s.topic} for s in guide.sections]
        if args.json:
            print(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            for number, row in enumerate(rows, 1):
                print(f"{number:2}. {row['id']:<20} {row['title']}")
        return 0
    try:
        section = guide.section(args.section)
    except KeyError as error:
        raise SystemExit(f"nocontact guide: {error.args[0]}") from None
    if args.json:
        print(section.model_dump_json(indent=2))
    else:
        print(section.narration)
    return 0

