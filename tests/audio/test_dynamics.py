"""Dynamics on synthetic signals: limiting by gain, compression, loudness normalisation."""

from __future__ import annotations

import math
import time

import numpy as np
import pytest

from audio import dynamics, loudness
from audio.render import to_samples
from tests.audio.conftest import syllables

RATE = 24000


def sine(frequency: float, amplitude: float, seconds: float = 3.0) -> np.ndarray:
    time = np.arange(int(seconds * RATE)) / RATE
    return (amplitude * np.sin(2 * np.pi * frequency * time)).astype(np.float32)


def test_the_limiter_holds_peaks_under_the_ceiling_without_clipping() -> None:
    samples = to_samples(syllables(6.0, -6.0, rate=RATE)) * 4.0  # up to +12 dB over full scale
    limited = dynamics.limit_true_peak(samples, RATE, -3.0)
    assert loudness.true_peak(limited) <= -3.0 + 0.01
    quiet = np.abs(samples) < loudness.db_to_gain(-30)
    # Gain reduction, not clipping: quiet passages far from peaks keep their shape.
    assert np.count_nonzero(np.isclose(limited[quiet], samples[quiet])) > quiet.sum() * 0.3


def test_the_limiter_leaves_quiet_audio_alone() -> None:
    samples = sine(440, 0.1)
    assert dynamics.limit_true_peak(samples, RATE, -3.0) is samples


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


def test_a_gapped_signal_is_processed_as_fast_as_a_continuous_one() -> None:
    # IIR filters decaying through digital silence reach denormal numbers, which are slow.
    speech = to_samples(syllables(2.0, -20.0, rate=RATE))
    gapped = np.concatenate([np.concatenate([speech, np.zeros(RATE, np.float32)])] * 10)
    continuous = np.concatenate([speech] * 15)
    timings = []
    for samples in (continuous, gapped):
        started = time.perf_counter()
        dynamics.normalize(samples, RATE, target_lufs=-14.0, ceiling_db=-3.5)
        timings.append(time.perf_counter() - started)
    assert timings[1] < 3 * timings[0]


def test_the_limiter_gain_never_rises_above_what_any_sample_needs() -> None:
    rng = np.random.default_rng(3)
    required = rng.uniform(0.2, 1.0, size=500).astype(np.float32)
    curve = dynamics.per_sample(dynamics.smooth_gain(required, RATE), 500 * 16)
    needed = np.repeat(required, 16)
    assert np.all(curve <= needed + 1e-6)
