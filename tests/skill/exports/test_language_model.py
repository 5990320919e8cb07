"""Every locale's generated language model: from the grammar, inside Alexa's limits, and
with no sample that two intents would answer differently."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from content import LOCALES, default_guide
from content.models import CRISIS_FAMILIES
from skill.exports import limits
from skill.exports.language_model import language_model, model_file, model_problems
from skill.runtime import intents
from skill.runtime.guidebook import load_guidebook
from tests.skill.exports.conftest import GeneratedModel

PACKAGE = Path(__file__).resolve().parents[3] / "skill-package"
ALEXA_SAMPLE = re.compile(r"^[A-Za-z{][A-Za-z '.\-{}]*$")


@pytest.fixture(scope="module", params=LOCALES)
def model(request: pytest.FixtureRequest, generated_model: GeneratedModel) -> dict[str, Any]:
    return generated_model(request.param)


def _intent(model: dict[str, Any], name: str) -> dict[str, Any]:
    return next(intent for intent in model["intents"] if intent["name"] == name)


def test_the_model_breaks_none_of_alexas_rules(model: dict[str, Any]) -> None:
    assert model_problems(model) == []


def test_samples_use_only_characters_alexa_accepts(model: dict[str, Any]) -> None:
    bad = [s for i in model["intents"] for s in i["samples"] if not ALEXA_SAMPLE.match(s)]
    assert bad == []


def test_no_intent_lists_a_sample_twice(model: dict[str, Any]) -> None:
    for intent in model["intents"]:
        lowered = [s.lower() for s in intent["samples"]]
        assert len(lowered) == len(set(lowered)), intent["name"]


def test_the_model_file_leaves_room_under_alexas_size_limit(model: dict[str, Any]) -> None:
    text = model_file({"interactionModel": {"languageModel": model}})
    assert len(text.encode("utf-8")) <= limits.LOCALE_BYTES < limits.MODEL_BYTES


def test_a_model_past_the_projects_bound_is_reported(model: dict[str, Any]) -> None:
    assert any("room to grow" in p for p in limits.problems(model, limits.LOCALE_BYTES + 1))
    assert any("Alexa takes at most" in p for p in limits.problems(model, limits.MODEL_BYTES + 1))


@pytest.mark.parametrize("locale", LOCALES)
def test_the_shipped_model_file_is_the_one_measured(locale: str) -> None:
    shipped = PACKAGE / f"interactionModels/custom/{locale}.json"
    assert shipped.stat().st_size <= limits.LOCALE_BYTES
    assert shipped.read_text(encoding="utf-8") == model_file(json.loads(shipped.read_text()))


def test_the_model_file_is_unindented_with_one_element_a_line() -> None:
    text = model_file({"intents": [{"name": "A", "samples": ["hi", "café"]}]})
    assert text.splitlines() == [
        "{", '"intents": [', "{", '"name": "A",', '"samples": [', '"hi",', '"café"', "]", "}",
        "]", "}",
    ]


def test_each_intent_keeps_to_its_budget(model: dict[str, Any]) -> None:
    over = [(name, n) for name, n in limits.counts(model) if n > limits.sample_budget(name)]
    assert over == []


@pytest.mark.parametrize(
    ("intent", "budget"),
    [
        (intents.CRISIS, limits.CRISIS_SAMPLES),
        (intents.FALLBACK, limits.FALLBACK_SAMPLES),
        ("GuiltTripsSectionIntent", limits.SECTION_SAMPLES),
        (intents.REFLECT, limits.REQUEST_SAMPLES),
        (intents.HELP, limits.REQUEST_SAMPLES),
    ],
)
def test_each_kind_of_intent_has_its_budget(intent: str, budget: int) -> None:
    assert limits.sample_budget(intent) == budget


def test_an_intent_over_its_budget_is_reported(model: dict[str, Any]) -> None:
    broken = json.loads(json.dumps(model))
    reflect = _intent(broken, intents.REFLECT)
    reflect["samples"] += [f"reflection number {n}" for n in range(limits.REQUEST_SAMPLES)]
    assert any(p.startswith(f"{intents.REFLECT}: ") and "budget" in p
               for p in model_problems(broken))


def test_the_budgets_spend_the_grammar_on_varied_samples(model: dict[str, Any]) -> None:
    # The crisis grammar says far more than its budget: what is kept fills the budget.
    crisis = _intent(model, intents.CRISIS)["samples"]
    assert limits.CRISIS_SAMPLES * 0.9 <= len(crisis) <= limits.CRISIS_SAMPLES


def test_sections_hand_alexa_the_rest_of_a_long_sentence(model: dict[str, Any]) -> None:
    trailing = default_guide().phrasings.trailing_slot
    assert trailing is not None
    for section in default_guide().sections:
        intent = _intent(model, intents.section_intent(section.id))
        ending = [s for s in intent["samples"] if s.endswith("{" + trailing + "}")]
        share = len(ending) / len(intent["samples"])
        assert 0.1 <= share <= limits.TRAILING_SHARE + 0.02, section.id
        assert {"name": trailing, "type": trailing.capitalize()} in intent["slots"]


def test_no_crisis_sample_opens_or_ends_with_a_topics_words(model: dict[str, Any]) -> None:
    # "my mom keeps guilt tripping me and I want to die" as a crisis sample would teach any
    # statistical model that the complaint is the danger.
    topical = {
        _words(sample)
        for intent in model["intents"]
        if intent["name"].endswith("SectionIntent") or intent["name"] == intents.TOPIC
        for sample in intent["samples"]
        if len(_words(sample)) >= 3
    }
    crossed = [
        sample
        for sample in _intent(model, intents.CRISIS)["samples"]
        if any(
            words[:size] in topical or words[-size:] in topical
            for words in [_words(sample)]
            for size in range(3, len(words))
        )
    ]
    assert crossed == []


def _words(sample: str) -> tuple[str, ...]:
    return tuple(sample.lower().split())


def test_intents_and_slot_types_are_within_alexas_counts(model: dict[str, Any]) -> None:
    assert len(model["intents"]) <= limits.INTENTS
    assert len(model["intents"]) + len(model["types"]) <= limits.INTENTS_AND_SLOT_TYPES


def test_slot_values_are_within_alexas_length_and_count(model: dict[str, Any]) -> None:
    spoken = [
        said for kind in model["types"] for value in kind["values"]
        for said in (value["name"]["value"], *value["name"].get("synonyms", ()))
    ]
    assert max(map(len, spoken)) <= limits.SLOT_VALUE_CHARACTERS
    assert sum(len(kind["values"]) for kind in model["types"]) <= limits.SLOT_VALUES


def test_expansion_is_deterministic(generated_model: GeneratedModel) -> None:
    assert language_model(default_guide(), "en-GB") == generated_model("en-GB")


def test_every_crisis_family_reaches_the_crisis_intent(model: dict[str, Any]) -> None:
    samples = set(_intent(model, intents.CRISIS)["samples"])
    guide = default_guide()
    for family in CRISIS_FAMILIES:
        assert samples & set(guide.phrasebook("en-US").crisis_family(family)), family


def test_locales_hear_their_own_words(generated_model: GeneratedModel) -> None:
    occasions = {
        locale: {v["name"]["value"] for v in _type(generated_model(locale), "Occasion")}
        for locale in ("en-US", "en-GB", "en-CA", "en-IN")
    }
    assert "boxing day" in occasions["en-GB"] and "boxing day" not in occasions["en-US"]
    assert "thanksgiving in october" in occasions["en-CA"]
    assert "thanksgiving in november" in occasions["en-US"]
    assert "diwali" in occasions["en-IN"]
    people = {v["name"]["value"] for v in _type(generated_model("en-GB"), "Person")}
    assert "my mum" in people


def _type(model: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return next(kind["values"] for kind in model["types"] if kind["name"] == name)


def test_fallback_sensitivity_comes_from_content(model: dict[str, Any]) -> None:
    level = model["modelConfiguration"]["fallbackIntentSensitivity"]["level"]
    assert level == default_guide().phrasings.fallback_sensitivity == "LOW"


def test_no_listed_slot_value_holds_a_danger_word(model: dict[str, Any]) -> None:
    crisis = load_guidebook().crisis
    for kind in model["types"]:
        for value in kind["values"]:
            if value["id"] == intents.CRISIS_TOPIC:
                continue
            for said in (value["name"]["value"], *value["name"].get("synonyms", ())):
                assert not crisis.signals_danger(said), (kind["name"], said)


def test_harmless_phrases_are_not_danger_and_signals_are() -> None:
    crisis = load_guidebook().crisis
    assert not crisis.signals_danger("I'm cutting myself off from my family")
    assert not crisis.signals_danger("I cut myself off from them")
    assert crisis.signals_danger("I've been cutting myself")
    assert crisis.signals_danger("tell me about wanting to die")


def test_a_sample_in_two_intents_with_different_answers_is_refused(model: dict[str, Any]) -> None:
    broken = json.loads(json.dumps(model))
    _intent(broken, intents.REFLECT)["samples"].append("I took too many pills")
    assert any("is a sample of both" in p for p in model_problems(broken))


def test_a_section_phrase_the_topic_intent_hears_the_same_way_is_dropped(
    generated_model: GeneratedModel,
) -> None:
    model = generated_model("en-US")
    topic_names = {
        said.lower() for kind in model["types"] if kind["name"] == intents.TOPIC_TYPE
        for value in kind["values"] if value["id"] == "holidays"
        for said in (value["name"]["value"], *value["name"]["synonyms"])
    }
    holidays = {s.lower() for s in _intent(model, "HolidaysSectionIntent")["samples"]}
    assert "christmas" in topic_names and "christmas" not in holidays


def test_the_fallback_learns_what_is_out_of_domain_and_none_of_it_is_danger(
    model: dict[str, Any],
) -> None:
    crisis = load_guidebook().crisis
    samples = _intent(model, "AMAZON.FallbackIntent")["samples"]
    assert {"kill the lights", "set a timer", "I'd kill for a cuppa"} <= set(samples)
    assert [s for s in samples if crisis.signals_danger(s)] == []
    danger = set(_intent(model, intents.CRISIS)["samples"])
    assert danger.isdisjoint(samples)
