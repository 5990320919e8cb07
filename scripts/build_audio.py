"""`nocontact build`: narrate the guide into clips in a folder or S3, publishing manifest.json last.

The same code runs as `python scripts/build_audio.py [options]`.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from audio.voices import BACKENDS, DEFAULT_VOICE
from audio.voices.polly_voice import DEFAULT_VOICE_ID as POLLY_DEFAULT_VOICE

if TYPE_CHECKING:
    from audio.build import BuildReport, SectionOutcome

DEFAULT_STORE = ".nocontact/audio"
# Piper already spreads each sentence over every core (onnxruntime's intra-op threads), so on
# two cores a second section only competes with the first (bench/build_audio.py: --jobs 2 was
# no faster). Voices that wait on the network (gtts, polly) are where --jobs pays off.
DEFAULT_JOBS = 1
logger = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `build` command."""
    parser = subparsers.add_parser(
        "build",
        help="Narrate the guide into Alexa-ready clips in a folder or S3.",
        description=(
            "Narrate every section of the guide into MP3 clips, upload the clips a store lacks, "
            "then publish manifest.json. Unchanged sections cost nothing; a failed build leaves "
            "the previous manifest in place."
        ),
    )
    add_store_options(parser)
    parser.add_argument(
        "--voice", choices=tuple(BACKENDS), default=DEFAULT_VOICE,
        help=f"Text-to-speech voice (default: {DEFAULT_VOICE}, offline).",
    )
    parser.add_argument(
        "--polly-voice", metavar="NAME",
        help=f"Amazon Polly's neural voice for --voice polly (default: {POLLY_DEFAULT_VOICE}; "
        "e.g. Joanna, Amy, Olivia).",
    )
    parser.add_argument(
        "--jobs", type=_positive, default=DEFAULT_JOBS, metavar="N",
        help=f"Sections narrated at the same time (default: {DEFAULT_JOBS}).",
    )
    parser.add_argument(
        "--force", action="store_true",
        help="Narrate every section again, ignoring the cache; new clips get new keys and "
        "nothing already in the store is overwritten.",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="Print what the build would do; change nothing."
    )
    parser.add_argument(
        "--prune", action="store_true",
        help="After publishing, delete clips neither the new nor the previous manifest "
        "references (running skills may still play the previous one).",
    )
    parser.add_argument(
        "--captions", action=argparse.BooleanOptionalAction, default=None,
        help="Align every clip with its text and publish WebVTT captions beside it (about "
        "0.02 s per second of audio; clips that have captions keep them). Default: on for "
        "s3:// stores, off for folders.",
    )
    parser.add_argument(
        "--listen", action="store_true",
        help="Before publishing, decode every clip offline and compare it with its text; "
        "publish nothing if a clip does not say what it should.",
    )
    parser.add_argument(
        "--json", action="store_true", help="Print one JSON summary instead of text."
    )
    parser.add_argument(
        "--content", type=Path, metavar="DIR",
        help="Narrate the guide in DIR (sections/ and skill.yaml) instead of the bundled one.",
    )
    parser.add_argument(
        "--cache-dir", type=Path, metavar="DIR",
        help="Where rendered clips are cached (default: $NOCONTACT_CACHE, else "
        "$XDG_CACHE_HOME/no-contact-companion, else ~/.cache/no-contact-companion).",
    )
    parser.set_defaults(handler=build)


def add_store_options(parser: argparse.ArgumentParser) -> None:
    """--store and --endpoint-url, shared with `nocontact check`."""
    parser.add_argument(
        "--store", default=DEFAULT_STORE, metavar="DIR|s3://BUCKET/PREFIX",
        help=f"A folder or an S3 location (default: {DEFAULT_STORE}).",
    )
    parser.add_argument(
        "--endpoint-url", metavar="URL",
        help="S3-compatible endpoint for s3:// stores (region and credentials come from the "
        "usual AWS configuration).",
    )


def _voice_options(args: argparse.Namespace) -> dict[str, str]:
    """Backend options from the command line; --polly-voice belongs to Polly alone."""
    if args.polly_voice is None:
        return {}
    if args.voice != "polly":
        raise SystemExit("nocontact build: --polly-voice applies only to --voice polly")
    return {"voice_id": args.polly_voice}


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


