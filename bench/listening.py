"""The listening check and caption alignment, timed against the audio's length.

Builds the whole guide into a temporary store (from the local clip cache when it is warm),
then, in one process: (1) the listening check with the guide's language model, every clip,
and the same clips cut in half, swapped with the next section's and replaced by white noise,
so the margin between the worst real clip and the best bad one shows, and the guided
reflection's spoken clips likewise under the check's short-clip rule; (2) the same with
PocketSphinx's generic English language model, the alternative measured against; (3) forced
alignment of every clip into captions. Figures are ratios to the audio's length (real-time
factor); the raw Piper synthesis the build is measured against runs at about 0.05x.

    .venv/bin/python bench/listening.py [--json]
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


@dataclass(frozen=True)
class Separation:
    """Word error rates of real and damaged clips under one language model."""

    model: str
    real_worst: float
    real_mean: float
    half_best: float
    swapped_best: float
    noise_best: float
    real_time_factor: float  # decoding the real clips, over their length
    cpu_real_time_factor: float  # the same in CPU seconds, which move less on a busy machine


@dataclass(frozen=True)
class ShortClips:
    """The guided reflection's spoken clips, real and damaged, under the check's own rule."""

    clips: int
    real_worst: float
    real_passed: int
    real_passed_by_alignment: int  # over the 15% threshold, passed as their text aligns
    half_best: float
    half_passed: int
    swapped_best: float
    swapped_passed: int
    noise_best: float
    noise_passed: int


@dataclass(frozen=True)
class Figures:
    """Everything measured."""

    clips: int
    audio_seconds: float
    models: tuple[Separation, ...]
    reflections: ShortClips
    alignment_seconds: float
    alignment_real_time_factor: float
    alignment_cpu_real_time_factor: float
    recognizer_load_seconds: float


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    args = parser.parse_args()
    figures = measure()
    print(json.dumps(dataclasses.asdict(figures), indent=2) if args.json else report(figures))
    return 0


def measure() -> Figures:
    """Build, then hear and align every clip."""
    import numpy as np

    from audio.build import BuildOptions, build_store
    from audio.cache import ClipCache, default_cache_dir
    from audio.ffmpeg import decode_pcm
    from audio.listening.captioning import caption_clips
    from audio.listening.check import guide_recognizer
    from audio.listening.recognizer import SAMPLE_RATE, Recognizer
    from audio.listening.words import narrated_sentences
    from audio.reflections import reflection_clips
    from audio.settings import RenderSettings
    from audio.stores import LocalStore
    from audio.voices import make_voice
    from content import default_guide

    guide = default_guide()
    with tempfile.TemporaryDirectory(prefix="nocontact-bench-") as temporary:
        store = LocalStore(Path(temporary))
        build_store(
            guide, store, make_voice("piper"), RenderSettings(),
            ClipCache(default_cache_dir(os.environ)), BuildOptions(),
        )
        manifest = json.loads(store.get("manifest.json") or b"{}")
        clips = {
            entry["id"]: store.get(entry["parts"][0]["key"]) for entry in manifest["sections"]
        }
        spoken = {clip.id: clip for clip in reflection_clips(guide) if clip.text}
        prompts = {
            entry["id"]: decode_pcm(store.get(entry["parts"][0]["key"]), SAMPLE_RATE)
            for entry in manifest["reflections"]
            if entry["id"] in spoken
        }
    recordings = {sid: decode_pcm(data, SAMPLE_RATE) for sid, data in clips.items()}
    audio = sum(len(pcm) for pcm in recordings.values()) / (SAMPLE_RATE * 2)
    rng = np.random.default_rng(1)
    noise = rng.normal(0, 3000, SAMPLE_RATE * 30).clip(-32768, 32767).astype("<i2").tobytes()
    recognizer = guide_recognizer(guide)
    texts = [" ".join(narrated_sentences(section)) for section in guide.sections]
    generic = Recognizer(texts, language_model="generic")
    started = time.perf_counter()
    recognizer.transcribe(noise[: SAMPLE_RATE * 2])  # loads the decoder
    load = time.perf_counter() - started
    models = (
        _separation("guide's own 3-gram", recognizer.transcribe, guide, recordings, noise),
        _separation("generic English", generic.transcribe, guide, recordings, noise),
    )
    reflections = _short_clips(recognizer, guide, prompts, noise)
    started, cpu = time.perf_counter(), time.process_time()
    for section_id, data in clips.items():
        caption_clips(narrated_sentences(guide.section(section_id)), [data], recognizer)
    aligned, aligned_cpu = time.perf_counter() - started, time.process_time() - cpu
    return Figures(
        len(clips), round(audio, 1), models, reflections, aligned, aligned / audio,
        aligned_cpu / audio, load,
    )


def _short_clips(
    recognizer: Any, guide: Any, prompts: dict[str, bytes], noise: bytes
) -> ShortClips:
    """Each spoken reflection clip as it is, cut in half, swapped for the next, and noise,
    judged as the check judges it: its rate, and alignment as a second witness."""
    from audio.listening.check import ClipHearing
    from audio.listening.recognizer import RecognitionError
    from audio.listening.words import spoken_words, word_errors
    from audio.reflections import clip_sentences, reflection_clips

    clips = {clip.id: clip for clip in reflection_clips(guide)}

    def judged(clip_id: str, pcm: bytes) -> ClipHearing:
        words = [
            w for s in clip_sentences(clips[clip_id]) for w in recognizer.usable(spoken_words(s))
        ]
        errors = word_errors(words, recognizer.transcribe(pcm))
        try:
            recognizer.align(pcm, words)
            aligned = True
        except RecognitionError:
            aligned = False
        return ClipHearing(clip_id, clip_id, 0.0, 0.0, errors, aligned=aligned)

    ids = list(prompts)
    real = [judged(i, prompts[i]) for i in ids]
    half = [judged(i, prompts[i][: len(prompts[i]) // 4 * 2]) for i in ids]
    swapped = [judged(i, prompts[ids[(n + 1) % len(ids)]]) for n, i in enumerate(ids)]
    noisy = [judged(i, noise[: len(prompts[i])]) for i in ids]

    def rate(hearing: ClipHearing) -> float:
        return hearing.errors.rate if hearing.errors else 1.0

    return ShortClips(
        len(ids), max(map(rate, real)), sum(h.ok for h in real),
        sum(h.ok and rate(h) > 0.15 for h in real),
        min(map(rate, half)), sum(h.ok for h in half),
        min(map(rate, swapped)), sum(h.ok for h in swapped),
        min(map(rate, noisy)), sum(h.ok for h in noisy),
    )


def _separation(
    name: str, transcribe: Any, guide: Any, recordings: dict[str, bytes], noise: bytes
) -> Separation:
    from audio.listening.recognizer import SAMPLE_RATE
    from audio.listening.words import narrated_sentences, spoken_words, word_errors

    def rate(section_id: str, pcm: bytes) -> float:
        sentences = narrated_sentences(guide.section(section_id))
        reference = [word for sentence in sentences for word in spoken_words(sentence)]
        return word_errors(reference, transcribe(pcm)).rate

    ids = list(recordings)
    started, cpu = time.perf_counter(), time.process_time()
    real = [rate(sid, recordings[sid]) for sid in ids]
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    half = [rate(sid, recordings[sid][: len(recordings[sid]) // 4 * 2]) for sid in ids]
    swapped = [rate(sid, recordings[ids[(n + 1) % len(ids)]]) for n, sid in enumerate(ids)]
    noisy = [rate(sid, noise[: len(recordings[sid])]) for sid in ids[:3]]
    audio = sum(len(pcm) for pcm in recordings.values()) / (SAMPLE_RATE * 2)
    return Separation(
        name, max(real), sum(real) / len(real), min(half), min(swapped), min(noisy),
        seconds / audio, cpu_seconds / audio,
    )


def report(figures: Figures) -> str:
    """The figures as lines of text."""
    lines = [
        f"{figures.clips} clips, {figures.audio_seconds:.0f} s of audio; recognizer load "
        f"{figures.recognizer_load_seconds:.2f} s",
    ]
    for model in figures.models:
        lines.append(
            f"listening, {model.model} model: {model.real_time_factor:.3f}x the audio's length "
            f"({model.cpu_real_time_factor:.3f}x in CPU time); "
            f"word error rate of real clips {model.real_mean:.1%} mean, {model.real_worst:.1%} "
            f"worst; best of the bad: cut in half {model.half_best:.1%}, another section's "
            f"{model.swapped_best:.1%}, noise {model.noise_best:.1%}"
        )
    short = figures.reflections
    lines.append(
        f"guided reflection, {short.clips} spoken clips: real worst {short.real_worst:.1%}, "
        f"{short.real_passed} pass ({short.real_passed_by_alignment} over 15% by alignment); "
        f"cut in half best {short.half_best:.1%}, {short.half_passed} pass; another "
        f"prompt's best {short.swapped_best:.1%}, {short.swapped_passed} pass; noise best "
        f"{short.noise_best:.1%}, {short.noise_passed} pass"
    )
    lines.append(
        f"caption alignment: {figures.alignment_seconds:.1f} s = "
        f"{figures.alignment_real_time_factor:.3f}x the audio's length "
        f"({figures.alignment_cpu_real_time_factor:.3f}x in CPU time, ffmpeg apart)"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
