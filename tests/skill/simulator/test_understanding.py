"""What Alexa would send for what someone said: a classifier and a slot tagger trained on the
interaction model, with no rule Alexa does not have."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from skill.simulator.language_model import InteractionModel, ResolvedIntent, normalize
from skill.simulator.understanding import FALLBACK_INTENT, Understanding

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "simulator_model_en-US.json"
SIMULATOR = Path(__file__).resolve().parents[3] / "skill" / "simulator"


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Understanding:
    """A small model in the ASK file format, shaped like the generated one, learned."""
    model = InteractionModel.from_json(json.loads(FIXTURE.read_text(encoding="utf-8")))
    return Understanding.train(model, tmp_path_factory.mktemp("small"))


def resolve_intent(understanding: Understanding, text: str) -> ResolvedIntent:
    """The intent Alexa sends for words said inside a session, without the skill's name."""
    intent = understanding.resolve(text).intent
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


def test_every_sample_of_the_fixture_resolves_to_its_own_intent(small: Understanding) -> None:
    for intent in small.model.intents:
        for sample in intent.samples:
            text = sample.replace("{topic}", "guilt").replace("{number}", "three")
            assert resolve_intent(small, text).name == intent.name, sample


@pytest.mark.parametrize(
    ("text", "section"),
    [
        ("help with guilt", "guilt-trips"),
        ("help with feeling guilty", "guilt-trips"),
        ("tell me about the holidays", "holidays"),
        ("tell me about christmas", "holidays"),
        ("tell me about regrets", "regret"),
    ],
)
def test_slot_values_and_synonyms_resolve_to_the_value_id(
    small: Understanding, text: str, section: str
) -> None:
    intent = resolve_intent(small, text)
    assert (intent.name, topic_of(intent)) == ("TopicIntent", section)


@pytest.mark.parametrize(
    "text", ["Um, help with guilt.", "Alexa, help with guilt", "uh help with guilt", "GUILT?"]
)
def test_hesitations_the_wake_word_case_and_punctuation_are_not_heard(
    small: Understanding, text: str
) -> None:
    intent = resolve_intent(small, text)
    assert (intent.name, topic_of(intent)) == ("TopicIntent", "guilt-trips")


def test_words_a_slot_does_not_list_still_fill_it_without_an_id(small: Understanding) -> None:
    intent = resolve_intent(small, "tell me about astrology")
    slot = intent.slot("topic")
    assert intent.name == "TopicIntent"
    assert slot is not None and slot.heard == "astrology" and slot.value is None


@pytest.mark.parametrize("text", ["order a large pepperoni pizza", "xylophone quantum", "um", ""])
def test_words_like_no_sample_are_the_fallback_intent_when_the_model_is_sensitive(
    small: Understanding, text: str
) -> None:
    sensitive = dataclasses.replace(small.model, fallback_sensitivity="HIGH")
    learned = Understanding(sensitive, small.classifier, small.tagger.path)
    assert resolve_intent(learned, text).name == FALLBACK_INTENT


def test_the_models_fallback_sensitivity_decides_how_sure_the_classifier_must_be(
    small: Understanding,
) -> None:
    said = "one more question please"
    margin = small.classifier.rank(normalize(said), best=1)[0].margin
    results = {}
    for level in ("LOW", "MEDIUM", "HIGH"):
        tuned = dataclasses.replace(small.model, fallback_sensitivity=level)
        results[level] = Understanding(tuned, small.classifier, small.tagger.path).intent(
            normalize(said)
        ).name
    from skill.simulator.understanding import FALLBACK_MARGINS

    for level, name in results.items():
        assert (name == FALLBACK_INTENT) == (margin < FALLBACK_MARGINS[level]), (level, margin)
    assert FALLBACK_MARGINS["LOW"] < FALLBACK_MARGINS["MEDIUM"] < FALLBACK_MARGINS["HIGH"]


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
        ("no thanks", "AMAZON.NoIntent"),
        ("skip", "AMAZON.NextIntent"),
        ("help", "AMAZON.HelpIntent"),
        ("never mind", "AMAZON.CancelIntent"),
    ],
)
def test_built_in_intents_understand_amazons_own_phrasings(
    small: Understanding, text: str, intent_name: str
) -> None:
    assert resolve_intent(small, text).name == intent_name


def test_a_built_in_intent_the_model_lacks_is_never_chosen(small: Understanding) -> None:
    assert small.model.intent("AMAZON.ShuffleOnIntent") is None
    assert resolve_intent(small, "shuffle").name != "AMAZON.ShuffleOnIntent"


