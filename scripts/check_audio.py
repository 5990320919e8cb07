"""`nocontact check`: verify a published audio store against its manifest."""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path
from typing import TYPE_CHECKING

from scripts.build_audio import add_store_options

if TYPE_CHECKING:
    from audio.check import CheckReport
    from audio.listening.check import ListeningReport
    from audio.stores import Store


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
        "--listen", action="store_true",
        help="Also decode every clip offline and compare what it says with its text: a clip "
        "cut short, garbled or of another section fails.",
    )
    parser.add_argument(
        "--content", type=Path, metavar="DIR",
        help="With --listen: the guide the store was built from (default: the bundled one).",
    )
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
    from content import ContentError

    try:
        store = parse_store(args.store, args.endpoint_url)
        report = check_store(store, RenderSettings())
        heard = _listen(store, args.content) if args.listen else None
    except (AudioError, ContentError) as error:
        raise SystemExit(f"nocontact check: {error}") from None
    ok = report.ok and (heard is None or heard.ok)
    if args.json:
        listening = None if heard is None else {
            "ok": heard.ok, "threshold": heard.threshold,
            "real_time_factor": round(heard.real_time_factor, 3),
            "clips": [
                {"key": clip.key, "ok": clip.ok, "verdict": clip.verdict(),
                 "word_error_rate": None if clip.errors is None else round(clip.errors.rate, 4),
                 "worst_words": [] if clip.errors is None else list(clip.errors.worst_words())}
                for clip in heard.clips
            ],
        }
        print(json.dumps(
            {**dataclasses.asdict(report), "ok": ok, "listening": listening}, indent=2
        ))
        return 0 if ok else 1
    _print_report(report)
    if heard is not None:
        _print_listening(heard)
    return 0 if ok else 1


def _listen(store: Store, content: Path | None) -> ListeningReport | None:
    """Hear every clip of the store's manifest; None when there is no manifest to follow."""
    from audio.inventory import fetch_manifest
    from audio.listening.check import guide_recognizer, listen_to_manifest
    from audio.manifest import ManifestError
    from content import default_guide, load_guide

    guide = load_guide(content) if content else default_guide()
    try:
        manifest = fetch_manifest(store)
    except ManifestError:
        return None  # the check above has already named it
    if manifest is None:
        return None
    return listen_to_manifest(manifest, guide, store.get, guide_recognizer(guide))


def _print_listening(heard: ListeningReport) -> None:
    print(
        f"Listening: {len(heard.clips) - len(heard.failures)} of {len(heard.clips)} clips say "
        f"their text (at most {heard.threshold:.0%} of words wrong); listening took "
        f"{heard.real_time_factor:.2f}x the audio's length."
    )
    for clip in heard.clips:
        mark = "ok  " if clip.ok else "FAIL"
        print(f"  {mark} {clip.key}: {clip.verdict()}")


def _print_report(report: CheckReport) -> None:
    if report.ok:
        print(f"{report.store}: {report.sections} sections, {report.clips} clips; all present, "
              "intact and within Alexa's audio rules.")
    else:
        problems = len(report.problems)
        print(f"{report.store}: {_count(problems, 'problem')} in {_count(report.clips, 'clip')}:")
        print("\n".join(f"  {problem}" for problem in report.problems))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
