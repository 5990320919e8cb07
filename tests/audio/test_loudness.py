"""Loudness and true-peak measurement on synthetic signals, checked against reference values."""

from __future__ import annotations

import math

import numpy as np
import pyloudnorm
import pytest
from scipy.signal import resample_poly

from audio import loudness
from audio.render import to_samples
from tests.audio.conftest import SINE_RATE as RATE
from tests.audio.conftest import sine, syllables


def test_a_full_scale_997_hz_sine_reads_minus_3_lufs() -> None:
    # BS.1770's calibration: a 0 dBFS sine at 997 Hz measures -3.01 LUFS (pyloudnorm's
    # cookbook filters read 0.05 LU lower).
    assert loudness.integrated_loudness(sine(997, 1.0), RATE) == pytest.approx(-3.01, abs=0.1)


@pytest.mark.parametrize("level_dbfs", [-10.0, -30.0])
def test_loudness_agrees_with_pyloudnorm(level_dbfs: float) -> None:
    samples = to_samples(syllables(8.0, level_dbfs, rate=RATE))
    reference = pyloudnorm.Meter(RATE).integrated_loudness(samples.astype(np.float64))
    assert loudness.integrated_loudness(samples, RATE) == pytest.approx(reference, abs=0.05)


def test_silence_has_no_loudness() -> None:
    assert loudness.integrated_loudness(np.zeros(RATE, dtype=np.float32), RATE) == -math.inf
    assert loudness.true_peak(np.zeros(RATE, dtype=np.float32)) == -math.inf


def test_true_peak_finds_the_peak_between_samples() -> None:
    # At a quarter of the sample rate with a 45 degree phase, every sample sits 3 dB under
    # the waveform's real peak.
    samples = sine(RATE / 4, 0.5, seconds=0.5, phase=math.pi / 4)
    sample_peak = 20 * math.log10(float(np.abs(samples).max()))
    assert sample_peak == pytest.approx(-9.03, abs=0.05)
    assert loudness.true_peak(samples) == pytest.approx(-6.02, abs=0.3)


def test_true_peak_agrees_with_brute_force_oversampling() -> None:
    samples = to_samples(syllables(4.0, -12.0, rate=RATE))
    oversampled = resample_poly(samples, 4, 1)
    reference = 20 * math.log10(float(np.abs(oversampled).max()))
    # The standard's short interpolator reads up to half a decibel low on white noise, whose
    # energy reaches up to the Nyquist frequency; speech has little there.
    assert loudness.true_peak(samples) == pytest.approx(reference, abs=0.5)