def test_a_built_in_slot_type_is_filled_without_entity_resolution(small: Understanding) -> None:
    slot = resolve_intent(small, "section number three").slot("number")
    assert slot is not None and slot.heard == "three" and not slot.custom


def test_an_empty_slot_is_still_declared(small: Understanding) -> None:
    intent = resolve_intent(small, "play the whole guide")
    assert intent.name == "PlayGuideIntent"
    slot = intent.slot("topic")
    assert slot is not None and slot.heard is None


@pytest.mark.parametrize(
    "text",
    ["open no contact companion", "Alexa, start No Contact Companion", "no contact companion"],
)
def test_naming_the_skill_alone_is_a_launch(small: Understanding, text: str) -> None:
    utterance = small.resolve(text)
    assert utterance.invoked and utterance.intent is None


@pytest.mark.parametrize(
    "text",
    [
        "ask no contact companion to help with guilt",
        "Alexa, ask No Contact Companion about guilt",
        "help with guilt using no contact companion",
    ],
)
def test_a_one_shot_request_names_the_skill_and_the_intent(small: Understanding, text: str) -> None:
    utterance = small.resolve(text)
    assert utterance.invoked
    assert utterance.intent is not None and topic_of(utterance.intent) == "guilt-trips"


def test_without_the_skills_name_the_utterance_is_not_an_invocation(small: Understanding) -> None:
    utterance = small.resolve("help with guilt")
    assert not utterance.invoked and utterance.intent is not None


def test_learning_is_kept_and_reads_back_the_same(
    small: Understanding, tmp_path: Path
) -> None:
    again = Understanding.train(small.model, tmp_path)
    loaded = Understanding.load(small.model, tmp_path)
    for text in ("help with guilt", "tell me about astrology", "order a pizza", "yeah"):
        assert loaded.resolve(text) == again.resolve(text) == small.resolve(text)


def test_nothing_in_the_simulator_knows_what_the_skill_does_with_an_intent() -> None:
    # Safety ships in the model and the runtime; a simulator rule Alexa lacks would hide a gap.
    sources = " ".join(path.read_text(encoding="utf-8") for path in SIMULATOR.glob("*.py"))
    for name in ("CRISIS", "CrisisIntent", "signals_danger", "crisis"):
        assert name not in sources.replace("crisis_", "")


@pytest.fixture(scope="module")
def generated() -> Understanding:
    """The skill's own en-US model, learned once and kept on disk."""
    from skill.simulator.simulation import understanding

    return understanding("en-US")


def test_every_topic_name_reaches_its_section(generated: Understanding) -> None:
    from content import default_guide
    from skill.runtime.intents import section_intent

    wrong = []
    for section in default_guide().sections:
        for said in (section.topic, f"tell me about {section.topic}"):
            intent = resolve_intent(generated, said)
            own = intent.name == section_intent(section.id)
            if not own and (intent.name, topic_of(intent)) != ("TopicIntent", section.id):
                wrong.append(f"{said!r} → {intent.name} {topic_of(intent)}")
    assert wrong == []


@pytest.mark.parametrize(
    "text", ["what's the weather like in paris", "order me a pizza", "play some taylor swift"]
)
def test_everyday_requests_reach_the_fallback_the_model_teaches(
    generated: Understanding, text: str
) -> None:
    assert resolve_intent(generated, text).name == FALLBACK_INTENT


def test_a_long_complaint_hands_its_rest_to_a_slot_or_is_danger_itself(
    generated: Understanding,
) -> None:
    # Whatever Alexa picks, the skill must be handed the words that hold the danger.
    said = "my mum keeps guilt tripping me about cutting her off and last night I cut myself"
    intent = resolve_intent(generated, said)
    held = " ".join(slot.heard or "" for slot in intent.slots)
    assert intent.name == "CrisisIntent" or "cut myself" in held, (intent.name, held)


@pytest.mark.parametrize(
    "text", ["help with guilt", "remind me to reflect every day at 8 pm", "I want to die"]
)
def test_the_learned_model_reads_back_from_disk_the_same(
    generated: Understanding, text: str, tmp_path: Path
) -> None:
    from skill.simulator.simulation import cache_dir
    from skill.simulator.understanding_cache import model_key

    folder = cache_dir() / "understanding" / model_key(generated.model)
    assert Understanding.load(generated.model, folder).resolve(text) == generated.resolve(text)
