"""A full audio build timed against raw Piper synthesis of the same sentences; a no-op rebuild.

In one process, after loading the Piper model and the rendering libraries once and warming the
model up, for each of --rounds rounds: (1) the floor, every sentence the build narrates
(respelled by the lexicon, as the build hands them to the voice) synthesized straight through
Piper, nothing else; (2) the full guide built into an empty folder store with an empty cache,
for each --jobs value. The figures are each measure's fastest round: on a shared machine other
work only ever adds time, and interleaving the rounds exposes floor and build to the same load.
Then (3) a rebuild with nothing changed, in process and as a fresh `nocontact build` process.
Targets: full build at most 1.15x the floor, no-op rebuild under 1 s. CPU seconds are printed
too: on a shared machine they move less than wall time when other work competes for the cores.

    .venv/bin/python bench/build_audio.py [--jobs 1 2] [--rounds 3] [--json]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BUILD_TARGET = 1.15
NOOP_TARGET_SECONDS = 1.0
WARM_UP_SENTENCES = 5


@dataclass(frozen=True)
class BuildFigures:
    """One full build and its no-op rebuild, in seconds."""

    jobs: int
    full: float
    full_cpu: float  # CPU seconds of every thread and ffmpeg process
    noop: float
    audio: float  # seconds of narration produced


@dataclass(frozen=True)
class Figures:
    """Everything measured, in seconds."""

    model_load: float
    raw_synthesis: float
    raw_synthesis_cpu: float
    builds: tuple[BuildFigures, ...]
    noop_process: float
    rounds: int = 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--jobs", type=int, nargs="+", default=[1, 2],
        help="Build once with each --jobs value (default: 1 2).",
    )
    parser.add_argument(
        "--rounds", type=int, default=1,
        help="Measure floor and builds this many times, interleaved; report the fastest of "
        "each (default: 1).",
    )
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    args = parser.parse_args()
    figures = measure(args.jobs, max(1, args.rounds))
    print(json.dumps(dataclasses.asdict(figures), indent=2) if args.json else report(figures))
    return 0


def measure(jobs_values: list[int], rounds: int = 1) -> Figures:
    """Floor and full builds, interleaved for each round; then the no-op rebuilds."""
    # Loaded once, like the model: in neither figure (SciPy comes with audio.dynamics).
    import audio.dynamics
    import audio.render  # noqa: F401
    from audio.build import BuildOptions, build_store
    from audio.cache import ClipCache
    from audio.settings import RenderSettings
    from audio.stores import LocalStore
    from audio.voices import make_voice
    from audio.voices.piper_voice import load_model
    from content import default_guide

    guide, voice, settings = default_guide(), make_voice("piper"), RenderSettings()
    started = time.perf_counter()
    model = load_model(voice.model_path)  # shared with the voice: neither figure includes it
    model_load = time.perf_counter() - started
    _warm_up(model, guide)
    floors: list[tuple[float, float]] = []
    fulls: dict[int, list[BuildFigures]] = {jobs: [] for jobs in jobs_values}
    with tempfile.TemporaryDirectory(prefix="nocontact-bench-") as temporary:
        for number in range(rounds):
            floors.append(_raw_synthesis(model, guide))
            for jobs in jobs_values:
                store = LocalStore(Path(temporary) / f"store-{number}-{jobs}")
                cache = ClipCache(Path(temporary) / f"cache-{number}-{jobs}")
                options = BuildOptions(jobs=jobs)
                cpu = _cpu_seconds()
                full = build_store(guide, store, voice, settings, cache, options)
                full_cpu = _cpu_seconds() - cpu
                again = build_store(guide, store, voice, settings, cache, options)
                if again.synthesized or again.uploaded:
                    raise RuntimeError("the rebuild with nothing changed did work")
                fulls[jobs].append(
                    BuildFigures(jobs, full.seconds, full_cpu, again.seconds, full.duration)
                )
        noop_process = _noop_process(store.root, cache.directory)
    raw, raw_cpu = min(floors)
    builds = tuple(min(fulls[jobs], key=lambda build: build.full) for jobs in jobs_values)
    return Figures(model_load, raw, raw_cpu, builds, noop_process, rounds)


def _cpu_seconds() -> float:
    """CPU time of this process's threads and its finished child processes (ffmpeg)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def _sentences(guide: Any) -> list[str]:
    """Every sentence the build narrates, as the build hands it to the voice."""
    from audio.reflections import reflection_clips
    from audio.text import speech_paragraphs
    from content.models import Block

    # The sections, and the guided reflection's opening, prompts and close: all it narrates.
    blocks = [block for section in guide.sections for block in section.blocks]
    blocks += [Block(kind="paragraph", text=c.text) for c in reflection_clips(guide) if c.text]
    return [
        guide.lexicon.respell(sentence)
        for paragraph in speech_paragraphs(blocks)
        for sentence in paragraph.sentences
    ]


def _warm_up(model: Any, guide: Any) -> None:
    """onnxruntime's first runs are slower: a few sentences before anything is timed."""
    from piper.config import SynthesisConfig

    config = SynthesisConfig(normalize_audio=False)
    for sentence in _sentences(guide)[:WARM_UP_SENTENCES]:
        list(model.synthesize(sentence, syn_config=config))


def _raw_synthesis(model: Any, guide: Any) -> tuple[float, float]:
    """Wall and CPU seconds for Piper alone to speak every sentence the build narrates."""
    from piper.config import SynthesisConfig

    sentences = _sentences(guide)
    config = SynthesisConfig(normalize_audio=False)
    started, cpu = time.perf_counter(), _cpu_seconds()
    for sentence in sentences:
        b"".join(chunk.audio_int16_bytes for chunk in model.synthesize(sentence, syn_config=config))
    return time.perf_counter() - started, _cpu_seconds() - cpu


def _noop_process(store: Path, cache: Path) -> float:
    """Wall time of `nocontact build` in a new process when nothing changed."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "scripts.cli", "build", "--store", str(store),
         "--cache-dir", str(cache), "--json"],
        cwd=ROOT, check=True, capture_output=True,
    )
    return time.perf_counter() - started


def report(figures: Figures) -> str:
    """The figures as lines of text, each against its target."""
    raw = figures.raw_synthesis
    lines = [
        f"Piper model load (once; in neither figure below): {figures.model_load:.2f} s",
        f"raw Piper synthesis of every sentence (the floor): {raw:.2f} s "
        f"({figures.raw_synthesis_cpu:.1f} CPU s); fastest of {figures.rounds} round(s)",
    ]
    for build in figures.builds:
        ratio = build.full / raw
        verdict = "meets" if ratio <= BUILD_TARGET else "misses"
        lines += [
            f"full build, --jobs {build.jobs}, empty store and cache: {build.full:.2f} s = "
            f"{ratio:.2f}x the floor ({verdict} the {BUILD_TARGET}x target); "
            f"{build.full_cpu:.1f} CPU s = {build.full_cpu / figures.raw_synthesis_cpu:.2f}x; "
            f"{build.audio / 60:.1f} min of audio",
            f"no-op rebuild, --jobs {build.jobs}, in process: {build.noop * 1000:.0f} ms",
        ]
    verdict = "meets" if figures.noop_process < NOOP_TARGET_SECONDS else "misses"
    lines.append(
        f"no-op rebuild as a new `nocontact build` process: {figures.noop_process:.2f} s "
        f"({verdict} the {NOOP_TARGET_SECONDS:g} s target)"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
