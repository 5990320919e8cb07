"""The space to think and its chime, as samples (pure numpy)."""

from __future__ import annotations

import numpy as np
import pytest

from audio.chime import CHIME_SECONDS, chime, quiet_until, space

RATE = 24000


def test_the_chime_rises_slowly_and_ends_in_silence() -> None:
    tone = chime(RATE)
    assert len(tone) == round(CHIME_SECONDS * RATE)
    first_tenth = np.abs(tone[: RATE // 10]).max()
    assert first_tenth < 0.25 * np.abs(tone).max()  # no click: a slow attack
    assert abs(float(tone[-1])) < 1e-6 and np.abs(tone[-RATE // 100 :]).max() < 1e-3


def test_a_space_is_digital_silence_until_its_chime() -> None:
    samples = space(45, RATE, with_chime=True)
    assert len(samples) == 45 * RATE
    quiet = round(quiet_until(45, with_chime=True) * RATE)
    assert not samples[:quiet].any() and samples[quiet:].any()


def test_a_space_without_chime_is_silent_throughout() -> None:
    samples = space(20, RATE, with_chime=False)
    assert not samples.any() and quiet_until(20, with_chime=False) == 20


def test_a_space_shorter_than_the_chime_is_refused() -> None:
    with pytest.raises(ValueError, match="shorter than its chime"):
        space(2, RATE, with_chime=True)
