"""The generated interaction model and skill.json: in step with content/, valid for Alexa."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_model_runtime.serializer import DefaultSerializer
from ask_smapi_model.v1.skill.interaction_model import InteractionModelData
from ask_smapi_model.v1.skill.manifest import AudioInterface, SkillManifestEnvelope

from content import LOCALES, default_guide
from skill.exports.interaction_model import (
    manifest_files,
    package_endpoint,
    package_files,
    skill_manifest,
    write_package,
)
from skill.exports.language_model import (
    invocation_problems,
    model_problems,
    outcomes,
    utterance,
)
from skill.runtime import intents
from tests.skill.exports.conftest import GeneratedModel

PACKAGE = Path(__file__).resolve().parents[3] / "skill-package"
SMAPI = DefaultSerializer()
# The phrasings the issue names, each of which must reach the right section.
ISSUE_PHRASINGS = {
    "help with guilt": "guilt-trips",
    "I feel guilty": "guilt-trips",
    "my family keeps guilt tripping me": "guilt-trips",
    "will I regret this": "regret",
    "how do I get through the holidays": "holidays",
    "how do I heal": "healing",
    "can I ever reconnect": "reconnecting",
    "is it okay to go no contact over politics": "politics-and-values",
    "what does no contact mean": "what-it-means",
    "what are the myths": "myths",
}


@pytest.fixture(scope="module")
def model(generated_model: GeneratedModel) -> dict[str, Any]:
    return generated_model("en-US")


@pytest.fixture(scope="module")
def heard(model: dict[str, Any]) -> Heard:
    """What the en-US model hears."""
    return Heard(model)


@pytest.fixture(scope="module")
def package() -> dict[str, str]:
    """The skill package generated from content/, as `nocontact model` writes it."""
    return package_files(default_guide())


def intent_named(model: dict[str, Any], name: str) -> dict[str, Any]:
    return next(intent for intent in model["intents"] if intent["name"] == name)


# A spoken value for each built-in slot type the model uses, as Alexa would hear it.
BUILT_IN_VALUES = {"AMAZON.TIME": [{"id": "20:00", "name": {"value": "8 pm"}}]}
SLOT = re.compile(r"\{(\w+)\}")


class Heard:
    """Each intent's samples with every custom slot filled by every name (a built-in slot by
    one value, the trailing free-form slot by its first neutral tail, which changes no
    answer), normalised, each with the answer the skill gives it.

    Asked about one utterance at a time: filling every sample makes a million and a half
    utterances, so only the samples whose own words the utterance holds are filled.
    """

    def __init__(self, model: dict[str, Any]) -> None:
        self.intents = model["intents"]
        listed = {kind["name"]: kind["values"] for kind in model["types"]}
        self.types = {**BUILT_IN_VALUES, **listed}
        self.trailing = default_guide().phrasings.trailing_slot
        self.answer = outcomes({kind["name"]: kind for kind in model["types"]})
        # The words of each sample outside its slots: a filled sample, normalised, holds each.
        self.words = {
            sample: [word for text in SLOT.split(sample)[0::2] for word in text.lower().split()]
            for intent in self.intents for sample in intent["samples"]
        }

    def answers(self, said: str) -> dict[str, str]:
        """Each intent that hears `said` (normalised), with the answer it gives: the last
        filling of its samples that says it, as a table of every filled sample would keep."""
        found: dict[str, str] = {}
        for intent in self.intents:
            for sample in intent["samples"]:
                if all(word in said for word in self.words[sample]):
                    for filled, ids in self._filled(intent, sample):
                        if " ".join(filled.lower().split()) == said:
                            found[intent["name"]] = self.answer(intent["name"], ids)
        return found

    def _filled(self, intent: dict[str, Any], sample: str) -> list[tuple[str, dict[str, str]]]:
        kinds = {slot["name"]: slot["type"] for slot in intent.get("slots", ())}
        filled: list[tuple[str, dict[str, str]]] = [(sample, {})]
        for slot in SLOT.findall(sample):
            filled = [
                (said.replace("{" + slot + "}", name, 1), {**ids, slot: value["id"]})
                for said, ids in filled
                for value in self.types[kinds[slot]][: 1 if slot == self.trailing else None]
                for name in (value["name"]["value"], *value["name"].get("synonyms", ()))
            ]
        return filled


def test_the_committed_skill_package_matches_content_so_run_nocontact_model(
    package: dict[str, str],
) -> None:
    for relative, text in package.items():
        assert (PACKAGE / relative).read_text(encoding="utf-8") == text, relative


def test_every_locale_has_a_model_the_smapi_classes_read_back_unchanged() -> None:
    for locale in LOCALES:
        raw = json.loads((PACKAGE / f"interactionModels/custom/{locale}.json").read_text())
        data = SMAPI.deserialize(json.dumps(raw), InteractionModelData)
        assert isinstance(data, InteractionModelData)
        assert SMAPI.serialize(data) == raw
        assert data.interaction_model.language_model.invocation_name == "no contact companion"


def test_skill_json_reads_back_unchanged_and_declares_audio_player() -> None:
    raw = json.loads((PACKAGE / "skill.json").read_text())
    envelope = SMAPI.deserialize(json.dumps(raw), SkillManifestEnvelope)
    assert SMAPI.serialize(envelope) == raw
    assert any(isinstance(i, AudioInterface) for i in envelope.manifest.apis.custom.interfaces)
    assert envelope.manifest.publishing_information.distribution_countries


def test_every_store_listing_carries_the_health_disclaimer_and_local_numbers() -> None:
    skill = default_guide().skill
    manifest = json.loads((PACKAGE / "skill.json").read_text())["manifest"]
    for locale in LOCALES:
        listing = manifest["publishingInformation"]["locales"][locale]
        assert "not a substitute for professional" in listing["description"]
        lines = skill.crisis.locales[locale]
        for contact in (lines.emergency, *lines.lines):
            assert contact.number in listing["description"]
        assert len(listing["summary"]) <= 160 and len(listing["description"]) <= 4000


def test_the_privacy_policy_address_is_named_in_every_locale_once_it_exists() -> None:
    guide = default_guide()
    url = "https://d111111abcdef8.cloudfront.net/privacy.html"

    undeployed = skill_manifest(guide)["manifest"]["privacyAndCompliance"]
    deployed = skill_manifest(guide, privacy_policy_url=url)["manifest"]["privacyAndCompliance"]

    assert "locales" not in undeployed
    assert deployed["locales"] == {locale: {"privacyPolicyUrl": url} for locale in LOCALES}
    assert deployed["usesPersonalInfo"] is False


def test_example_phrases_are_things_the_model_understands(heard: Heard) -> None:
    manifest = json.loads((PACKAGE / "skill.json").read_text())["manifest"]
    for listing in manifest["publishingInformation"]["locales"].values():
        opening, *asks = listing["examplePhrases"]
        assert opening == "Alexa, open no contact companion"
        for phrase in asks:
            request = re.sub(r"^Alexa, ask no contact companion (for|to) ", "", phrase)
            assert heard.answers(request.lower()), phrase


def test_an_endpoint_can_be_written_into_skill_json() -> None:
    arn = "arn:aws:lambda:us-east-1:123456789012:function:skill"
    files = manifest_files(default_guide(), arn)
    custom = json.loads(files["skill.json"])["manifest"]["apis"]["custom"]
    assert custom["endpoint"] == {"uri": arn}


def test_a_package_names_the_endpoint_its_skill_json_holds_or_none(tmp_path: Path) -> None:
    arn = "arn:aws:lambda:us-east-1:123456789012:function:skill"
    skill_json = tmp_path / "skill.json"
    assert package_endpoint(skill_json) is None  # no package yet
    skill_json.write_text(manifest_files(default_guide(), arn)["skill.json"], encoding="utf-8")
    assert package_endpoint(skill_json) == arn
    skill_json.write_text(manifest_files(default_guide())["skill.json"], encoding="utf-8")
    assert package_endpoint(skill_json) is None  # a package without an endpoint
    skill_json.write_text("{not json", encoding="utf-8")
    assert package_endpoint(skill_json) is None


def test_the_package_is_the_manifest_files_and_the_models(package: dict[str, str]) -> None:
    assert set(package) == {
        "skill.json", "tasks/StartReflection.1.json",
        *(f"interactionModels/custom/{locale}.json" for locale in LOCALES),
    }
    manifest = manifest_files(default_guide())
    assert {name: package[name] for name in manifest} == manifest


def test_writing_the_package_creates_the_ask_cli_layout(
    package: dict[str, str], tmp_path: Path
) -> None:
    written = write_package(package, tmp_path)
    assert {p.relative_to(tmp_path).as_posix() for p in written} == {
        "skill.json", "tasks/StartReflection.1.json",
        *(f"interactionModels/custom/{locale}.json" for locale in LOCALES),
    }
    for path in written:
        assert path.read_text(encoding="utf-8") == package[path.relative_to(tmp_path).as_posix()]


def test_the_real_model_breaks_no_rule(model: dict[str, Any]) -> None:
    assert model_problems(model) == []


def test_no_sample_is_slots_joined_by_one_word(model: dict[str, Any]) -> None:
    # "{occasion} without {person}" would take "everyone'd be better off without me" for the
    # holidays: slots fill with words Alexa was not given, so the sample catches anything.
    loose = [
        sample
        for intent in model["intents"]
        for sample in intent["samples"]
        if (slots := sample.count("{")) >= 2 and len(sample.split()) - slots <= 1
    ]
    assert loose == []


def test_every_intent_has_many_varied_samples(model: dict[str, Any]) -> None:
    for intent in model["intents"]:
        if not intent["name"].startswith("AMAZON."):
            assert len(set(intent["samples"])) >= 10, intent["name"]


def test_the_required_built_in_intents_are_declared(model: dict[str, Any]) -> None:
    names = {intent["name"] for intent in model["intents"]}
    assert set(intents.BUILT_IN) <= names
    assert {intents.TOPIC, intents.REFLECT, intents.CRISIS, intents.PLAY_GUIDE,
            intents.CONTINUE_LISTENING, intents.FORGET_ME} <= names


def test_the_topic_slot_type_is_the_sections_with_their_names(model: dict[str, Any]) -> None:
    guide = default_guide()
    book = guide.phrasebook("en-US")
    topics = model["types"][0]
    *sections, crisis = topics["values"]
    assert topics["name"] == intents.TOPIC_TYPE
    assert [value["id"] for value in sections] == list(guide.ids)
    for value, section in zip(sections, guide.sections, strict=True):
        assert value["name"]["value"] == section.topic
        assert value["name"]["synonyms"] == list(book.synonyms(section))
    assert crisis["id"] == intents.CRISIS_TOPIC
    # Signals with digits ("988") are for the runtime's own check: Alexa spells numbers out.
    spelled = [said for said in book.signals() if not any(ch.isdigit() for ch in said)]
    assert crisis["name"]["synonyms"] == spelled
    assert len(spelled) < len(book.signals())


def test_a_topic_value_id_given_twice_is_reported(model: dict[str, Any]) -> None:
    broken = json.loads(json.dumps(model))
    values = broken["types"][0]["values"]
    values.append({**values[0], "name": {"value": "the crisis", "synonyms": []}})
    values[-1]["id"] = intents.CRISIS_TOPIC
    assert any("value id 'crisis' is repeated" in p for p in model_problems(broken))


def test_each_section_has_its_own_intent_from_its_phrasings(model: dict[str, Any]) -> None:
    book = default_guide().phrasebook("en-US")
    for section in default_guide().sections:
        intent = intent_named(model, intents.section_intent(section.id))
        assert len(intent["samples"]) >= 100, section.id
        own = {utterance(p) for p in book.phrasings(section)}
        trailing = "{" + str(default_guide().phrasings.trailing_slot) + "}"
        assert {s.removesuffix(" " + trailing) for s in intent["samples"]} <= own


def test_the_crisis_intent_listens_for_every_crisis_phrase(
    model: dict[str, Any], heard: Heard
) -> None:
    samples = intent_named(model, intents.CRISIS)["samples"]
    assert set(samples) <= {utterance(p) for p in default_guide().phrasebook("en-US").crisis()}
    for phrase in ("I want to hurt myself", "I want to die", "I don't want to live anymore",
                   "I'm not safe", "someone is hurting me", "I need help now"):
        said = phrase.lower()
        assert set(heard.answers(said).values()) == {"crisis"}


def test_the_issue_phrasings_each_reach_their_section(heard: Heard) -> None:
    for phrase, section_id in ISSUE_PHRASINGS.items():
        said = " ".join(phrase.lower().split())
        answers = set(heard.answers(said).values())
        assert answers == {f"section:{section_id}"}, phrase


def test_a_sample_shared_by_two_intents_is_reported(model: dict[str, Any]) -> None:
    broken = json.loads(json.dumps(model))
    intent_named(broken, intents.REFLECT)["samples"].append("help me reflect")
    intent_named(broken, intents.FORGET_ME)["samples"].append("Help me reflect")
    assert any("'help me reflect' is a sample of both" in p for p in model_problems(broken))


def test_a_sample_that_a_topic_name_turns_into_another_intents_is_reported(
    model: dict[str, Any],
) -> None:
    broken = json.loads(json.dumps(model))
    intent_named(broken, intents.FORGET_ME)["samples"].append("tell me about christmas")
    problems = model_problems(broken)
    assert any("'tell me about christmas' is a sample of both TopicIntent" in p for p in problems)


def test_a_reference_to_an_undeclared_slot_is_reported(model: dict[str, Any]) -> None:
    broken = json.loads(json.dumps(model))
    intent_named(broken, intents.FORGET_ME)["samples"].append("forget {topic}")
    assert any("undeclared slot {topic}" in p for p in model_problems(broken))


def test_a_sample_naming_one_slot_twice_is_reported(model: dict[str, Any]) -> None:
    broken = json.loads(json.dumps(model))
    intent_named(broken, intents.TOPIC)["samples"].append("tell me about {topic} and {topic}")
    problems = model_problems(broken)
    assert any("names slot {topic} more than once" in p for p in problems)
    assert not any("more than once" in p for p in model_problems(model))


def test_a_slot_of_an_unknown_type_is_reported(model: dict[str, Any]) -> None:
    broken = json.loads(json.dumps(model))
    intent_named(broken, intents.TOPIC)["slots"][0]["type"] = "Topics"
    assert any("unknown type 'Topics'" in p for p in model_problems(broken))


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("no contact companion", None),
        ("companion", "at least two lower-case words"),
        ("No Contact Companion", "at least two lower-case words"),
        ("alexa family helper", "drop 'alexa'"),
        ("ask the companion", "drop 'ask'"),
        ("help for family", "drop 'for'"),
        ("family helper two", None),
        ("family helper 2", "at least two lower-case words"),
    ],
)
def test_invocation_names_follow_amazons_rules(name: str, problem: str | None) -> None:
    problems = invocation_problems(name)
    if problem is None:
        assert problems == []
    else:
        assert any(problem in p for p in problems)


@pytest.mark.parametrize(
    ("text", "sample"),
    [
        ("will I regret cutting them off?", "will I regret cutting them off"),
        ("I’m lonely, during the holidays!", "I'm lonely during the holidays"),
        ("  play   from {topic} ", "play from {topic}"),
        ("I 've written it down", "I've written it down"),
    ],
)
def test_samples_are_cleaned_of_punctuation_alexa_refuses(text: str, sample: str) -> None:
    assert utterance(text) == sample


@pytest.mark.parametrize("text", ["call 911", "what about #hashtags", "I feel 100% guilty"])
def test_samples_with_digits_or_symbols_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="spell out numbers"):
        utterance(text)


@pytest.mark.parametrize("text", ["I'm fed up with {person}'s excuses", "{person}s texts"])
def test_samples_with_a_possessive_after_a_slot_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="a slot takes no possessive"):
        utterance(text)
