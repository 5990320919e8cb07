"""Utterance resolution: what Alexa would send for what someone said."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from skill.runtime import intents
from skill.simulator.language_model import InteractionModel, ResolvedIntent, normalize
from skill.simulator.resolver import FALLBACK_INTENT, resolve_utterance

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "simulator_model_en-US.json"


@pytest.fixture(scope="module")
def model() -> InteractionModel:
    """A small model in the ASK file format, shaped like the generated one."""
    return InteractionModel.from_json(json.loads(FIXTURE.read_text(encoding="utf-8")))


def resolve_intent(model: InteractionModel, text: str) -> ResolvedIntent:
    """The intent Alexa sends for words said inside a session, without the skill's name."""
    intent = resolve_utterance(model, text).intent
    assert intent is not None, f"{text!r} launched the skill"
    return intent


def topic_of(intent: ResolvedIntent) -> str | None:
    slot = intent.slot("topic")
    return slot.value.id if slot and slot.value else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Help with GUILT!", "help with guilt"),
        ("  what’s   on, now? ", "whats on now"),
        ("we're family", "were family"),
    ],
)
def test_normalize_forgives_case_punctuation_and_apostrophes(text: str, expected: str) -> None:
    assert normalize(text) == expected


def test_every_sample_of_the_fixture_resolves_to_its_own_intent(model: InteractionModel) -> None:
    for intent in model.intents:
        for sample in intent.samples:
            text = sample.replace("{topic}", "guilt").replace("{number}", "three")
            assert resolve_intent(model, text).name == intent.name, sample


@pytest.mark.parametrize(
    ("text", "section"),
    [
        ("help with guilt", "guilt-trips"),
        ("help with feeling guilty", "guilt-trips"),
        ("tell me about the holidays", "holidays"),
        ("christmas", "holidays"),
        ("regrets", "regret"),
    ],
)
def test_slot_values_and_synonyms_resolve_to_the_value_id(
    model: InteractionModel, text: str, section: str
) -> None:
    intent = resolve_intent(model, text)
    assert intent.name == "TopicIntent"
    assert topic_of(intent) == section


@pytest.mark.parametrize(
    "text",
    [
        "Um, help with guilt, please.",
        "Alexa, help with guilt",
        "uh can you tell me about guilt",
        "I'd like to talk about guilt",
        "so... GUILT?",
    ],
)
def test_filler_words_case_and_punctuation_are_forgiven(model: InteractionModel, text: str) -> None:
    intent = resolve_intent(model, text)
    assert (intent.name, topic_of(intent)) == ("TopicIntent", "guilt-trips")


@pytest.mark.parametrize(
    ("text", "intent_name", "section"),
    [
        ("I keep feeling guilty about it", "TopicIntent", "guilt-trips"),
        ("how am I supposed to survive christmas", "TopicIntent", "holidays"),
        ("tell me about guilt because my mother keeps calling", "TopicIntent", "guilt-trips"),
        ("will I regret it", "RegretSectionIntent", None),
        ("could you give me a reflection question", "ReflectIntent", None),
    ],
)
def test_phrasings_that_are_not_samples_reach_the_closest_intent(
    model: InteractionModel, text: str, intent_name: str, section: str | None
) -> None:
    intent = resolve_intent(model, text)
    assert (intent.name, topic_of(intent)) == (intent_name, section)


@pytest.mark.parametrize(
    ("text", "intent_name"),
    [
        ("my family says i will regret this forever and ever", "RegretSectionIntent"),
        ("could you read me a question for reflection tonight", "ReflectIntent"),
    ],
)
def test_the_rare_words_of_a_sample_carry_a_phrasing_that_keeps_little_of_its_order(
    model: InteractionModel, text: str, intent_name: str
) -> None:
    # In order, each shares too little with any sample to be more than the fallback; the
    # words it shares ("regret", "reflection") are said by few samples, and weigh the most.
    assert resolve_intent(model, text).name == intent_name


def test_a_whole_crisis_sample_inside_a_longer_sentence_wins(model: InteractionModel) -> None:
    assert resolve_intent(model, "I feel guilty and I want to hurt myself").name == "CrisisIntent"


@pytest.mark.parametrize(
    "text",
    [
        "I want to hurt myself and I keep thinking about the holidays",
        "I want to hurt myself because of my family",
    ],
)
def test_a_whole_sample_that_opens_with_a_polite_opening_is_found_said_in_full(
    model: InteractionModel, text: str
) -> None:
    # Likeness is scored without "I want to"; the sample "I want to hurt myself" says it too.
    assert resolve_intent(model, text).name == "CrisisIntent"


def _model_with(crisis: list[str]) -> InteractionModel:
    """A model whose topic intent takes any words after "i cant stop thinking about"."""
    return InteractionModel.from_json({
        "invocationName": "no contact companion",
        "intents": [
            {"name": "CrisisIntent", "samples": crisis},
            {
                "name": "TopicIntent",
                "slots": [{"name": "topic", "type": "SectionTopic"}],
                "samples": ["i cant stop thinking about {topic}", "tell me about {topic}"],
            },
            {"name": "HolidaysSectionIntent", "samples": ["how do i get through christmas"]},
            {"name": "AMAZON.HelpIntent", "samples": ["help me"]},
        ],
        "types": [
            {"name": "SectionTopic", "values": [{"id": "holidays", "name": {"value": "christmas"}}]}
        ],
    })


