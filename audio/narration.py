"""Narrating a section: speech text, synthesis, and parts of at most 240 s, each a finished MP3.

`section_fingerprint` needs no audio stack, so planning a build stays fast; the rendering
functions import pydub and numpy (through `audio.render`) only when they run.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from audio import mpeg
from audio.errors import AudioError, SynthesisError
from audio.settings import RenderSettings
from audio.text import Paragraph, ParagraphKind, speech_paragraphs, speech_script
from content.lexicon import Lexicon

if TYPE_CHECKING:
    from pydub import AudioSegment

    from audio.voices import Voice
    from content.models import Section

logger = logging.getLogger(__name__)

# Room for the encoder's padding frames, so a planned 240 s part stays under 240 s as an MP3.
PART_MARGIN_SECONDS = 0.5


@dataclass(frozen=True)
class RenderedPart:
    """One finished clip of a section, numbered from 1."""

    number: int
    mp3: bytes
    duration: float

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of the MP3 bytes."""
        return hashlib.sha256(self.mp3).hexdigest()


@dataclass(frozen=True)
class SpokenParagraph:
    """A paragraph's sentences as audio, trimmed, in order."""

    kind: ParagraphKind
    sentences: tuple[AudioSegment, ...]


def section_fingerprint(
    section: Section, voice_id: str, settings: RenderSettings, lexicon: Lexicon = Lexicon()
) -> str:
    """Identity of a section's narration input: speech text, title, voice and render settings.

    Equal fingerprints mean the same thing to say the same way, not the same bytes: voices
    vary from one narration to the next, so clips are named by their own hash instead.
    Of the lexicon, only the entries that respell this section's words count: editing an
    entry narrates again only the sections it applies to.
    """
    paragraphs = speech_paragraphs(section.blocks)
    payload: dict[str, object] = {
        "title": section.title,
        "speech": speech_script(paragraphs),
        "voice": voice_id,
        "render": settings.fingerprint(),
    }
    applied = applied_entries(paragraphs, lexicon)
    if applied:  # absent otherwise, so a guide without entries keeps its fingerprints
        payload["lexicon"] = applied
    encoded = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()


def applied_entries(paragraphs: Sequence[Paragraph], lexicon: Lexicon) -> list[list[str]]:
    """The lexicon entries that respell these paragraphs' words, as fingerprint data."""
    applied = lexicon.applied("\n".join(s for p in paragraphs for s in p.sentences))
    return [[entry.word, entry.say, *([entry.ipa] if entry.ipa else [])] for entry in applied]


def part_title(title: str, number: int, count: int) -> str:
    """The clip's ID3 title: the section title, with the part number when there are several."""
    return title if count == 1 else f"{title} (part {number})"


@dataclass(frozen=True)
class SpokenSection:
    """A section's speech planned into parts: the voice's work done, the rendering's to do."""

    id: str
    title: str
    parts: tuple[tuple[SpokenParagraph, ...], ...]


def narrate_section(
    section: Section,
    voice: Voice,
    settings: RenderSettings,
    album: str,
    lexicon: Lexicon = Lexicon(),
) -> tuple[RenderedPart, ...]:
    """Synthesize every sentence of the section and render it into numbered MP3 parts.

    `album` is the ID3 album tag of every part: the skill's name. Every sentence is respelled
    with `lexicon` before the voice reads it.
    """
    return render_section(speak_section(section, voice, settings, lexicon), settings, album)


def speak_section(
    section: Section, voice: Voice, settings: RenderSettings, lexicon: Lexicon = Lexicon()
) -> SpokenSection:
    """The voice's share of narrating a section: every sentence spoken, grouped into parts."""
    paragraphs = speech_paragraphs(section.blocks)
    if not paragraphs:
        raise AudioError(f"section {section.id!r} has nothing to narrate; add text to its body")
    spoken = [speak(paragraph, voice, settings, lexicon) for paragraph in paragraphs]
    spoken = [paragraph for paragraph in spoken if paragraph.sentences]
    if not spoken:
        raise SynthesisError(f"voice {voice.id} produced no audio for section {section.id!r}")
    limit = settings.max_part_seconds - PART_MARGIN_SECONDS
    try:
        parts = plan_parts(spoken, settings, limit)
    except AudioError as error:
        raise AudioError(f"section {section.id!r}: {error}") from None
    logger.debug("section %s: %d part(s)", section.id, len(parts))
    return SpokenSection(section.id, section.title, tuple(tuple(part) for part in parts))


