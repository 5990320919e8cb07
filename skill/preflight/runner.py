"""The whole preflight, in order: the package as written, the skill as it answers, the audio,
then (with a skill id) Amazon's own validations beside it all."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from skill.preflight import behaviour, listing, model, phrases
from skill.preflight.exchanges import explore
from skill.preflight.findings import Finding, Status, failed, passed
from skill.preflight.package import SkillPackage
from skill.runtime.guidebook import Guidebook
from skill.simulator.device import Transport
from skill.simulator.language_model import InteractionModel

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Report:
    """Every finding, in the order the checks ran."""

    findings: tuple[Finding, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not any(finding.failed for finding in self.findings)


def check_package(package: SkillPackage, guidebook: Guidebook, tests: Path | None) -> list[Finding]:
    """Checks that read the package alone."""
    written = {
        locale: guidebook.crisis.numbers(locale, spoken=False) for locale in package.listings
    }
    return [
        *listing.invocation_name(package),
        *listing.example_phrase_form(package),
        *listing.description(package, written),
        *listing.privacy_policy(package),
        *listing.endpoint(package),
        *listing.icons(package),
        *model.built_in_intents(package),
        *model.intents_named_in_tests(package, tests),
    ]


def check_skill(package: SkillPackage, guidebook: Guidebook, send: Transport) -> list[Finding]:
    """Checks that ask the skill: example phrases first, then every intent everywhere."""
    words = guidebook.words
    models = {locale: InteractionModel.from_json(m) for locale, m in package.models.items()}
    asked = explore(send, models)
    intents = sorted({intent.name for m in models.values() for intent in m.intents})
    spoken = {locale: guidebook.crisis.numbers(locale, spoken=True) for locale in models}
    return [
        *phrases.example_phrases_work(
            package.models, package.listings, send, words.fallback, words.error
        ),
        *behaviour.every_intent_answered(asked, words.fallback, words.error, intents),
        *behaviour.help_keeps_the_session_open(asked),
        *behaviour.stop_and_cancel_end_politely(asked, words.error),
        *behaviour.open_sessions_reprompt(asked),
        *behaviour.welcome_has_the_disclaimer(asked),
        *behaviour.crisis_lines_per_locale(asked, spoken),
        *behaviour.within_alexas_limits(asked),
    ]


def check_audio(store: str | None, check: Callable[[str], Sequence[str]]) -> list[Finding]:
    """The audio rules (`nocontact check`): `check` returns the store's problems."""
    name = "audio rules (nocontact check)"
    if store is None:
        return [
            Finding(
                name,
                Status.SKIP,
                "no audio store given or built here; run "
                "nocontact build, or pass --store s3://<BucketName>",
            )
        ]
    problems = check(store)
    return [failed(name, p) for p in problems] or [
        passed(name, f"{store}: every clip present, intact and within Alexa's audio rules")
    ]
