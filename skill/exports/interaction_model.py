"""The Alexa interaction model and skill manifest, generated from content/.

`nocontact model --out skill-package` writes the ASK CLI layout: skill.json and
interactionModels/custom/<locale>.json. Topic names, section questions and crisis phrases come
from content/, so the words Alexa listens for and the routing in the skill cannot drift apart.
`model_problems` checks a model by Alexa's rules before anything is written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from content import LOCALES
from skill.exports.icons import icon_uris
from skill.runtime import intents
from skill.runtime.guidebook import parse_crisis

if TYPE_CHECKING:
    from content import Guide

# Each English locale's country ("en-GB" → "GB"): where the skill is offered.
COUNTRIES = tuple(locale.split("-")[1] for locale in LOCALES)
CATEGORY = "HEALTH_AND_FITNESS"
_SLOT = "{" + intents.TOPIC_SLOT + "}"
_SAMPLE = re.compile(r"^[A-Za-z{][A-Za-z '.\-{}]*$")
_DROPPED = re.compile(r"[?!,;:\"]")
_SLOT_REFERENCE = re.compile(r"\{([^{}]*)\}")
# Amazon's invocation-name rules: no wake words, launch phrases or connecting words.
_FORBIDDEN_INVOCATION_WORDS = frozenset(
    "alexa amazon echo computer skill app launch ask tell load begin enable open start play "
    "resume run to from by if and whether in using with about for that".split()
)

TOPIC_SAMPLES = (
    _SLOT, "tell me about {topic}", "talk to me about {topic}", "I want to hear about {topic}",
    "I'd like to hear about {topic}", "help with {topic}", "help me with {topic}",
    "I need help with {topic}", "I'm struggling with {topic}", "I'm dealing with {topic}",
    "what about {topic}", "can we talk about {topic}", "let's talk about {topic}",
    "go to {topic}", "skip to {topic}", "jump to {topic}", "the section on {topic}",
    "the part about {topic}", "what do you say about {topic}", "I want to learn about {topic}",
    "I have a question about {topic}", "{topic} please", "what should I know about {topic}",
    "tell me more about {topic}", "I'm worried about {topic}", "I keep thinking about {topic}",
    "give me advice on {topic}", "what does the guide say about {topic}",
)
REFLECT_SAMPLES = (
    "give me a reflection question", "help me reflect", "I want to reflect",
    "a reflection question", "give me something to reflect on",
    "give me something to think about", "ask me a reflection question",
    "ask me something to think about", "I'd like a reflection", "reflection",
    "a reflection please", "give me a journal prompt", "journal prompt", "another reflection",
    "another reflection question", "give me another question to think about",
    "something to journal about", "let me reflect", "reflect with me",
    "give me a reflection question about {topic}", "help me reflect on {topic}",
    "something to think about on {topic}", "a reflection about {topic}",
    "a journal prompt about {topic}", "ask me a question about {topic}",
)
PLAY_GUIDE_SAMPLES = (
    "play the guide", "play the whole guide", "play the full guide", "play everything",
    "play it all", "play all of it", "play the guide from the start", "read me the whole guide",
    "read the whole guide", "listen to the whole guide", "I want to listen to the whole guide",
    "start the guide", "start listening", "play the guide from {topic}", "play from {topic}",
    "play {topic}", "start the guide at {topic}", "play the guide starting with {topic}",
    "start playing from {topic}", "listen from {topic}", "play the section on {topic}",
    "read me the guide from {topic}",
)
CONTINUE_LISTENING_SAMPLES = (
    "continue where I left off", "pick up where I left off", "pick up where we left off",
    "carry on where I left off", "resume the guide", "resume where I left off",
    "keep listening", "continue listening", "continue the guide", "where was I",
    "go back to where I was", "start where I stopped", "continue from where I stopped",
    "play from where I stopped", "resume listening", "keep playing the guide",
    "continue from last time",
)
FORGET_ME_SAMPLES = (
    "forget me", "forget where I was", "forget my place", "delete my data",
    "delete my progress", "erase my progress", "clear my history", "clear my listening history",
    "reset my progress", "remove my data", "delete everything you know about me",
    "forget everything about me", "wipe my data", "stop remembering me",
    "don't remember where I was", "clear my saved place",
)
# Extra phrasings for built-in intents, on top of Amazon's own.
BUILT_IN_SAMPLES: Mapping[str, tuple[str, ...]] = {
    intents.HELP: ("what can I say", "what can you do", "how does this work"),
    intents.YES: (
        "go on", "keep going", "please do", "yes please", "go ahead", "carry on",
        "I'd like that", "that would be nice", "yes I would", "let's do it",
    ),
    intents.NO: (
        "no thanks", "no thank you", "not now", "not really", "I'd rather not", "maybe later",
        "not right now", "no I'm okay",
    ),
    intents.NEXT: (
        "next section", "next part", "skip this section", "skip ahead", "move on",
        "the next one", "go to the next section", "what's next",
    ),
    intents.PREVIOUS: (
        "go back", "previous section", "the previous one", "go back one section",
        "the section before this",
    ),
    intents.REPEAT: (
        "say that again", "repeat that", "one more time", "can you repeat that",
        "play that again", "what did you say",
    ),
    intents.START_OVER: (
        "start from the beginning", "go back to the beginning", "from the top",
        "start the guide over", "begin again",
    ),
}


def utterance(text: str) -> str:
    """A sample as Alexa accepts it: no question marks or commas, single spaces.

    ValueError when something else is left that Alexa refuses, such as digits.
    """
    sample = " ".join(_DROPPED.sub(" ", text.replace("’", "'")).split())
    if not _SAMPLE.match(sample):
        raise ValueError(
            f"sample {text!r}: use letters, spaces, apostrophes, periods and hyphens only "
            "(spell out numbers)"
        )
    return sample


def invocation_problems(name: str) -> list[str]:
    """What makes an invocation name invalid by Amazon's rules (empty when valid)."""
    words = name.split()
    problems = []
    if not re.fullmatch(r"[a-z]+( [a-z]+)+", name):
        problems.append("use at least two lower-case words of letters, single-spaced")
    if len(name) > 50:
        problems.append("keep it to 50 characters")
    problems += [f"drop {word!r}" for word in words if word in _FORBIDDEN_INVOCATION_WORDS]
    return problems


