"""Dynamics on synthetic signals: compression, smooth gain, loudness normalisation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from audio import dynamics, loudness
from audio.render import to_samples
from tests.audio.conftest import SINE_RATE as RATE
from tests.audio.conftest import sine, syllables


def test_the_compressor_evens_out_loud_and_soft_stretches() -> None:
    samples = np.concatenate([sine(200, 0.02, 1.0), sine(200, 0.5, 1.0)])
    squeezed = dynamics.compress(samples, RATE, threshold_db=-30.0, ratio=4.0)
    soft, loud = squeezed[: RATE // 2], squeezed[int(1.5 * RATE) :]
    before = 20 * math.log10(0.5 / 0.02)
    after = 20 * math.log10(float(np.abs(loud).max() / np.abs(soft).max()))
    assert after < before - 10


@pytest.mark.parametrize("level_dbfs", [-40.0, -20.0, -3.0])
def test_normalize_reaches_the_target_loudness_under_the_peak_ceiling(level_dbfs: float) -> None:
    samples = to_samples(syllables(10.0, level_dbfs, rate=RATE))
    result = dynamics.normalize(samples, RATE, target_lufs=-14.0, ceiling_db=-3.5)
    assert loudness.integrated_loudness(result, RATE) == pytest.approx(-14.0, abs=0.15)
    assert loudness.true_peak(result) <= -3.5 + 0.01


def test_normalize_leaves_silence_silent() -> None:
    silence = np.zeros(RATE, dtype=np.float32)
    assert not dynamics.normalize(silence, RATE, -14.0, -3.5).any()


def test_the_limiter_gain_never_rises_above_what_any_sample_needs() -> None:
    rng = np.random.default_rng(3)
    required = rng.uniform(0.2, 1.0, size=500).astype(np.float32)
    curve = dynamics.per_sample(dynamics.smooth_gain(required, RATE), 500 * 16)
    needed = np.repeat(required, 16)
    assert np.all(curve <= needed + 1e-6)
