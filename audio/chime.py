"""The space to think after a reflection prompt: quiet, then a soft synthesized chime.

Pure numpy, no recording: the chime is a sine at a low bell pitch with two faint overtones,
a slow raised-cosine attack and a long exponential decay that ends in exact silence, so it
marks the end of the space without startling anyone.
"""

from __future__ import annotations

import numpy as np

CHIME_SECONDS = 3.0
CHIME_FREQUENCY = 528.0  # Hz: low enough to be gentle, high enough for a small speaker
_ATTACK_SECONDS = 0.35
_DECAY_SECONDS = 0.7  # time constant of the fade after the attack
_FADE_OUT_SECONDS = 0.4  # a final cosine fade, so the tone ends at exactly zero
_OVERTONES = ((2.0, 0.25, 0.5), (3.0, 0.08, 0.3))  # (multiple, level, decay in seconds)
_LEVEL = 0.3  # peak amplitude before loudness normalisation
# Bump when the chime's sound changes, so rendered spaces are made again.
CHIME_VERSION = 1


def chime(sample_rate: int) -> np.ndarray:
    """The chime alone: CHIME_SECONDS of float32 samples in [-_LEVEL, _LEVEL]."""
    t = np.arange(round(CHIME_SECONDS * sample_rate), dtype=np.float64) / sample_rate
    rising = 0.5 - 0.5 * np.cos(np.pi * np.minimum(t / _ATTACK_SECONDS, 1.0))
    envelope = rising * np.exp(-np.maximum(t - _ATTACK_SECONDS, 0.0) / _DECAY_SECONDS)
    fade_start = CHIME_SECONDS - _FADE_OUT_SECONDS
    fade = np.clip((t - fade_start) / _FADE_OUT_SECONDS, 0.0, 1.0)
    envelope *= 0.5 + 0.5 * np.cos(np.pi * fade)
    tone = np.sin(2 * np.pi * CHIME_FREQUENCY * t)
    for multiple, level, decay in _OVERTONES:
        tone += level * np.exp(-t / decay) * np.sin(2 * np.pi * CHIME_FREQUENCY * multiple * t)
    samples = envelope * tone
    return (_LEVEL * samples / np.abs(samples).max()).astype(np.float32)


def space(
    seconds: float, sample_rate: int, *, with_chime: bool, tone: np.ndarray | None = None
) -> np.ndarray:
    """`seconds` of digital silence, its last CHIME_SECONDS the chime when `with_chime`
    (`tone` when given: the chime as it has been shaped, else as `chime` makes it)."""
    total = round(seconds * sample_rate)
    samples = np.zeros(total, dtype=np.float32)
    if with_chime:
        tone = chime(sample_rate) if tone is None else tone
        if len(tone) > total:
            raise ValueError(f"a space of {seconds:g} s is shorter than its chime")
        samples[total - len(tone):] = tone
    return samples


def quiet_until(seconds: float, *, with_chime: bool) -> float:
    """Where the quiet part of a space ends: where its chime starts, or its very end."""
    return seconds - CHIME_SECONDS if with_chime else seconds