def _intent(name: str, samples: Iterable[str], *, topic: bool = False) -> dict[str, Any]:
    intent: dict[str, Any] = {"name": name}
    if topic:
        intent["slots"] = [{"name": intents.TOPIC_SLOT, "type": intents.TOPIC_TYPE}]
    intent["samples"] = [utterance(sample) for sample in samples]
    return intent


def language_model(guide: Guide) -> dict[str, Any]:
    """The languageModel for one English locale (all five share it)."""
    custom = [
        _intent(intents.TOPIC, TOPIC_SAMPLES, topic=True),
        *(_intent(intents.section_intent(s.id), s.questions) for s in guide.sections),
        _intent(intents.REFLECT, REFLECT_SAMPLES, topic=True),
        _intent(intents.CRISIS, guide.skill.crisis.phrases),
        _intent(intents.PLAY_GUIDE, PLAY_GUIDE_SAMPLES, topic=True),
        _intent(intents.CONTINUE_LISTENING, CONTINUE_LISTENING_SAMPLES),
        _intent(intents.FORGET_ME, FORGET_ME_SAMPLES),
    ]
    built_in = [_intent(name, BUILT_IN_SAMPLES.get(name, ())) for name in intents.BUILT_IN]
    crisis = {
        "id": intents.CRISIS_TOPIC,
        "name": {"value": intents.CRISIS_TOPIC, "synonyms": list(guide.skill.crisis.signals)},
    }
    topics = {
        "name": intents.TOPIC_TYPE,
        "values": [
            *(
                {
                    "id": section.id,
                    "name": {"value": section.topic, "synonyms": list(section.synonyms)},
                }
                for section in guide.sections
            ),
            crisis,
        ],
    }
    return {
        "invocationName": guide.skill.invocation_name,
        "intents": custom + built_in,
        "types": [topics],
    }


def interaction_model(guide: Guide) -> dict[str, Any]:
    """interactionModels/custom/<locale>.json; ValueError lists any rule the model breaks."""
    model = language_model(guide)
    problems = model_problems(model)
    if problems:
        raise ValueError("the interaction model breaks Alexa's rules: " + "; ".join(problems))
    return {"interactionModel": {"languageModel": model}}


def model_problems(model: Mapping[str, Any]) -> list[str]:
    """Rule breaks in a languageModel: invocation, slots, and samples two intents share."""
    problems = [f"invocation name: {p}" for p in invocation_problems(model["invocationName"])]
    types = {slot_type["name"]: slot_type for slot_type in model.get("types", ())}
    for name, slot_type in types.items():
        ids = [value["id"] for value in slot_type["values"]]
        repeated = sorted({value_id for value_id in ids if ids.count(value_id) > 1})
        problems += [f"slot type {name}: value id {i!r} is repeated" for i in repeated]
    owners: dict[str, str] = {}
    for intent in model["intents"]:
        slots = {slot["name"]: slot["type"] for slot in intent.get("slots", ())}
        problems += [
            f"{intent['name']}: slot {name!r} has unknown type {kind!r}"
            for name, kind in slots.items()
            if kind not in types and not kind.startswith("AMAZON.")
        ]
        for sample in intent["samples"]:
            problems += [
                f"{intent['name']}: sample {sample!r} refers to undeclared slot {{{name}}}"
                for name in _SLOT_REFERENCE.findall(sample)
                if name not in slots
            ]
            for heard in _expand(sample, slots, types):
                owner = owners.setdefault(heard, intent["name"])
                if owner != intent["name"]:
                    problems.append(f"{heard!r} is a sample of both {owner} and {intent['name']}")
    return problems


def _expand(sample: str, slots: Mapping[str, str], types: Mapping[str, Any]) -> Iterable[str]:
    """Every utterance a sample stands for, normalised, with custom slot values filled in."""
    names = _SLOT_REFERENCE.findall(sample)
    custom = [name for name in names if slots.get(name) in types]
    if not custom:
        yield _normal(sample)
        return
    name = custom[0]
    for value in types[slots[name]]["values"]:
        for said in (value["name"]["value"], *value["name"].get("synonyms", ())):
            yield from _expand(sample.replace("{" + name + "}", said, 1), slots, types)