def render_section(
    spoken: SpokenSection, settings: RenderSettings, album: str
) -> tuple[RenderedPart, ...]:
    """The rendering's share: each part joined, set to the target loudness and encoded."""
    count = len(spoken.parts)
    return tuple(
        render_part(part, number, part_title(spoken.title, number, count), album, settings)
        for number, part in enumerate(spoken.parts, start=1)
    )


def speak(
    paragraph: Paragraph, voice: Voice, settings: RenderSettings, lexicon: Lexicon = Lexicon()
) -> SpokenParagraph:
    """Synthesize each respelled sentence and trim the silence the voice leaves around it."""
    from audio.render import trim_silence

    sentences = tuple(
        trim_silence(pronounce(s, voice, lexicon), settings) for s in paragraph.sentences
    )
    return SpokenParagraph(kind=paragraph.kind, sentences=tuple(s for s in sentences if len(s)))


def pronounce(sentence: str, voice: Voice, lexicon: Lexicon) -> AudioSegment:
    """One sentence as the lexicon says it: SSML with IPA for a voice that reads SSML, when an
    entry has IPA; the respelled text otherwise."""
    from audio.voices import SsmlVoice

    if isinstance(voice, SsmlVoice):
        document = lexicon.ssml(sentence)
        if document is not None:
            return voice.synthesize_ssml(document)
    return voice.synthesize(lexicon.respell(sentence))


def plan_parts(
    spoken: Sequence[SpokenParagraph], settings: RenderSettings, limit: float
) -> list[list[SpokenParagraph]]:
    """Group paragraphs into parts no longer than `limit` seconds, breaking only between them.

    A paragraph longer than the limit is broken between sentences. Parts come out near equal
    in length, so a 250 s section becomes two parts of about 125 s rather than 240 s and 10 s.
    """
    pieces = [piece for paragraph in spoken for piece in _fit(paragraph, settings, limit)]
    total = _duration(pieces, settings)
    target = total / -(-total // limit) if total > limit else limit
    parts: list[list[SpokenParagraph]] = [[]]
    for piece in pieces:
        current = parts[-1]
        too_long = _duration([*current, piece], settings) > limit
        if current and (too_long or _duration(current, settings) >= target):
            parts.append([piece])
        else:
            current.append(piece)
    return [part for part in parts if part]


def _fit(
    paragraph: SpokenParagraph, settings: RenderSettings, limit: float
) -> list[SpokenParagraph]:
    """The paragraph whole, or split between sentences into pieces under the limit."""
    if _duration([paragraph], settings) <= limit:
        return [paragraph]
    pieces: list[SpokenParagraph] = []
    sentences: list[AudioSegment] = []
    for sentence in paragraph.sentences:
        if sentence.duration_seconds > limit:
            raise AudioError(
                f"one sentence lasts {sentence.duration_seconds:.0f} s, more than a clip may "
                f"({limit:.0f} s); break it into shorter sentences"
            )
        candidate = SpokenParagraph(paragraph.kind, (*sentences, sentence))
        if sentences and _duration([candidate], settings) > limit:
            pieces.append(SpokenParagraph(paragraph.kind, tuple(sentences)))
            sentences = []
        sentences.append(sentence)
    pieces.append(SpokenParagraph(paragraph.kind, tuple(sentences)))
    return pieces


def _layout(
    paragraphs: Sequence[SpokenParagraph], settings: RenderSettings
) -> tuple[list[AudioSegment], list[int]]:
    """Every sentence in order, and the pause before each one after the first."""
    segments: list[AudioSegment] = []
    pauses: list[int] = []
    for index, paragraph in enumerate(paragraphs):
        for position, sentence in enumerate(paragraph.sentences):
            if segments:
                pauses.append(
                    settings.pause_ms(paragraphs[index - 1].kind, paragraph.kind)
                    if position == 0
                    else settings.sentence_pause_ms
                )
            segments.append(sentence)
    return segments, pauses


def _duration(paragraphs: Sequence[SpokenParagraph], settings: RenderSettings) -> float:
    segments, pauses = _layout(paragraphs, settings)
    return sum(s.duration_seconds for s in segments) + sum(pauses) / 1000


def render_part(
    paragraphs: Sequence[SpokenParagraph],
    number: int,
    title: str,
    album: str,
    settings: RenderSettings,
) -> RenderedPart:
    """Join with pauses and render one checked MP3."""
    from audio.render import join_with_pauses, render_clip

    segments, pauses = _layout(paragraphs, settings)
    mp3 = render_clip(join_with_pauses(segments, pauses), settings, title=title, album=album)
    return RenderedPart(number=number, mp3=mp3, duration=round(mpeg.scan(mp3).duration, 3))
