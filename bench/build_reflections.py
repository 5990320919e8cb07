"""The guided reflection's clips: their extra build time against raw Piper on the same text.

In one process, after loading the Piper model once and warming it up: (1) raw Piper synthesis
of every sentence of the reflection clips (opening, each section's prompts, close), and of
every sentence of the guide's sections; (2) the reflection clips built alone into an empty
folder store and cache (narration, trimming, loudness, MP3, upload, and the quiet space with
its chime); (3) the whole build (sections and reflection clips) into another empty store.
Target: the reflection clips cost no more over their floor than the whole build does over
its own (the guide's ratio), measured in the same run.

    .venv/bin/python bench/build_reflections.py [--json]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WARM_UP_SENTENCES = 5


@dataclass(frozen=True)
class Figures:
    """Everything measured, in seconds."""

    reflection_sentences: int
    raw_reflections: float  # Piper alone on the reflection clips' sentences
    raw_reflections_cpu: float
    reflections_build: float  # the reflection clips built alone, empty store and cache
    reflections_build_cpu: float  # CPU seconds of every thread and ffmpeg process
    raw_guide: float  # Piper alone on every sentence the whole build narrates
    full_build: float  # sections and reflection clips, empty store and cache
    clips: int
    space_seconds: float

    @property
    def reflections_ratio(self) -> float:
        return self.reflections_build / self.raw_reflections

    @property
    def guide_ratio(self) -> float:
        return self.full_build / self.raw_guide


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    args = parser.parse_args()
    figures = measure()
    if args.json:
        print(json.dumps({**dataclasses.asdict(figures),
                          "reflections_ratio": figures.reflections_ratio,
                          "guide_ratio": figures.guide_ratio}, indent=2))
    else:
        print(report(figures))
    return 0 if figures.reflections_ratio <= figures.guide_ratio else 1


def _sentences(guide: Any, *, sections: bool, reflections: bool) -> list[str]:
    from audio.reflections import reflection_clips
    from audio.text import speech_paragraphs
    from content.models import Block

    blocks = [b for s in guide.sections for b in s.blocks] if sections else []
    if reflections:
        blocks += [Block(kind="paragraph", text=c.text) for c in reflection_clips(guide) if c.text]
    return [s for paragraph in speech_paragraphs(blocks) for s in paragraph.sentences]


def _cpu_seconds() -> float:
    """CPU time of this process's threads and its finished child processes (ffmpeg)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def _raw(model: Any, sentences: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds for Piper alone to speak the sentences."""
    from piper.config import SynthesisConfig

    config = SynthesisConfig(normalize_audio=False)
    started, cpu = time.perf_counter(), _cpu_seconds()
    for sentence in sentences:
        b"".join(chunk.audio_int16_bytes for chunk in model.synthesize(sentence, syn_config=config))
    return time.perf_counter() - started, _cpu_seconds() - cpu


def measure() -> Figures:
    """The floors first, then the reflection clips alone, then the whole build."""
    # The audio stack (SciPy with it) loads once, before any figure, as in build_audio.py.
    import audio.dynamics
    import audio.render  # noqa: F401
    from audio.build import build_store, upload_clip
    from audio.cache import ClipCache
    from audio.inventory import StoreState
    from audio.reflections import build_reflections
    from audio.settings import RenderSettings
    from audio.stores import LocalStore
    from audio.voices import make_voice
    from audio.voices.piper_voice import load_model
    from content import default_guide

    guide, voice, settings = default_guide(), make_voice("piper"), RenderSettings()
    model = load_model(voice.model_path)  # shared with the voice
    reflection_sentences = _sentences(guide, sections=False, reflections=True)
    for sentence in reflection_sentences[:WARM_UP_SENTENCES]:  # onnxruntime warms up
        list(model.synthesize(sentence))
    raw_guide, _ = _raw(model, _sentences(guide, sections=True, reflections=True))
    # Measured right before the build it is compared with, so both see the same load.
    raw_reflections, raw_reflections_cpu = _raw(model, reflection_sentences)
    with tempfile.TemporaryDirectory(prefix="nocontact-bench-") as temporary:
        store = LocalStore(Path(temporary) / "reflections")
        cache = ClipCache(Path(temporary) / "reflections-cache")
        started, cpu = time.perf_counter(), _cpu_seconds()
        outcome = build_reflections(
            guide, voice, settings, cache, StoreState(None, {}),
            upload=lambda key, mp3: upload_clip(store, key, mp3),
        )
        reflections_build = time.perf_counter() - started
        reflections_build_cpu = _cpu_seconds() - cpu
        full = build_store(guide, LocalStore(Path(temporary) / "full"), voice, settings,
                           ClipCache(Path(temporary) / "full-cache"))
    return Figures(
        reflection_sentences=len(reflection_sentences),
        raw_reflections=raw_reflections,
        raw_reflections_cpu=raw_reflections_cpu,
        reflections_build=reflections_build,
        reflections_build_cpu=reflections_build_cpu,
        raw_guide=raw_guide,
        full_build=full.seconds,
        clips=len(outcome.entries),
        space_seconds=guide.skill.guided_reflection.space_seconds,
    )


def report(figures: Figures) -> str:
    """The figures as lines of text, against the guide's own ratio."""
    verdict = "meets" if figures.reflections_ratio <= figures.guide_ratio else "misses"
    return "\n".join([
        f"raw Piper on the reflection clips' {figures.reflection_sentences} sentences: "
        f"{figures.raw_reflections:.2f} s ({figures.raw_reflections_cpu:.1f} CPU s)",
        f"reflection clips built alone ({figures.clips} clips, a {figures.space_seconds:g} s "
        f"space with its chime among them): {figures.reflections_build:.2f} s = "
        f"{figures.reflections_ratio:.2f}x raw Piper; {figures.reflections_build_cpu:.1f} CPU s = "
        f"{figures.reflections_build_cpu / figures.raw_reflections_cpu:.2f}x",
        f"whole build (sections and reflection clips): {figures.full_build:.2f} s = "
        f"{figures.guide_ratio:.2f}x raw Piper on everything it narrates "
        f"({figures.raw_guide:.2f} s)",
        f"the reflection clips {verdict} the guide's own ratio",
    ])


if __name__ == "__main__":
    sys.exit(main())