def _normal(sample: str) -> str:
    return " ".join(re.sub(r"[^\w'{} ]+", " ", sample.lower()).split())


# The screens skill.runtime.display's document is laid out for: small round hubs, Echo Shows, TVs.
SUPPORTED_VIEWPORTS = [
    {"mode": "HUB", "shape": "ROUND", "minWidth": 100, "maxWidth": 599,
     "minHeight": 100, "maxHeight": 599},
    {"mode": "HUB", "shape": "RECTANGLE", "minWidth": 960, "maxWidth": 1279,
     "minHeight": 600, "maxHeight": 959},
    {"mode": "HUB", "shape": "RECTANGLE", "minWidth": 1280, "maxWidth": 1920,
     "minHeight": 600, "maxHeight": 1279},
    {"mode": "TV", "shape": "RECTANGLE", "minWidth": 960, "maxWidth": 960,
     "minHeight": 540, "maxHeight": 540},
]


def skill_manifest(guide: Guide, endpoint: str | None = None) -> dict[str, Any]:
    """skill.json: store listing (with the health disclaimer), privacy, AudioPlayer, and the
    SkillDisabled event, on which the skill deletes the listener's place in the guide (it asks
    for no permissions, so permission events would change nothing)."""
    skill = guide.skill
    custom: dict[str, Any] = {
        "interfaces": [
            {"type": "AUDIO_PLAYER"},
            {"type": "ALEXA_PRESENTATION_APL", "supportedViewports": SUPPORTED_VIEWPORTS},
        ]
    }
    if endpoint:
        custom["endpoint"] = (
            {"uri": endpoint, "sslCertificateType": "Trusted"}
            if endpoint.startswith("https://")
            else {"uri": endpoint}
        )
    events: dict[str, Any] = {"subscriptions": [{"eventName": "SKILL_DISABLED"}]}
    if endpoint:
        events["endpoint"] = custom["endpoint"]
    return {
        "manifest": {
            "manifestVersion": "1.0",
            "publishingInformation": {
                "locales": {locale: _listing(guide, locale) for locale in LOCALES},
                "isAvailableWorldwide": False,
                "distributionCountries": list(COUNTRIES),
                "category": CATEGORY,
                "testingInstructions": (
                    f'Say "Alexa, open {skill.invocation_name}", then ask about a topic '
                    '("help with guilt"), say "yes" to the follow-up, "give me a reflection '
                    'question", "next", and "I need help now" for the crisis answer.'
                ),
            },
            "privacyAndCompliance": {
                "allowsPurchases": False,
                "usesPersonalInfo": False,
                "isChildDirected": False,
                "isExportCompliant": True,
                "containsAds": False,
                "locales": {
                    locale: {"privacyPolicyUrl": skill.privacy_policy_url} for locale in LOCALES
                },
            },
            "apis": {"custom": custom},
            "events": events,
        }
    }


def _listing(guide: Guide, locale: str) -> dict[str, Any]:
    """One locale's store listing; the description ends with that locale's crisis numbers."""
    skill = guide.skill
    numbers = parse_crisis(skill.crisis.model_dump(mode="json")).numbers(locale, spoken=False)
    invocation = skill.invocation_name
    return {
        "name": skill.name,
        "summary": skill.listing.summary,
        "description": f"{skill.listing.description}\n\n{' '.join(numbers)}",
        "examplePhrases": [
            f"Alexa, open {invocation}",
            f"Alexa, ask {invocation} for help with guilt",
            f"Alexa, ask {invocation} to give me a reflection question",
        ],
        "keywords": list(skill.listing.keywords),
        **icon_uris(),
    }


def package_files(guide: Guide, endpoint: str | None = None) -> dict[str, str]:
    """Every generated file's path (relative to the package folder) and exact text."""
    files = {"skill.json": _json(skill_manifest(guide, endpoint))}
    model = _json(interaction_model(guide))
    files.update({f"interactionModels/custom/{locale}.json": model for locale in LOCALES})
    return files


def check_endpoint(endpoint: str) -> str:
    """The endpoint, if Alexa can call it: an HTTPS URL or a Lambda function ARN."""
    if not endpoint.startswith(("https://", "arn:aws:lambda:")):
        raise ValueError(
            f"endpoint {endpoint!r} must be an https:// URL or a Lambda function ARN "
            "(arn:aws:lambda:...); Alexa calls nothing else"
        )
    return endpoint


def package_endpoint(skill_json: Path) -> str | None:
    """The endpoint a skill package's skill.json already names, or None."""
    try:
        manifest = json.loads(skill_json.read_text(encoding="utf-8"))["manifest"]
        return manifest["apis"]["custom"]["endpoint"]["uri"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_package(guide: Guide, out: Path, endpoint: str | None = None) -> list[Path]:
    """Write the skill package under `out`; returns the paths written."""
    written = []
    for relative, text in package_files(guide, endpoint).items():
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