THINKING_OF_CUTTING = [
    "i keep thinking about cutting myself",
    "i cant stop thinking about hurting myself",
    "i keep thinking about cutting again",
    "i am not safe",
]


def test_danger_that_many_crisis_samples_share_wins_over_a_slot_filled_with_any_words() -> None:
    # Word for word it is the topic sample with "cutting again" in the slot; three crisis
    # samples say nearly all of it, and together they outweigh every other intent.
    said = "I can't stop thinking about cutting again"
    assert resolve_intent(_model_with(THINKING_OF_CUTTING), said).name == "CrisisIntent"
    assert resolve_intent(_model_with(["i am not safe"]), said).name == "TopicIntent"


@pytest.mark.parametrize(
    ("said", "intent_name"),
    [
        ("help me", "AMAZON.HelpIntent"),  # a sample said exactly is what was meant
        ("i can't stop thinking about christmas", "TopicIntent"),
        ("how do i get through christmas alone", "HolidaysSectionIntent"),
    ],
)
def test_crisis_evidence_does_not_overrule_an_exact_sample_or_a_clear_topic(
    said: str, intent_name: str
) -> None:
    assert resolve_intent(_model_with(THINKING_OF_CUTTING), said).name == intent_name


def test_words_a_slot_does_not_list_still_fill_it_without_an_id(model: InteractionModel) -> None:
    intent = resolve_intent(model, "tell me about astrology")
    slot = intent.slot("topic")
    assert intent.name == "TopicIntent"
    assert slot is not None and slot.heard == "astrology" and slot.value is None


@pytest.mark.parametrize(
    "text", ["what's the weather like", "astrology", "um", "", "order a pizza"]
)
def test_anything_else_is_the_fallback_intent(model: InteractionModel, text: str) -> None:
    assert resolve_intent(model, text).name == FALLBACK_INTENT


@pytest.mark.parametrize(
    ("level", "intent_name"),
    [("LOW", "ReflectIntent"), ("MEDIUM", FALLBACK_INTENT), ("HIGH", FALLBACK_INTENT)],
)
def test_the_models_fallback_sensitivity_decides_how_alike_a_near_miss_must_be(
    model: InteractionModel, level: str, intent_name: str
) -> None:
    # "give me one more question" shares three of its five words with a sample of five.
    tuned = dataclasses.replace(model, fallback_sensitivity=level)
    assert resolve_intent(tuned, "give me one more question").name == intent_name


def test_the_fallback_sensitivity_is_read_from_the_model_file() -> None:
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    language = data["interactionModel"]["languageModel"]
    language["modelConfiguration"] = {"fallbackIntentSensitivity": {"level": "HIGH"}}
    assert InteractionModel.from_json(data).fallback_sensitivity == "HIGH"
    del language["modelConfiguration"]
    assert InteractionModel.from_json(data).fallback_sensitivity == "LOW"


@pytest.mark.parametrize(
    ("text", "intent_name"),
    [
        ("yeah", "AMAZON.YesIntent"),
        ("okay", "AMAZON.YesIntent"),
        ("no thanks", "AMAZON.NoIntent"),
        ("skip", "AMAZON.NextIntent"),
        ("help", "AMAZON.HelpIntent"),
        ("never mind", "AMAZON.CancelIntent"),
    ],
)
def test_built_in_intents_understand_amazons_own_phrasings(
    model: InteractionModel, text: str, intent_name: str
) -> None:
    assert resolve_intent(model, text).name == intent_name


def test_a_built_in_intent_the_model_lacks_is_not_understood(model: InteractionModel) -> None:
    assert model.intent("AMAZON.ShuffleOnIntent") is None
    assert resolve_intent(model, "shuffle").name == FALLBACK_INTENT


def test_a_built_in_slot_type_is_filled_without_entity_resolution(model: InteractionModel) -> None:
    slot = resolve_intent(model, "section number three").slot("number")
    assert slot is not None and slot.heard == "three" and not slot.custom


def test_an_empty_slot_is_still_declared(model: InteractionModel) -> None:
    intent = resolve_intent(model, "play the whole guide")
    assert intent.name == "PlayGuideIntent"
    slot = intent.slot("topic")
    assert slot is not None and slot.heard is None


@pytest.mark.parametrize(
    "text",
    ["open no contact companion", "Alexa, start No Contact Companion", "no contact companion"],
)
def test_naming_the_skill_alone_is_a_launch(model: InteractionModel, text: str) -> None:
    utterance = resolve_utterance(model, text)
    assert utterance.invoked and utterance.intent is None


