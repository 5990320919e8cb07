"""The Utterance Profiler: what Alexa itself makes of an utterance, without calling the skill.

`POST /v1/skills/{skillId}/stages/{stage}/interactionModel/locales/{locale}/profileNlu` with
`{"utterance": ...}` answers with the intent Alexa selects, its slots (value and entity
resolution per authority) and the intents it considered; ask-smapi-sdk's `profile_nlu_v1`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ask_smapi_model.v1.skill.evaluations import ProfileNluRequest

from skill.smapi.client import Smapi, call


@dataclass(frozen=True)
class Resolution:
    """One authority's entity resolution of a slot: its status code and the values matched,
    as (name, id) pairs."""

    authority: str
    status: str
    values: tuple[tuple[str, str | None], ...] = ()


@dataclass(frozen=True)
class ProfiledSlot:
    """A slot as Alexa filled it."""

    name: str
    value: str | None
    resolutions: tuple[Resolution, ...] = ()

    @property
    def resolved_ids(self) -> tuple[str, ...]:
        """The ids of every value matched with ER_SUCCESS_MATCH: what a skill routes on."""
        return tuple(
            value_id
            for resolution in self.resolutions if resolution.status == "ER_SUCCESS_MATCH"
            for _, value_id in resolution.values if value_id
        )


@dataclass(frozen=True)
class ProfiledIntent:
    """An intent Alexa selected or considered, with its slots."""

    name: str
    slots: tuple[ProfiledSlot, ...] = ()

    def slot(self, name: str) -> ProfiledSlot | None:
        """The slot with this name, if Alexa reported it."""
        return next((slot for slot in self.slots if slot.name == name), None)


@dataclass(frozen=True)
class UtteranceProfile:
    """Alexa's reading of one utterance: the intent selected and the others considered."""

    utterance: str
    selected: ProfiledIntent | None
    considered: tuple[ProfiledIntent, ...] = ()


def profile_utterance(
    smapi: Smapi,
    skill_id: str,
    locale: str,
    utterance: str,
    *,
    stage: str = "development",
    sleep: Callable[[float], None] | None = None,
    pace: Callable[[], None] | None = None,
) -> UtteranceProfile:
    """Ask the Utterance Profiler how Alexa resolves `utterance` in this skill's model; `pace`
    (see `pacing.Pace.wait`) is called before every attempt. The message of a failure never
    holds the utterance."""
    request = ProfileNluRequest(utterance=utterance)
    extra = {"sleep": sleep} if sleep is not None else {}
    response = call(
        smapi,
        f"profiling an utterance in {locale}",
        lambda client: client.profile_nlu_v1(request, skill_id, stage, locale),
        pace=pace,
        **extra,
    )
    return UtteranceProfile(
        utterance=utterance,
        selected=_intent(getattr(response, "selected_intent", None)),
        considered=tuple(
            intent
            for intent in map(_intent, getattr(response, "considered_intents", None) or ())
            if intent is not None
        ),
    )


def _intent(intent: Any) -> ProfiledIntent | None:
    if intent is None or not getattr(intent, "name", None):
        return None
    slots = (intent.slots or {}).values()
    return ProfiledIntent(name=intent.name, slots=tuple(_slot(slot) for slot in slots))


def _slot(slot: Any) -> ProfiledSlot:
    per_authority = getattr(slot.resolutions, "resolutions_per_authority", None) or ()
    return ProfiledSlot(
        name=slot.name,
        value=slot.value,
        resolutions=tuple(_resolution(item) for item in per_authority),
    )


def _resolution(item: Any) -> Resolution:
    code = getattr(item.status, "code", None)
    return Resolution(
        authority=item.authority or "",
        status=getattr(code, "value", code) or "",
        # Each value as SMAPI's model reads it: its name and id side by side.
        values=tuple((value.name, value.id) for value in item.values or ()),
    )
