"""Captions on real Piper clips: valid WebVTT, one cue per sentence in order, kept across
builds without aligning again; a build that listens publishes nothing when a clip is wrong."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pydub import AudioSegment

from audio.build import BuildOptions, build_store
from audio.cache import ClipCache
from audio.errors import AudioError
from audio.listening.captions import parse_webvtt
from audio.listening.words import narrated_sentences
from audio.reflections import clip_sentences, reflection_clips
from audio.settings import RenderSettings
from audio.stores import LocalStore
from audio.voices import Voice
from content import Guide
from tests.audio.conftest import published

pytestmark = pytest.mark.slow  # real synthesis and alignment


def test_every_clip_has_captions_of_its_sentences_in_order(
    captioned_store: Path, three_sections: Guide
) -> None:
    store = LocalStore(captioned_store)
    for entry in published(store).sections:
        [part] = entry.parts
        assert part.captions is not None
        data = store.get(part.captions.key)
        assert data is not None and len(data) == part.captions.bytes
        cues = parse_webvtt(data)
        sentences = narrated_sentences(three_sections.section(entry.id))
        assert [cue.text for cue in cues] == list(sentences)
        times = [t for cue in cues for t in (cue.start, *cue.word_starts, cue.end)]
        assert times == sorted(times)
        assert 0 <= cues[0].start < 1.0 and cues[-1].end <= part.duration
        assert part.duration - cues[-1].end < 1.0  # the last sentence ends with the clip


def test_every_spoken_clip_of_the_guided_reflection_has_captions_of_its_words(
    captioned_store: Path, three_sections: Guide
) -> None:
    store = LocalStore(captioned_store)
    clips = {clip.id: clip for clip in reflection_clips(three_sections)}
    for entry in published(store).reflections:
        [part] = entry.parts
        if clips[entry.id].kind == "space":
            assert part.captions is None
            continue
        assert part.captions is not None
        cues = parse_webvtt(store.get(part.captions.key) or b"")
        assert [cue.text for cue in cues] == list(clip_sentences(clips[entry.id]))
        assert 0 <= cues[0].start < cues[-1].end <= part.duration


def test_an_unchanged_clip_keeps_its_captions_without_aligning_again(
    captioned_store: Path, tmp_path: Path, three_sections: Guide, offline_voice: Voice
) -> None:
    shutil.copytree(captioned_store, tmp_path / "store")
    store = LocalStore(tmp_path / "store")
    before = published(store)
    for captions in (True, False):
        report = build_store(
            three_sections, store, offline_voice, RenderSettings(), ClipCache(tmp_path / "c"),
            BuildOptions(captions=captions),
        )
        assert (report.synthesized, report.captioned, report.published) == (0, 0, False)
    assert published(store) == before


def test_captions_are_added_to_clips_built_without_them(
    captioned_store: Path, tmp_path: Path, three_sections: Guide, offline_voice: Voice
) -> None:
    shutil.copytree(captioned_store, tmp_path / "store")
    store = LocalStore(tmp_path / "store")
    captioned = published(store)
    bare = captioned.model_copy(update={kind: tuple(
        entry.model_copy(update={"parts": tuple(
            part.model_copy(update={"captions": None}) for part in entry.parts
        )})
        for entry in getattr(captioned, kind)
    ) for kind in ("sections", "reflections")})
    store.put("manifest.json", bare.to_json(), content_type="application/json", cache_control="")
    assert b"captions" not in bare.to_json()
    report = build_store(
        three_sections, store, offline_voice, RenderSettings(), ClipCache(tmp_path / "c"),
        BuildOptions(captions=True),
    )
    spoken = len(captioned.reflections) - 1  # all but the space
    assert (report.synthesized, report.uploaded, report.captioned) == (0, 0, 3 + spoken)
    assert published(store) == captioned  # alignment is deterministic: the same captions


class _WrongWords:
    """A voice that says the same unrelated sentence whatever it is given."""

    def __init__(self, voice: Voice) -> None:
        self._voice = voice

    @property
    def id(self) -> str:
        return f"wrong-words/{self._voice.id}"

    def synthesize(self, text: str) -> AudioSegment:
        return self._voice.synthesize("The weather is sunny and the train is late.")


def test_a_listening_build_publishes_nothing_when_a_clip_says_the_wrong_words(
    captioned_store: Path, tmp_path: Path, three_sections: Guide, offline_voice: Voice
) -> None:
    shutil.copytree(captioned_store, tmp_path / "store")
    store = LocalStore(tmp_path / "store")
    before = (tmp_path / "store" / "manifest.json").read_bytes()
    with pytest.raises(AudioError, match=r"listening check failed for 14 of 15 clips.*clips/"):
        build_store(
            three_sections, store, _WrongWords(offline_voice), RenderSettings(),
            ClipCache(tmp_path / "c"), BuildOptions(listen=True),
        )
    assert (tmp_path / "store" / "manifest.json").read_bytes() == before


def test_captions_gone_from_the_store_are_made_again_or_no_longer_listed(
    captioned_store: Path, tmp_path: Path, three_sections: Guide, offline_voice: Voice
) -> None:
    shutil.copytree(captioned_store, tmp_path / "store")
    store = LocalStore(tmp_path / "store")
    captioned = published(store)
    lost = captioned.sections[1].parts[0]
    assert lost.captions is not None
    store.delete([lost.captions.key])
    without = build_store(
        three_sections, store, offline_voice, RenderSettings(), ClipCache(tmp_path / "c"),
        BuildOptions(),
    )
    assert without.published and published(store).sections[1].parts[0].captions is None
    assert published(store).sections[0] == captioned.sections[0]
    again = build_store(
        three_sections, store, offline_voice, RenderSettings(), ClipCache(tmp_path / "c"),
        BuildOptions(captions=True),
    )
    assert (again.captioned, again.uploaded) == (1, 0)
    assert published(store) == captioned