def build(args: argparse.Namespace) -> int:
    """Run the build; print a summary, or each planned action for --dry-run."""
    from audio.build import BuildOptions, build_store
    from audio.cache import ClipCache, default_cache_dir
    from audio.errors import AudioError
    from audio.preview import preview_build
    from audio.reflections import reflection_clips
    from audio.settings import RenderSettings
    from audio.stores import parse_store
    from audio.voices import make_voice
    from content import ContentError, default_guide, load_guide

    try:
        guide = load_guide(args.content) if args.content else default_guide()
        store = parse_store(args.store, args.endpoint_url)
        voice = make_voice(args.voice, **_voice_options(args))
    except (AudioError, ContentError) as error:
        raise SystemExit(f"nocontact build: {error}") from None
    cache = ClipCache(args.cache_dir or default_cache_dir(os.environ))
    captions = args.captions if args.captions is not None else args.store.startswith("s3://")
    options = BuildOptions(
        jobs=args.jobs, force=args.force, prune=args.prune, captions=captions, listen=args.listen
    )
    try:
        if args.dry_run:
            report = preview_build(guide, store, voice, RenderSettings(), cache, options)
        else:
            entries = len(guide.sections) + len(reflection_clips(guide))
            with _progress(entries, sys.stderr.isatty()) as on_section:
                report = build_store(
                    guide, store, voice, RenderSettings(), cache, options, on_section
                )
    # build_store raises only before publishing: pruning, the one step after it, reports its
    # failures and interruptions in the report instead.
    except AudioError as error:
        outcome = "" if args.dry_run else " Nothing was published."
        raise SystemExit(f"nocontact build: {str(error).rstrip('.')}.{outcome}") from None
    except KeyboardInterrupt:
        outcome = "" if args.dry_run else " Nothing was published; run the build again."
        print(f"nocontact build: interrupted.{outcome}", file=sys.stderr)
        return 130
    if args.json:
        print(json.dumps({**dataclasses.asdict(report), "skipped": report.skipped}, indent=2))
    else:
        print(_summary(report))
    if report.prune_error:
        manifest = "published the manifest" if report.published else "the manifest is current"
        print(
            f"nocontact build: {manifest}, but {report.prune_error}; "
            "run the build again with --prune to finish.",
            file=sys.stderr,
        )
        return 1
    return 0


@contextmanager
def _progress(total: int, show_bar: bool) -> Iterator[Callable[[SectionOutcome], None]]:
    """A tqdm bar on a terminal, else one log line per section and per reflection clip."""
    if not show_bar:
        yield _log_section
        return
    from tqdm import tqdm

    with tqdm(total=total, unit="entry", desc="Narrating", file=sys.stderr) as bar:

        def advance(outcome: SectionOutcome) -> None:
            bar.set_postfix_str(outcome.entry.id, refresh=False)
            bar.update(1)

        yield advance


def _log_section(outcome: SectionOutcome) -> None:
    """One line for each entry the build made or uploaded; the summary counts the rest, so a
    rebuild with nothing to do (every `make run` after the first) stays quiet."""
    from audio.outcomes import Source

    clips = len(outcome.entry.parts)
    untouched = outcome.source is Source.STORE and not outcome.uploaded and not outcome.captioned
    logger.log(
        logging.DEBUG if untouched else logging.INFO,
        "%s: %s, %d of %d clip%s uploaded",
        outcome.entry.id,
        outcome.source.value,
        outcome.uploaded,
        clips,
        "" if clips == 1 else "s",
    )


def _summary(report: BuildReport) -> str:
    if report.dry_run:
        actions = list(report.actions) or ["Nothing to do: the store is up to date."]
        return "\n".join([*actions, f"Dry run of {report.store}: nothing was changed."])
    minutes, seconds = divmod(round(report.duration), 60)
    section_clips = report.clips - report.reflections
    manifest = "published manifest.json" if report.published else "manifest.json unchanged"
    pruned = f", deleted {report.pruned} old clips" if report.pruned else ""
    captioned = f"captioned {report.captioned} clips; " if report.captioned else ""
    listened = (
        f"\nEvery clip says its text (listening took {report.listened:.2f}x the audio's length)."
        if report.listened is not None else ""
    )
    sections = _sources(report.sections, report.synthesized, report.cached)
    reflections = _sources(report.reflections, report.reflections_synthesized,
                           report.reflections_cached)
    return (
        f"{report.store}: {report.clips} clips: {report.sections} sections "
        f"({minutes} min {seconds} s of audio) in {section_clips} clips, and "
        f"{report.reflections} reflection clips.\n"
        f"Sections: {sections}. Reflection clips: {reflections}.\n"
        f"Uploaded {report.uploaded} clips ({report.skipped} already there); {captioned}"
        f"{manifest}{pruned}; {report.seconds:.1f} s.{listened}"
    )


def _sources(total: int, narrated: int, cached: int) -> str:
    """How many of `total` entries were narrated, taken from the cache or already stored."""
    kept = total - narrated - cached
    return f"{narrated} narrated, {cached} from the cache, {kept} already there"


if __name__ == "__main__":
    from scripts.cli import main

    sys.exit(main(["build", *sys.argv[1:]]))
