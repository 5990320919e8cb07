"""Screens: devices with APL show the card as a document; others get the simple card alone."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from content import default_guide
from skill.runtime import intents
from skill.runtime.display import APL_VERSION, TOKEN, markup
from skill.runtime.guidebook import load_guidebook
from tests.skill.conftest import Device, Handler, Session, launch, topic_slot

GUIDEBOOK = load_guidebook()
WORDS = GUIDEBOOK.words
SCREEN = Device(screen=True)
PACKAGE = Path(__file__).resolve().parents[3] / "skill-package"
TOPICS = {section.id: section.topic for section in default_guide().sections}


def shown(said_screens: list[dict]) -> dict[str, str]:
    """The one document's data: title, text and hint as the screen gets them."""
    (directive,) = said_screens
    assert directive["token"] == TOKEN
    assert directive["document"]["version"] == APL_VERSION
    return directive["datasources"]["screen"]


def lines(markup_text: str) -> list[str]:
    return markup_text.split("<br>") if markup_text else []


@pytest.mark.parametrize("section", GUIDEBOOK.sections, ids=lambda s: s.id)
def test_a_section_on_a_screen_shows_its_title_every_line_and_a_hint(
    audio_skill: Handler, section
) -> None:
    slot = topic_slot(TOPICS[section.id], section.id)
    said = Session(audio_skill, SCREEN).say(intents.TOPIC, topic=slot)
    screen = shown(said.screens)
    assert screen["title"] == markup(section.title)
    assert lines(screen["text"]) == [markup(line) for line in section.lines]
    assert screen["hint"] == markup(WORDS.screen_hint)
    assert said.card is not None and said.card["title"] == section.title


def test_speakers_and_the_app_get_no_document(audio_skill: Handler) -> None:
    for device in (Device(), Device(audio_player=False)):
        guilt = topic_slot("guilt", "guilt-trips")
        said = Session(audio_skill, device).say(intents.TOPIC, topic=guilt)
        assert said.screens == [] and said.card is not None


def test_crisis_lines_are_on_the_screen_with_nothing_else(audio_skill: Handler) -> None:
    said = Session(audio_skill, Device(screen=True, locale="en-GB")).say(intents.CRISIS)
    screen = shown(said.screens)
    assert screen["title"] == markup(GUIDEBOOK.crisis.card_title)
    assert any("116 123" in line for line in lines(screen["text"]))
    assert screen["hint"] == ""


def test_welcome_and_reflection_reach_the_screen(audio_skill: Handler) -> None:
    session = Session(audio_skill, SCREEN)
    welcome = shown(session.send(launch(), new=True).screens)
    assert welcome["title"] == markup(WORDS.name)
    reflection = shown(session.say(intents.REFLECT).screens)
    all_prompts = [p for s in GUIDEBOOK.sections for p in s.reflections]
    assert reflection["text"] in [markup(p) for p in all_prompts]


def test_text_is_escaped_so_it_cannot_break_the_markup() -> None:
    assert markup("Tom & Jerry <3\nnext line") == "Tom &amp; Jerry &lt;3<br>next line"


def test_every_binding_in_the_document_names_data_the_skill_sends(audio_skill: Handler) -> None:
    said = Session(audio_skill, SCREEN).say(intents.TOPIC, topic=topic_slot("guilt", "guilt-trips"))
    (directive,) = said.screens
    document = str(directive["document"])
    bound = set(re.findall(r"payload\.screen\.(\w+)", document))
    assert bound == set(directive["datasources"]["screen"])


def test_skill_json_declares_apl_so_alexa_tells_the_skill_about_screens() -> None:
    manifest = json.loads((PACKAGE / "skill.json").read_text(encoding="utf-8"))["manifest"]
    interfaces = {i["type"]: i for i in manifest["apis"]["custom"]["interfaces"]}
    assert set(interfaces) == {"AUDIO_PLAYER", "ALEXA_PRESENTATION_APL"}
    viewports = interfaces["ALEXA_PRESENTATION_APL"]["supportedViewports"]
    shapes = {(v["mode"], v["shape"]) for v in viewports}
    assert ("HUB", "ROUND") in shapes and ("HUB", "RECTANGLE") in shapes
