"""One locale's Alexa language model, expanded from content/'s phrase grammar.

Intents, their samples and slots, the slot types and the fallback sensitivity all come from
content/ (phrasings.yaml and each section's synonyms and phrasings), so the words Alexa
listens for and the skill's routing cannot drift apart. A sample that two intents would share
is a build error at Alexa: one that leads to the same answer either way (a section's phrase
that the topic intent already hears with a slot value) is dropped, and one that would lead to
two different answers is reported by `model_problems`, as is any break of Alexa's limits.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from content.models import CRISIS_FAMILIES, Phrases
from skill.exports import limits
from skill.exports.selection import varied, within_budget
from skill.runtime import intents

if TYPE_CHECKING:
    from content import Guide
    from content.phrasebook import Phrasebook

_SAMPLE = re.compile(r"^[A-Za-z{][A-Za-z '.\-{}]*$")
_DROPPED = re.compile(r"[?!,;:\"]")
# A contraction set apart from its word by the grammar ("I ('ve| have)" gives "I 've").
_LOOSE_CONTRACTION = re.compile(r" '(?=[a-z])")
_SLOT_REFERENCE = re.compile(r"\{([^{}]*)\}")
# A slot with a word stuck to it ("{person}'s"). Amazon allows "possessive apostrophes" without
# saying whether one may follow a slot, and developers report the console refusing it, so a
# sample says "{person} is" or names the owner in words ("my mom's").
_SLOT_WITH_SUFFIX = re.compile(r"\{[^{}]*\}[\w']")
# A slot type's spoken forms, normalised, in order, each with its value's id.
_SpokenValues = list[tuple[str, str]]
# Past every character an utterance holds: a prefix followed by it sorts after every string
# that begins with the prefix.
_LAST_CHARACTER = "\U0010ffff"
_FORBIDDEN_INVOCATION_WORDS = frozenset(
    "alexa amazon echo computer skill app launch ask tell load begin enable open start play "
    "resume run to from by if and whether in using with about for that".split()
)
# content's request names, as the skill's intents.
REQUEST_INTENTS = {
    "topic": intents.TOPIC,
    "reflect": intents.REFLECT,
    "guided_reflection": intents.GUIDED_REFLECTION,
    "play_guide": intents.PLAY_GUIDE,
    "continue_listening": intents.CONTINUE_LISTENING,
    "forget_me": intents.FORGET_ME,
    "set_reminder": intents.SET_REMINDER,
    "list_reminders": intents.LIST_REMINDERS,
    "stop_reminders": intents.STOP_REMINDERS,
}


def utterance(text: str) -> str:
    """A sample as Alexa accepts it: no question marks or commas, single spaces, each
    contraction joined to its word.

    ValueError when something else is left that Alexa refuses, such as digits or a slot
    with a possessive.
    """
    spaced = " ".join(_DROPPED.sub(" ", text.replace("’", "'")).split())
    sample = _LOOSE_CONTRACTION.sub("'", spaced)
    if not _SAMPLE.match(sample):
        raise ValueError(
            f"sample {text!r}: use letters, spaces, apostrophes, periods and hyphens only "
            "(spell out numbers)"
        )
    if _SLOT_WITH_SUFFIX.search(sample):
        raise ValueError(
            f"sample {text!r}: a slot takes no possessive or other ending; "
            "say '{person} is' or name the owner in words"
        )
    return sample


def invocation_problems(name: str) -> list[str]:
    """What makes an invocation name invalid by Amazon's rules (empty when valid)."""
    problems = []
    if not re.fullmatch(r"[a-z]+( [a-z]+)+", name):
        problems.append("use at least two lower-case words of letters, single-spaced")
    if len(name) > 50:
        problems.append("keep it to 50 characters")
    problems += [f"drop {word!r}" for word in name.split() if word in _FORBIDDEN_INVOCATION_WORDS]
    return problems


def slot_type_name(slot: str) -> str:
    """The custom slot type of one of content's slots: "person" → "Person"."""
    return intents.TOPIC_TYPE if slot == intents.TOPIC_SLOT else slot.capitalize()


def language_model(guide: Guide, locale: str) -> dict[str, Any]:
    """The languageModel for one locale, with redundant shared samples dropped."""
    book = guide.phrasebook(locale)
    types = [_topic_type(guide, book), *_listed_types(guide, book)]
    by_type = {kind["name"]: kind for kind in types}
    built_in = guide.phrasings.built_in_slots
    trailing = guide.phrasings.trailing_slot
    intent_list = [
        _intent(name, _samples(name, lines, trailing), built_in)
        for name, lines in _intent_lines(guide, book)
    ]
    for intent in intent_list:
        for slot in intent.get("slots", ()):
            answers = [utterance(said) for said in book.slot_answers(slot["name"])]
            if answers:
                slot["samples"] = answers
    return {
        "invocationName": guide.skill.invocation_name,
        "modelConfiguration": {
            "fallbackIntentSensitivity": {"level": guide.phrasings.fallback_sensitivity}
        },
        "intents": _without_redundant_samples(intent_list, by_type),
        "types": types,
    }


