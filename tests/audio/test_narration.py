"""Narrating sections with the offline voice: parts, pauses, content addresses."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from itertools import pairwise

import numpy as np
import pytest
from pydub import AudioSegment
from pydub.generators import Sine

from audio import mpeg
from audio.errors import AudioError
from audio.narration import (
    RenderedPart,
    SpokenParagraph,
    narrate_section,
    part_title,
    plan_parts,
    section_fingerprint,
)
from audio.render import clip_problems, inspect_clip
from audio.settings import RenderSettings
from audio.voices import Voice
from content.lexicon import Entry, Lexicon
from content.models import FollowUp, Section
from tests.audio.conftest import decoded

SETTINGS = RenderSettings()
BODY = "Rest often. Drink water.\n\n- Walk outside\n- Call a friend"
LONG_BODY = (
    "Healing takes time, and there is no need to rush it.\n\n"
    "Some days will feel lighter than others, and that is normal.\n\n"
    "You can come back to these words whenever you need them."
)
SHORT_PARTS = dataclasses.replace(SETTINGS, max_part_seconds=5.5)
ALBUM = "No Contact Companion"


@pytest.fixture(scope="module")
def section() -> Section:
    return Section(
        id="small-steps",
        title="Small Steps",
        narrate_title=True,
        topic="small steps",
        synonyms=("steps",),
        follow_ups=(FollowUp(question="Would you like a reflection?", reflection=True),),
        reflections=("What helps?",),
        body=BODY,
    )


@pytest.fixture(scope="module")
def parts(section: Section, offline_voice: Voice) -> tuple[RenderedPart, ...]:
    return narrate_section(section, offline_voice, SETTINGS, album=ALBUM)


@pytest.fixture(scope="module")
def split_parts(offline_voice: Voice) -> tuple[RenderedPart, ...]:
    section = Section.model_validate(
        {
            "id": "long-one", "title": "A Longer Section", "narrate_title": False,
            "topic": "longer", "synonyms": ["longer"], "reflections": ["What helps?"],
            "follow_ups": [{"question": "Would you like a reflection?", "reflection": True}],
            "body": LONG_BODY,
        }
    )
    return narrate_section(section, offline_voice, SHORT_PARTS, album="Test Album")


def silent_gaps(mp3: bytes) -> list[float]:
    """Lengths in seconds of the stretches of (near) silence inside a clip."""
    samples = decoded(mp3)
    frames = samples[: len(samples) // 240 * 240].reshape(-1, 240)
    quiet = np.sqrt((frames**2).mean(axis=1)) < 10 ** (-50 / 20)
    gaps, run = [], 0
    for is_quiet in quiet:
        if is_quiet:
            run += 1
        elif run:
            gaps.append(run / 100)
            run = 0
    return [gap for gap in gaps if gap >= 0.2]


@pytest.mark.slow
def test_a_short_section_is_one_compliant_part(parts: tuple[RenderedPart, ...]) -> None:
    assert [part.number for part in parts] == [1]
    (part,) = parts
    assert clip_problems(part.mp3) == []
    info = inspect_clip(part.mp3)
    assert (info.title, info.album) == ("Small Steps", ALBUM)
    assert part.duration == pytest.approx(mpeg.scan(part.mp3).duration, abs=0.001)
    assert part.sha256 == hashlib.sha256(part.mp3).hexdigest()


@pytest.mark.slow
def test_the_heading_is_followed_by_the_longest_pause(parts: tuple[RenderedPart, ...]) -> None:
    gaps = silent_gaps(parts[0].mp3)
    # Heading, sentence, paragraph and list pauses, in the order the section has them.
    assert len(gaps) == 4
    assert gaps[0] == max(gaps)
    assert gaps[0] == pytest.approx(SETTINGS.heading_pause_ms / 1000, abs=0.15)
    assert gaps[1] == pytest.approx(SETTINGS.sentence_pause_ms / 1000, abs=0.15)


@pytest.mark.slow
def test_a_long_section_is_split_into_numbered_parts_under_the_limit(
    split_parts: tuple[RenderedPart, ...],
) -> None:
    assert len(split_parts) >= 2
    assert [part.number for part in split_parts] == list(range(1, len(split_parts) + 1))
    for part in split_parts:
        assert clip_problems(part.mp3, SHORT_PARTS) == []
        assert inspect_clip(part.mp3).title == f"A Longer Section (part {part.number})"


def spoken(kind: str, *seconds: float) -> SpokenParagraph:
    """A paragraph of silent 'sentences' with the given lengths, for planning tests."""
    return SpokenParagraph(
        kind=kind,  # type: ignore[arg-type]
        sentences=tuple(AudioSegment.silent(duration=int(s * 1000)) for s in seconds),
    )


def durations(part: list[SpokenParagraph]) -> list[list[float]]:
    return [[round(s.duration_seconds, 1) for s in p.sentences] for p in part]


def part_seconds(part: list[SpokenParagraph]) -> float:
    total = sum(s.duration_seconds for p in part for s in p.sentences)
    pauses = sum(len(p.sentences) - 1 for p in part) * SETTINGS.sentence_pause_ms
    between = sum(SETTINGS.pause_ms(a.kind, b.kind) for a, b in pairwise(part))
    return total + (pauses + between) / 1000


def test_a_section_under_the_limit_stays_whole() -> None:
    paragraphs = [spoken("heading", 1), spoken("paragraph", 2, 2), spoken("item", 1)]
    assert plan_parts(paragraphs, SETTINGS, 240.0) == [paragraphs]


def test_parts_break_between_paragraphs_and_come_out_even() -> None:
    # 25 paragraphs of 10 s with 0.85 s between them last 270.4 s: filling parts greedily
    # would give 22 paragraphs then 3; even parts are 13 and 12.
    paragraphs = [spoken("paragraph", 10.0) for _ in range(25)]
    parts = plan_parts(paragraphs, SETTINGS, 239.5)
    assert [p for part in parts for p in part] == paragraphs
    assert [len(part) for part in parts] == [13, 12]
    assert all(part_seconds(part) <= 239.5 for part in parts)


def test_a_paragraph_over_the_limit_breaks_between_its_sentences() -> None:
    parts = plan_parts([spoken("paragraph", 3, 3, 3, 3)], SETTINGS, 7.0)
    assert [durations(part) for part in parts] == [[[3.0, 3.0]], [[3.0, 3.0]]]
    assert all(part_seconds(part) <= 7.0 for part in parts)


def test_a_sentence_over_the_limit_cannot_be_split() -> None:
    with pytest.raises(
        AudioError, match=r"one sentence lasts 9 s.*break it into shorter sentences"
    ):
        plan_parts([spoken("paragraph", 2, 9)], SETTINGS, 7.0)


def test_part_titles_number_only_when_there_are_several() -> None:
    assert part_title("Regret", 1, 1) == "Regret"
    assert part_title("Regret", 2, 3) == "Regret (part 2)"


def test_a_section_with_nothing_to_say_is_refused(
    make_section: Callable[..., Section], offline_voice: Voice
) -> None:
    with pytest.raises(AudioError, match="has nothing to narrate"):
        narrate_section(make_section("🌿", narrate_title=False), offline_voice, SETTINGS, ALBUM)


def test_the_fingerprint_is_stable_and_changes_with_what_is_heard(
    make_section: Callable[..., Section],
) -> None:
    base = make_section("Rest often. Drink water.")
    voice = "piper:en_US-joe-medium:000000000000"
    fingerprint = section_fingerprint(base, voice, SETTINGS)
    again = make_section("Rest often. Drink water.")
    assert fingerprint == section_fingerprint(again, voice, SETTINGS)
    assert len(fingerprint) == 64
    changed = {
        section_fingerprint(make_section("Rest often. Drink tea."), voice, SETTINGS),
        section_fingerprint(make_section("Rest often, drink water."), voice, SETTINGS),
        section_fingerprint(make_section("Rest often. Drink water.", title="New"), voice, SETTINGS),
        section_fingerprint(base, "gtts:en:com", SETTINGS),
        section_fingerprint(base, voice, dataclasses.replace(SETTINGS, sentence_pause_ms=500)),
    }
    assert fingerprint not in changed and len(changed) == 5


def test_the_fingerprint_ignores_what_is_never_narrated(
    make_section: Callable[..., Section],
) -> None:
    base = make_section("Rest often.")
    voice = "piper:en_US-joe-medium:000000000000"
    edited = make_section(
        synonyms=("something else",),
        phrasings=("how do I rest",),
        reflections=("A new question?",),
        body="  Rest often.\n",
    )
    unchanged = section_fingerprint(base, voice, SETTINGS)
    assert section_fingerprint(edited, voice, SETTINGS) == unchanged


LEXICON = Lexicon((Entry("DNA", "D N A"), Entry("ace", "ayss")))


def test_the_fingerprint_counts_only_the_lexicon_entries_the_section_uses(
    make_section: Callable[..., Section],
) -> None:
    voice = "piper:en_US-joe-medium:000000000000"
    with_dna = make_section("We share DNA. Rest often.")
    without = make_section("Rest often. Drink water.")
    plain = section_fingerprint(with_dna, voice, SETTINGS)
    respelled = section_fingerprint(with_dna, voice, SETTINGS, LEXICON)
    assert respelled != plain
    # Another spelling of an entry the section uses changes it; one it does not use, nothing.
    changed = Lexicon((Entry("DNA", "dee en ay"), Entry("ace", "ayss")))
    assert section_fingerprint(with_dna, voice, SETTINGS, changed) != respelled
    unused = Lexicon((Entry("DNA", "D N A"), Entry("ace", "aysse")))
    assert section_fingerprint(with_dna, voice, SETTINGS, unused) == respelled
    assert section_fingerprint(without, voice, SETTINGS, LEXICON) == section_fingerprint(
        without, voice, SETTINGS
    )


@dataclasses.dataclass
class ListeningVoice:
    """A real voice for the seam: a tone per sentence, remembering what it was asked to say."""

    heard: list[str] = dataclasses.field(default_factory=list)
    id: str = "tone:1"

    def synthesize(self, text: str) -> AudioSegment:
        self.heard.append(text)
        return Sine(220).to_audio_segment(duration=300, volume=-20).set_frame_rate(22050)


def test_every_voice_reads_the_respelled_sentences(make_section: Callable[..., Section]) -> None:
    voice = ListeningVoice()
    section = make_section("We share DNA. An Ace is not a peace.", narrate_title=False)
    narrate_section(section, voice, SETTINGS, album=ALBUM, lexicon=LEXICON)
    assert voice.heard == ["We share D N A.", "An Ayss is not a peace."]


@dataclasses.dataclass
class SsmlListeningVoice(ListeningVoice):
    """A voice that also reads SSML, as Polly does."""

    documents: list[str] = dataclasses.field(default_factory=list)

    def synthesize_ssml(self, ssml: str) -> AudioSegment:
        self.documents.append(ssml)
        return Sine(220).to_audio_segment(duration=300, volume=-20).set_frame_rate(22050)


def test_a_voice_that_reads_ssml_gets_ipa_where_the_lexicon_has_it(
    make_section: Callable[..., Section],
) -> None:
    lexicon = Lexicon((Entry("DNA", "D N A", ipa="ˌdiːɛnˈeɪ"), Entry("ace", "ayss")))
    section = make_section("We share DNA. An ace.", narrate_title=False)
    ssml_voice, plain_voice = SsmlListeningVoice(), ListeningVoice()
    narrate_section(section, ssml_voice, SETTINGS, album=ALBUM, lexicon=lexicon)
    narrate_section(section, plain_voice, SETTINGS, album=ALBUM, lexicon=lexicon)
    assert ssml_voice.documents == ['<speak>We share <phoneme alphabet="ipa" ph="ˌdiːɛnˈeɪ">'
                                    "DNA</phoneme>.</speak>"]
    assert ssml_voice.heard == ["An ayss."]
    assert plain_voice.heard == ["We share D N A.", "An ayss."]
    voice = "polly:Matthew:neural"
    assert section_fingerprint(section, voice, SETTINGS, lexicon) != section_fingerprint(
        section, voice, SETTINGS, Lexicon((Entry("DNA", "D N A"), Entry("ace", "ayss")))
    )
