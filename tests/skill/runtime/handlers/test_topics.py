"""Topics: every way of asking reaches the right section, played within Alexa's limits."""

from __future__ import annotations

import pytest

from content import Section as ContentSection
from content import default_guide
from skill.runtime import intents
from skill.runtime.catalog import parse_manifest
from skill.runtime.guidebook import Section, load_guidebook
from tests.skill.conftest import AUDIO_BASE_URL, MANIFEST, Device, Handler, Session, topic_slot

GUIDEBOOK = load_guidebook()
PARTS = parse_manifest(MANIFEST.read_bytes())
TOPICS = {section.id: section.topic for section in default_guide().sections}
SECTIONS = GUIDEBOOK.sections
NO_MATCH = GUIDEBOOK.words.no_match
REPROMPT = GUIDEBOOK.words.reprompt


def first_clip(section_id: str) -> str:
    """The URL prefix of a section's first clip in the fixture manifest."""
    return f"{AUDIO_BASE_URL}/clips/{section_id}/"


@pytest.mark.parametrize("section", SECTIONS, ids=lambda s: s.id)
def test_a_resolved_topic_plays_every_clip_then_asks_the_first_follow_up(
    audio_skill: Handler, section: Section
) -> None:
    session = Session(audio_skill)
    said = session.say(intents.TOPIC, topic=topic_slot(TOPICS[section.id], section.id))
    played = list(said.audio)
    while said.state.get("offer") == "more":
        assert said.text.endswith(GUIDEBOOK.words.more_prompt)
        said = session.say(intents.YES)
        played += said.audio
    assert played == [f"{AUDIO_BASE_URL}/{part.key}" for part in PARTS[section.id]]
    question = section.follow_ups[0].question
    assert said.text.endswith(question) and question in said.reprompt
    assert said.card == {"type": "Simple", "title": section.title, "content": section.card_text}
    assert not said.ends


@pytest.mark.parametrize("section", SECTIONS, ids=lambda s: s.id)
def test_every_question_people_ask_plays_its_section(
    audio_skill: Handler, section: Section
) -> None:
    said = Session(audio_skill).say(section.intent)
    assert said.audio[0].startswith(first_clip(section.id))
    assert said.state["section"] == section.id


@pytest.mark.parametrize("section", default_guide().sections, ids=lambda s: s.id)
def test_every_spoken_name_routes_even_without_entity_resolution(
    audio_skill: Handler, section: ContentSection
) -> None:
    for name in (section.topic, *default_guide().phrasebook("en-US").synonyms(section)):
        said = Session(audio_skill).say(intents.TOPIC, topic={"name": "topic", "value": name})
        assert said.state["section"] == section.id, name


def test_a_topic_the_guide_does_not_cover_says_so_and_asks_which_topic(session: Session) -> None:
    said = session.say(intents.TOPIC, topic=topic_slot("knitting patterns"))
    assert said.text == f"{NO_MATCH} {REPROMPT}"
    assert REPROMPT in said.reprompt and not said.audio and not said.ends


def test_a_topic_request_without_a_topic_asks_which_one(session: Session) -> None:
    said = session.say(intents.TOPIC, topic=topic_slot(None))
    assert said.text == REPROMPT and not said.ends


def test_a_topic_the_guide_does_not_cover_points_to_crisis_help(session: Session) -> None:
    said = session.say(intents.TOPIC, topic=topic_slot("my landlord"))
    assert '"I need help now"' in said.text


def test_an_entity_id_the_guide_no_longer_has_is_treated_as_no_match(session: Session) -> None:
    said = session.say(intents.TOPIC, topic=topic_slot("old topic", "retired-section"))
    assert said.text.startswith(NO_MATCH)


def test_playing_the_guide_without_a_player_starts_at_the_beginning(audio_skill: Handler) -> None:
    said = Session(audio_skill, Device(audio_player=False)).say(intents.PLAY_GUIDE)
    assert said.audio[0].startswith(first_clip("introduction"))
    assert not said.ends


def test_playing_the_guide_from_a_topic_without_a_player_starts_there(audio_skill: Handler) -> None:
    session = Session(audio_skill, Device(audio_player=False))
    said = session.say(intents.PLAY_GUIDE, topic=topic_slot("christmas", "holidays"))
    assert said.audio[0].startswith(first_clip("holidays"))


def test_playing_from_an_unknown_topic_asks_which_one(session: Session) -> None:
    said = session.say(intents.PLAY_GUIDE, topic=topic_slot("chapter nine"))
    assert said.text.startswith(NO_MATCH) and not said.ends


@pytest.mark.parametrize("section", SECTIONS, ids=lambda s: s.id)
@pytest.mark.parametrize("device", [Device(), Device(screen=True), Device(audio_player=False)],
                         ids=["speaker", "screen", "app"])
def test_without_audio_every_section_is_read_aloud_in_full(
    text_skill: Handler, section: Section, device: Device
) -> None:
    session = Session(text_skill, device)
    said = session.say(intents.TOPIC, topic=topic_slot(TOPICS[section.id], section.id))
    heard = [said.text]
    while said.state.get("offer") == "more":
        said = session.say(intents.YES)
        heard.append(said.text)
    spoken = " ".join(heard)
    for line in section.spoken_lines:
        assert line.removeprefix("- ").replace("❌ ", "") in spoken
    assert not said.audio