def interaction_model(guide: Guide, locale: str) -> dict[str, Any]:
    """interactionModels/custom/<locale>.json; ValueError lists any rule the model breaks."""
    model = language_model(guide, locale)
    problems = model_problems(model)
    if problems:
        raise ValueError(
            f"the {locale} interaction model breaks Alexa's rules: " + "; ".join(problems)
        )
    return {"interactionModel": {"languageModel": model, "dialog": dialog_model(model)}}


def dialog_model(model: Mapping[str, Any]) -> dict[str, Any]:
    """The dialog model that lets the skill ask for a slot alone (Dialog.ElicitSlot): every
    intent with a slot that has answers of its own, the skill deciding each turn."""
    intents_with_answers = [
        {
            "name": intent["name"],
            "confirmationRequired": False,
            "prompts": {},
            "slots": [
                {"name": slot["name"], "type": slot["type"], "elicitationRequired": False,
                 "confirmationRequired": False, "prompts": {}}
                for slot in intent["slots"]
            ],
        }
        for intent in model["intents"]
        if any(slot.get("samples") for slot in intent.get("slots", ()))
    ]
    return {"intents": intents_with_answers, "delegationStrategy": "SKILL_RESPONSE"}


def _intent_lines(guide: Guide, book: Phrasebook) -> Iterator[tuple[str, tuple[Phrases, ...]]]:
    """Every intent with its grammar lines expanded, crisis first: the order Alexa's console
    shows."""
    crisis = [line for family in CRISIS_FAMILIES for line in guide.phrasings.crisis[family]]
    yield intents.CRISIS, book.expand_lines(crisis)
    yield intents.TOPIC, book.expand_lines(guide.phrasings.intents["topic"])
    for section in guide.sections:
        yield intents.section_intent(section.id), book.expand_lines(section.phrasings)
    for request, name in REQUEST_INTENTS.items():
        if request != "topic":
            yield name, book.expand_lines(guide.phrasings.intents[request])
    for name in intents.BUILT_IN:
        yield name, book.expand_lines(guide.phrasings.intents.get(name, ()))


def _samples(name: str, lines: tuple[Phrases, ...], trailing: str | None) -> tuple[str, ...]:
    """An intent's samples within its budget; a section's also end, a share of them, with the
    trailing free-form slot, so Alexa hands the skill what follows the opening."""
    cleaned = [[utterance(said) for said in line] for line in lines]
    budget = limits.sample_budget(name)
    if trailing is None or not name.endswith("SectionIntent"):
        return within_budget(cleaned, budget)
    share = limits.TRAILING_SHARE
    chosen = within_budget(cleaned, budget - round(budget * share))
    openings = [said for said in chosen if not said.endswith("}") and len(said.split()) > 2]
    ending = varied(openings, round(len(chosen) * share / (1 - share)))
    return (*chosen, *(f"{said} {{{trailing}}}" for said in ending))


def _intent(name: str, samples: Iterable[str], built_in: Mapping[str, str]) -> dict[str, Any]:
    said = list(dict.fromkeys(samples))
    slots = dict.fromkeys(slot for sample in said for slot in _SLOT_REFERENCE.findall(sample))
    intent: dict[str, Any] = {"name": name}
    if slots:
        intent["slots"] = [
            {"name": slot, "type": built_in.get(slot) or slot_type_name(slot)} for slot in slots
        ]
    intent["samples"] = said
    return intent


def _topic_type(guide: Guide, book: Phrasebook) -> dict[str, Any]:
    """Sections by their names (the slot the skill routes on), and danger words as "crisis"."""
    sections = [
        {"id": s.id, "name": {"value": s.topic, "synonyms": list(book.synonyms(s))}}
        for s in guide.sections
    ]
    crisis = {
        "id": intents.CRISIS_TOPIC,
        # Digits are for the runtime's own check ("call 911"); a slot value spells numbers out.
        "name": {
            "value": intents.CRISIS_TOPIC,
            "synonyms": [said for said in book.signals() if not re.search(r"\d", said)],
        },
    }
    return {"name": intents.TOPIC_TYPE, "values": [*sections, crisis]}


def _listed_types(guide: Guide, book: Phrasebook) -> Iterator[dict[str, Any]]:
    for slot in guide.phrasings.slots:
        values = book.slot_values(slot)
        yield {
            "name": slot_type_name(slot),
            "values": [{"id": _value_id(value), "name": {"value": value}} for value in values],
        }