@pytest.mark.parametrize(
    "text",
    [
        "ask no contact companion to help with guilt",
        "Alexa, ask No Contact Companion about guilt",
        "tell no contact companion I feel guilty",
        "help with guilt using no contact companion",
    ],
)
def test_a_one_shot_request_names_the_skill_and_the_intent(
    model: InteractionModel, text: str
) -> None:
    utterance = resolve_utterance(model, text)
    assert utterance.invoked
    assert utterance.intent is not None and topic_of(utterance.intent) == "guilt-trips"


@pytest.mark.parametrize(
    "text", ["ask no contact companion to order a pizza", "tell no contact companion astrology"]
)
def test_a_one_shot_request_the_skill_does_not_know_is_its_fallback_intent(
    model: InteractionModel, text: str
) -> None:
    utterance = resolve_utterance(model, text)
    assert utterance.invoked
    assert utterance.intent is not None and utterance.intent.name == FALLBACK_INTENT


def test_without_the_skills_name_the_utterance_is_not_an_invocation(
    model: InteractionModel,
) -> None:
    utterance = resolve_utterance(model, "help with guilt")
    assert not utterance.invoked and utterance.intent is not None


@pytest.fixture(scope="module")
def generated() -> InteractionModel:
    """The skill's own model, as generated into skill-package for en-US."""
    from skill.simulator.simulation import interaction_model

    return interaction_model("en-US")


def test_every_sample_of_the_generated_model_resolves_to_its_own_answer(
    generated: InteractionModel,
) -> None:
    """Every seventh sample of each intent (a spread of thousands), its slots filled: it
    reaches its own intent, or the topic intent naming the same section."""
    values = generated.values("SectionTopic") or ()
    sections = {intents.section_intent(value.id): value.id for value in values if value.id}
    wrong = []
    for intent in generated.intents:
        kinds = dict(intent.slots)
        for number, sample in enumerate(intent.samples):
            if number % 7:
                continue
            value = values[number % len(values)]
            said = sample.replace("{topic}", value.name)
            for slot, kind in kinds.items():
                listed = generated.values(kind) or ()
                if slot != "topic" and listed:
                    said = said.replace("{" + slot + "}", listed[number % len(listed)].name)
            resolved = resolve_intent(generated, said)
            slot = resolved.slot("topic")
            heard = slot.value.id if slot and slot.value else None
            expected = (intent.name, value.id if "{topic}" in sample else None)
            same_section = (resolved.name, heard) == (intents.TOPIC, sections.get(intent.name))
            if (resolved.name, heard) != expected and not same_section:
                wrong.append(f"{said!r} → {resolved.name} {heard}")
    assert not wrong


def test_every_topic_name_and_synonym_resolves_to_its_section(generated: InteractionModel) -> None:
    from content import default_guide

    wrong = []
    for section in default_guide().sections:
        for name in (section.topic, *default_guide().phrasebook("en-US").synonyms(section)):
            for said in (name, f"tell me about {name}"):
                intent = resolve_intent(generated, said)
                if (intent.name, topic_of(intent)) != ("TopicIntent", section.id):
                    wrong.append(f"{said!r} → {intent.name} {topic_of(intent)}")
    assert not wrong


def test_a_possessive_said_in_words_matches_its_sample(generated: InteractionModel) -> None:
    # Samples name the owner in words ("my mother's"); a slot cannot take a possessive.
    intent = resolve_intent(generated, "I took loads of pictures at my mother's graduation")
    assert intent.name == FALLBACK_INTENT


@pytest.mark.parametrize(
    ("text", "intent_name", "section"),
    [
        ("um, can you help me with guilt please", "TopicIntent", "guilt-trips"),
        ("I keep feeling guilty about it", "TopicIntent", "guilt-trips"),
        ("Alexa, ask no contact companion about the holidays", "TopicIntent", "holidays"),
        ("play from the holidays section", "PlayGuideIntent", "holidays"),
        ("could you give me a reflection question", "ReflectIntent", None),
        ("I feel guilty and I want to hurt myself", "CrisisIntent", None),
        ("continue where I left off please", "ContinueListeningIntent", None),
        ("what's the weather like in Paris", FALLBACK_INTENT, None),
    ],
)
def test_the_generated_model_understands_phrasings_that_are_not_samples(
    generated: InteractionModel, text: str, intent_name: str, section: str | None
) -> None:
    intent = resolve_intent(generated, text)
    from content import default_guide

    # A section's own intent answers as asking about its topic does.
    guide = default_guide()
    own = {intents.section_intent(s.id): s.id for s in guide.sections} if section else {}
    if intent.name in own:
        assert (intents.TOPIC, own[intent.name]) == (intent_name, section)
    else:
        assert (intent.name, topic_of(intent)) == (intent_name, section)


@pytest.mark.parametrize(
    "text", ["erm, I want to die", "so I just want to go to sleep and never wake up"]
)
def test_a_sample_that_opens_like_a_polite_request_is_still_heard_after_a_hesitation(
    generated: InteractionModel, text: str
) -> None:
    # "I want to" is also an opening dropped from requests ("I want to hear about guilt").
    assert resolve_intent(generated, text).name == "CrisisIntent"
