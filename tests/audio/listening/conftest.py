"""Real Piper clips of three of the guide's sections, built once with captions, by a seeded
voice of the listening tests' own.

Piper draws noise for every sentence it speaks (onnxruntime's random ops, seeded from the clock
unless set), so a rendition differs on every run, and now and then one says a word less clearly
than the recognizer needs. Seeded, and used by these tests alone, in their order, the voice
speaks the same clips on every run: what the tests hear is what was measured here. Under
pytest-xdist each module's tests run on one worker, in order, with that worker's seeded voice.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from audio.build import BuildOptions, build_store
from audio.cache import ClipCache
from audio.listening.check import guide_recognizer
from audio.listening.recognizer import Recognizer
from audio.settings import RenderSettings
from audio.stores import LocalStore
from audio.voices import Voice
from audio.voices.piper_voice import PiperVoice, bundled_model_path, load_model
from content import Guide, default_guide

SECTIONS = ("introduction", "what-it-means", "final-thoughts")
SEED = 20261207  # onnxruntime's seed for the voice's random draws


@pytest.fixture(scope="session")
def offline_voice(tmp_path_factory: pytest.TempPathFactory) -> Voice:
    """The bundled Piper voice on a model session of its own, created just after seeding
    onnxruntime, so its noise is the same sequence on every run of these tests."""
    import onnxruntime

    bundled = bundled_model_path()
    folder = tmp_path_factory.mktemp("seeded-voice")
    for source in (bundled, bundled.with_name(f"{bundled.name}.json")):
        (folder / source.name).symlink_to(source)
    onnxruntime.set_seed(SEED)
    load_model(folder / bundled.name)  # the session's random kernels take the seed now
    return PiperVoice(folder / bundled.name)


@pytest.fixture(scope="session")
def three_sections() -> Guide:
    """The real guide cut to three of its sections (their own words, as narrated)."""
    guide = default_guide()
    sections = tuple(
        section.model_copy(update={"follow_ups": tuple(
            follow for follow in section.follow_ups if follow.section in (None, *SECTIONS)
        )})
        for section in (guide.section(s) for s in SECTIONS)
    )
    skill = guide.skill.model_copy(update={"launch_topics": SECTIONS[:2]})
    return Guide(sections=sections, skill=skill, phrasings=guide.phrasings)


@pytest.fixture(scope="session")
def recognizer(three_sections: Guide) -> Recognizer:
    """One recognizer for the session: each decoder loads once."""
    return guide_recognizer(three_sections)


@pytest.fixture(scope="session")
def captioned_store(
    tmp_path_factory: pytest.TempPathFactory, three_sections: Guide, offline_voice: Voice
) -> Path:
    """The three sections narrated by Piper into a folder, with captions; copy before changing."""
    root = tmp_path_factory.mktemp("captioned")
    build_store(
        three_sections, LocalStore(root / "store"), offline_voice, RenderSettings(),
        ClipCache(root / "cache"), BuildOptions(captions=True),
    )
    return root / "store"