def _value_id(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", value.lower()).strip("_")


Outcome = Callable[[str, Mapping[str, str]], str]


def outcomes(types: Mapping[str, Any]) -> Outcome:
    """What the skill answers an intent with given slot value ids: a section, crisis, ….

    Two intents may share a sample only when they lead to the same answer.
    """
    values = types[intents.TOPIC_TYPE]["values"]
    sections = {
        intents.section_intent(v["id"]): v["id"] for v in values if v["id"] != intents.CRISIS_TOPIC
    }

    def answer(intent: str, filled: Mapping[str, str]) -> str:
        topic = filled.get(intents.TOPIC_SLOT)
        if intent == intents.CRISIS or (intent == intents.TOPIC and topic == intents.CRISIS_TOPIC):
            return "crisis"
        if intent in sections:
            return f"section:{sections[intent]}"
        if intent == intents.TOPIC and topic is not None:
            return f"section:{topic}"
        return intent

    return answer


def _without_redundant_samples(
    intent_list: list[dict[str, Any]], types: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """Drop plain samples another intent already hears, through a slot, to the same answer."""
    answer = outcomes(types)
    plain = {_normal(s) for i in intent_list for s in i["samples"] if not _is_slotted(s)}
    heard = _heard_through_slots(intent_list, types, plain, answer)
    for intent in intent_list:
        own = answer(intent["name"], {})
        intent["samples"] = [
            sample for sample in intent["samples"]
            if _is_slotted(sample) or heard.get(_normal(sample), ("", ""))[1] != own
        ]
    return intent_list


def model_file(model: Mapping[str, Any]) -> str:
    """An interaction model as its file is shipped: UTF-8 JSON, one element per line and no
    indentation, which alone would spend a quarter of Alexa's 1.5 MB."""
    return json.dumps(model, ensure_ascii=False, indent=0) + "\n"


def model_problems(model: Mapping[str, Any]) -> list[str]:
    """Rule breaks in a languageModel: invocation, slots, limits, a sample in two intents, and
    a plain sample that another intent hears through a slot value with another answer."""
    problems = [f"invocation name: {p}" for p in invocation_problems(model["invocationName"])]
    types = {slot_type["name"]: slot_type for slot_type in model.get("types", ())}
    for name, slot_type in types.items():
        ids = [value["id"] for value in slot_type["values"]]
        repeated = sorted({value_id for value_id in ids if ids.count(value_id) > 1})
        problems += [f"slot type {name}: value id {i!r} is repeated" for i in repeated]
    size = len(model_file({"interactionModel": {"languageModel": model}}).encode("utf-8"))
    problems += limits.problems(model, size)
    owners: dict[str, str] = {}
    for intent in model["intents"]:
        slots = {slot["name"]: slot["type"] for slot in intent.get("slots", ())}
        problems += [
            f"{intent['name']}: slot {name!r} has unknown type {kind!r}"
            for name, kind in slots.items()
            if kind not in types and not kind.startswith("AMAZON.")
        ]
        for sample in intent["samples"]:
            named = _SLOT_REFERENCE.findall(sample)
            problems += [
                f"{intent['name']}: sample {sample!r} refers to undeclared slot {{{name}}}"
                for name in named
                if name not in slots
            ]
            problems += [
                f"{intent['name']}: sample {sample!r} names slot {{{name}}} more than once"
                for name in sorted({name for name in named if named.count(name) > 1})
            ]
            owner = owners.setdefault(_normal(sample), intent["name"])
            if owner != intent["name"]:
                said = _normal(sample)
                problems.append(f"{said!r} is a sample of both {owner} and {intent['name']}")
    if problems or intents.TOPIC_TYPE not in types:
        return problems
    answer = outcomes(types)
    heard = _heard_through_slots(model["intents"], types, set(owners), answer)
    for said, owner in owners.items():
        if said in heard and heard[said][1] != answer(owner, {}):
            problems.append(f"{said!r} is a sample of both {heard[said][0]} and {owner}")
    return problems


def _is_slotted(sample: str) -> bool:
    return _SLOT_REFERENCE.search(sample) is not None


def _heard_through_slots(
    intent_list: Iterable[Mapping[str, Any]],
    types: Mapping[str, Any],
    wanted: set[str],
    answer: Outcome,
) -> dict[str, tuple[str, str]]:
    """Which of the `wanted` utterances a slotted sample says once its custom slots are
    filled: the first such intent, and its answer with the first slot values that say it."""
    spoken = {name: _spoken(kind) for name, kind in types.items()}
    first_ids = {name: _first_ids(values) for name, values in spoken.items()}
    looked_for = _Wanted(wanted)
    heard: dict[str, tuple[str, str]] = {}
    for intent in intent_list:
        kinds = {slot["name"]: slot["type"] for slot in intent.get("slots", ())}
        for sample in intent["samples"]:
            parts = _SLOT_REFERENCE.split(_normal(sample))
            names = parts[1::2]
            if not names or any(kinds.get(name) not in spoken for name in names):
                continue
            if len(names) == 1:
                kind = kinds[names[0]]
                said_by = _said_once(parts[0], parts[2], spoken[kind], first_ids[kind], looked_for)
            else:
                said_by = _said(parts[0::2], [spoken[kinds[name]] for name in names], looked_for)
            for said, ids in said_by:
                if said not in heard:
                    filled = dict(zip(names, ids, strict=True))
                    heard[said] = (intent["name"], answer(intent["name"], filled))
    return heard


class _Wanted:
    """The utterances looked for, sorted forwards and by their reversed text, so that those
    with a given beginning, or a given ending, are one range of a list."""

    def __init__(self, wanted: set[str]) -> None:
        self.all = wanted
        self.ordered = sorted(wanted)
        self.backwards = sorted(said[::-1] for said in wanted)

    def starting(self, prefix: str) -> list[str]:
        """The utterances that begin with `prefix`."""
        return self.ordered[slice(*_range(self.ordered, prefix))]

    def ending(self, suffix: str) -> list[str]:
        """The utterances that end with `suffix`."""
        return [said[::-1] for said in self.backwards[slice(*_range(self.backwards, suffix[::-1]))]]

    def count_starting(self, prefix: str) -> int:
        start, end = _range(self.ordered, prefix)
        return end - start

    def count_ending(self, suffix: str) -> int:
        start, end = _range(self.backwards, suffix[::-1])
        return end - start


def _range(ordered: list[str], prefix: str) -> tuple[int, int]:
    """Where the strings of sorted `ordered` that begin with `prefix` are."""
    start = bisect_left(ordered, prefix)
    return start, bisect_left(ordered, prefix + _LAST_CHARACTER, start)


def _said_once(
    head: str, tail: str, values: _SpokenValues, first_ids: Mapping[str, str], wanted: _Wanted
) -> Iterator[tuple[str, tuple[str, ...]]]:
    """The wanted utterances that `head`, a slot value and `tail` say, each with the id of
    the first value that says it: found from whichever is fewest, the slot's values or the
    utterances beginning with `head` or ending with `tail`."""
    starting, ending = wanted.count_starting(head), wanted.count_ending(tail)
    if len(values) <= min(starting, ending):
        for value, value_id in values:
            said = head + value + tail
            if said in wanted.all:
                yield said, (value_id,)
        return
    around = len(head) + len(tail)
    for said in wanted.starting(head) if starting <= ending else wanted.ending(tail):
        if len(said) >= around and said.startswith(head) and said.endswith(tail):
            value_id = first_ids.get(said[len(head):len(said) - len(tail)])
            if value_id is not None:
                yield said, (value_id,)


def _first_ids(values: _SpokenValues) -> dict[str, str]:
    """Each spoken form with the id of the first value that has it."""
    first: dict[str, str] = {}
    for said, value_id in values:
        first.setdefault(said, value_id)
    return first


def _said(
    texts: list[str], values: list[_SpokenValues], wanted: _Wanted
) -> Iterator[tuple[str, tuple[str, ...]]]:
    """The wanted utterances that `texts` interleaved with slot values say, each with the
    value ids that say it, in the order of the slot values' combinations."""
    head, after = texts[0], texts[1]
    if not wanted.count_starting(head):
        return
    for value, value_id in values[0]:
        start = head + value + after
        for said in wanted.starting(start):
            ids = _fill(said, len(start), texts[2:], values[1:])
            if ids is not None:
                yield said, (value_id, *ids)


def _fill(
    said: str, at: int, texts: list[str], values: list[_SpokenValues]
) -> tuple[str, ...] | None:
    """The first value ids, in slot order, with which slot values followed by `texts` say
    the rest of `said` from `at` on."""
    for value, value_id in values[0]:
        end = at + len(value)
        if said.startswith(value, at) and said.startswith(texts[0], end):
            if len(values) == 1:
                if end + len(texts[0]) == len(said):
                    return (value_id,)
                continue
            rest = _fill(said, end + len(texts[0]), texts[1:], values[1:])
            if rest is not None:
                return (value_id, *rest)
    return None


def _spoken(slot_type: Mapping[str, Any]) -> _SpokenValues:
    """Every spoken form of a slot type's values, normalised, with the value's id."""
    return [
        (_normal(said), value.get("id", said))
        for value in slot_type["values"]
        for said in (value["name"]["value"], *value["name"].get("synonyms", ()))
    ]


def _normal(sample: str) -> str:
    return " ".join(re.sub(r"[^\w'{} ]+", " ", sample.lower()).split())
