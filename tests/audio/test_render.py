"""Rendering steps on synthetic signals; clips checked by reading their bytes and measuring them."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pyloudnorm
import pytest
from pydub import AudioSegment
from pydub.generators import Sine
from scipy.signal import resample_poly

from audio import ffmpeg, loudness, mpeg
from audio.errors import AudioError
from audio.render import (
    RenderSettings,
    clip_problems,
    export_mp3,
    inspect_clip,
    join_with_pauses,
    normalize_loudness,
    render_clip,
    tag_mp3,
    to_samples,
    trim_silence,
)
from tests.audio.conftest import SPEECH_RATE, decoded, syllables

SETTINGS = RenderSettings()


def tone(milliseconds: int, volume: float = -12.0) -> AudioSegment:
    return Sine(220, sample_rate=SPEECH_RATE).to_audio_segment(duration=milliseconds, volume=volume)


def silence(milliseconds: int) -> AudioSegment:
    return AudioSegment.silent(duration=milliseconds, frame_rate=SPEECH_RATE)


@pytest.fixture(scope="module")
def rendered_clip() -> bytes:
    """Eight seconds of speech-like sound, rendered the way every section is."""
    return render_clip(
        syllables(8.0, -30.0), SETTINGS, title="A Short Section", album="No Contact Companion"
    )


def test_silence_at_both_edges_is_trimmed_to_a_small_margin() -> None:
    trimmed = trim_silence(silence(700) + tone(1000) + silence(900), SETTINGS)
    assert len(trimmed) == pytest.approx(1000 + 2 * SETTINGS.edge_margin_ms, abs=3)


def test_quiet_noise_below_the_threshold_counts_as_silence() -> None:
    hiss = tone(500, volume=-70.0)
    trimmed = trim_silence(hiss + tone(1000) + hiss, SETTINGS)
    assert len(trimmed) == pytest.approx(1000 + 2 * SETTINGS.edge_margin_ms, abs=3)


def test_a_silent_segment_trims_to_nothing() -> None:
    assert len(trim_silence(silence(500), SETTINGS)) == 0


def test_pauses_are_inserted_between_segments_as_true_silence() -> None:
    joined = join_with_pauses([tone(300), tone(200), tone(100)], [400, 850])
    assert len(joined) == pytest.approx(300 + 400 + 200 + 850 + 100, abs=2)
    samples = to_samples(joined)
    first_gap = samples[int(0.31 * SPEECH_RATE) : int(0.69 * SPEECH_RATE)]
    assert not first_gap.any()


def test_joining_converts_every_segment_to_the_first_ones_format() -> None:
    stereo = tone(200).set_frame_rate(44100).set_channels(2)
    joined = join_with_pauses([tone(200), stereo], [100])
    assert (joined.frame_rate, joined.channels) == (SPEECH_RATE, 1)
    assert len(joined) == pytest.approx(500, abs=2)


def test_joining_needs_one_pause_fewer_than_segments() -> None:
    with pytest.raises(ValueError, match="need 1 pauses"):
        join_with_pauses([tone(100), tone(100)], [100, 100])


@pytest.mark.parametrize(
    ("before", "after", "pause"),
    [
        ("heading", "paragraph", SETTINGS.heading_pause_ms),
        ("paragraph", "heading", SETTINGS.heading_pause_ms),
        ("item", "heading", SETTINGS.heading_pause_ms),
        ("item", "item", SETTINGS.item_pause_ms),
        ("item", "paragraph", SETTINGS.paragraph_pause_ms),
        ("paragraph", "item", SETTINGS.paragraph_pause_ms),
        ("paragraph", "paragraph", SETTINGS.paragraph_pause_ms),
    ],
)
def test_pauses_are_longest_around_headings_and_shortest_within_lists(
    before: str, after: str, pause: int
) -> None:
    assert SETTINGS.pause_ms(before, after) == pause  # type: ignore[arg-type]


@pytest.mark.parametrize("level_dbfs", [-40.0, -10.0])
def test_loudness_is_normalised_and_measured_before_encoding(level_dbfs: float) -> None:
    result = to_samples(normalize_loudness(syllables(6.0, level_dbfs), SETTINGS))
    target = SETTINGS.target_lufs + SETTINGS.encoder_loudness_loss_lu
    assert loudness.integrated_loudness(result, SPEECH_RATE) == pytest.approx(target, abs=0.2)
    ceiling = SETTINGS.true_peak_dbtp - SETTINGS.encoder_headroom_db
    assert loudness.true_peak(result) <= ceiling + 0.05


def test_the_clip_bytes_are_mpeg2_layer3_48kbps_cbr_24khz_mono_without_xing(
    rendered_clip: bytes,
) -> None:
    scan = mpeg.scan(rendered_clip)
    assert scan.damage is None and not scan.has_xing_header
    shapes = {(f.version, f.layer, f.bitrate_kbps, f.sample_rate, f.channels) for f in scan.frames}
    assert shapes == {(2.0, 3, 48, 24000, 1)}
    assert scan.duration == pytest.approx(8.0, abs=0.15)


def test_the_decoded_clip_meets_the_loudness_and_peak_targets(rendered_clip: bytes) -> None:
    samples = decoded(rendered_clip)
    assert pyloudnorm.Meter(24000).integrated_loudness(samples) == pytest.approx(-14.0, abs=1.0)
    oversampled = resample_poly(samples, 4, 1)
    assert 20 * math.log10(float(np.abs(oversampled).max())) <= -2.0


def test_a_rendered_clip_passes_every_check_and_carries_its_tags(rendered_clip: bytes) -> None:
    assert clip_problems(rendered_clip) == []
    info = inspect_clip(rendered_clip)
    assert (info.title, info.album) == ("A Short Section", "No Contact Companion")
    assert info.frames == len(mpeg.scan(rendered_clip).frames)


def test_tags_survive_non_ascii_titles() -> None:
    clip = export_mp3(tone(500), SETTINGS, title="Final Thoughts: You’re Not Wrong", album="Ä")
    info = inspect_clip(tag_mp3(clip, title="Final Thoughts: You’re Not Wrong", album="Ä"))
    assert (info.title, info.album) == ("Final Thoughts: You’re Not Wrong", "Ä")


def test_a_format_lame_refuses_is_one_clear_error() -> None:
    with pytest.raises(AudioError, match="LAME could not encode the audio"):
        export_mp3(tone(500), dataclasses.replace(SETTINGS, channels=3), title="T", album="A")


def test_a_podcast_style_mp3_is_refused_with_every_reason() -> None:
    loud_stereo = syllables(3.0, -6.0).set_frame_rate(44100).set_channels(2)
    clip = ffmpeg.run_ffmpeg(
        ["-f", "s16le", "-ar", "44100", "-ac", "2", "-i", "pipe:0",
         "-codec:a", "libmp3lame", "-b:a", "128k", "-f", "mp3", "pipe:1"],
        loud_stereo.raw_data,
    )
    problems = " | ".join(clip_problems(clip))
    for reason in ("MPEG version 1", "128 kbps", "44100 Hz", "2 channels", "no ID3 title"):
        assert reason in problems


def test_a_quiet_clip_is_refused_for_its_loudness() -> None:
    clip = export_mp3(syllables(3.0, -40.0), SETTINGS, title="Quiet", album="Album")
    problems = clip_problems(clip)
    assert len(problems) == 1 and problems[0].startswith("loudness -")


def test_a_clip_longer_than_allowed_is_refused(rendered_clip: bytes) -> None:
    short_limit = dataclasses.replace(SETTINGS, max_part_seconds=5.0)
    assert clip_problems(rendered_clip, short_limit) == [
        f"{mpeg.scan(rendered_clip).duration:.1f} s long; Alexa plays at most 5 s"
    ]


@pytest.mark.parametrize("data", [b"", b"not audio at all", bytes(4000)])
def test_bytes_that_are_not_mp3_give_one_clear_problem(data: bytes) -> None:
    problems = clip_problems(data)
    assert len(problems) == 1 and problems[0].startswith("not an MP3 clip")


def test_the_settings_fingerprint_changes_with_every_setting() -> None:
    fingerprints = {SETTINGS.fingerprint()}
    for field in dataclasses.fields(RenderSettings):
        value = getattr(SETTINGS, field.name)
        changed = dataclasses.replace(SETTINGS, **{field.name: value - 1})
        fingerprints.add(changed.fingerprint())
    assert len(fingerprints) == len(dataclasses.fields(RenderSettings)) + 1


@pytest.mark.parametrize("seconds", [0.0, 240.5])
def test_parts_longer_than_alexa_plays_or_empty_are_refused_in_the_settings(
    seconds: float,
) -> None:
    with pytest.raises(ValueError, match="max_part_seconds must be over 0 and at most 240"):
        RenderSettings(max_part_seconds=seconds)


def test_normalising_silence_keeps_it_silent() -> None:
    assert not np.any(to_samples(normalize_loudness(silence(1000), SETTINGS)))
