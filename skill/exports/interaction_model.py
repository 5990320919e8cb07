"""The Alexa interaction model and skill manifest, generated from content/.

`nocontact model --out skill-package` writes the ASK CLI layout: skill.json and
interactionModels/custom/<locale>.json, each locale's model expanded from content/'s phrase
grammar by skill.exports.language_model, which checks it by Alexa's rules before anything is
written.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from content import LOCALES
from skill.exports.icons import icon_uris
from skill.exports.language_model import interaction_model, model_file
from skill.runtime.guidebook import parse_crisis
from skill.runtime.intents import REFLECTION_TASK, REFLECTION_TASK_VERSION, REMINDERS_SCOPE

if TYPE_CHECKING:
    from content import Guide

# Each English locale's country ("en-GB" → "GB"): where the skill is offered.
COUNTRIES = tuple(locale.split("-")[1] for locale in LOCALES)
CATEGORY = "HEALTH_AND_FITNESS"

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


def skill_manifest(
    guide: Guide, endpoint: str | None = None, privacy_policy_url: str | None = None
) -> dict[str, Any]:
    """skill.json: store listing (with the health disclaimer), privacy, AudioPlayer, the
    reminders permission, the reflection task Routines start, and the SkillDisabled event, on
    which the skill deletes the listener's place in the guide (reminders live with Alexa, so
    permission events would change nothing the skill keeps).

    The endpoint and the privacy policy's address exist once the skill is deployed
    (`nocontact deploy` publishes the policy beside the audio); until then both are left out.
    """
    skill = guide.skill
    custom: dict[str, Any] = {
        "interfaces": [
            {"type": "AUDIO_PLAYER"},
            {"type": "ALEXA_PRESENTATION_APL", "supportedViewports": SUPPORTED_VIEWPORTS},
        ],
        "tasks": [{"name": REFLECTION_TASK, "version": REFLECTION_TASK_VERSION}],
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
            "privacyAndCompliance": _privacy(privacy_policy_url),
            "apis": {"custom": custom},
            "permissions": [{"name": REMINDERS_SCOPE}],
            "events": events,
        }
    }


def _privacy(privacy_policy_url: str | None) -> dict[str, Any]:
    """The compliance answers, and the policy's address in every locale once it exists."""
    privacy: dict[str, Any] = {
        "allowsPurchases": False,
        "usesPersonalInfo": False,
        "isChildDirected": False,
        "isExportCompliant": True,
        "containsAds": False,
    }
    if privacy_policy_url:
        privacy["locales"] = {
            locale: {"privacyPolicyUrl": privacy_policy_url} for locale in LOCALES
        }
    return privacy


def _listing(guide: Guide, locale: str) -> dict[str, Any]:
    """One locale's store listing; the description ends with that locale's crisis numbers."""
    skill = guide.skill
    numbers = parse_crisis(skill.crisis.model_dump(mode="json")).numbers(locale, spoken=False)
    invocation = skill.invocation_name
    return {
        "name": skill.name,
        "summary": skill.listing.summary,
        "description": f"{skill.listing.description}\n\n{' '.join(numbers)}",
        # Amazon shows at most three; the first opens the skill.
        "examplePhrases": [
            f"Alexa, open {invocation}",
            f"Alexa, ask {invocation} for help with guilt",
            f"Alexa, ask {invocation} to give me a reflection question",
        ],
        "keywords": list(skill.listing.keywords),
        **icon_uris(),
    }


def package_files(
    guide: Guide, endpoint: str | None = None, privacy_policy_url: str | None = None
) -> dict[str, str]:
    """Every generated file's path (relative to the package folder) and exact text."""
    return {**manifest_files(guide, endpoint, privacy_policy_url), **model_files(guide)}


def manifest_files(
    guide: Guide, endpoint: str | None = None, privacy_policy_url: str | None = None
) -> dict[str, str]:
    """skill.json and the reflection task's definition: quick to make, unlike the models."""
    return {
        "skill.json": _json(skill_manifest(guide, endpoint, privacy_policy_url)),
        task_path(): _json(reflection_task(guide)),
    }


def model_files(guide: Guide) -> dict[str, str]:
    """Each locale's interaction model, expanded from the phrase grammar and checked."""
    return {
        f"interactionModels/custom/{locale}.json": model_file(interaction_model(guide, locale))
        for locale in LOCALES
    }


def task_path() -> str:
    """Where the reflection task's definition lives in the package: tasks/<name>.<version>.json."""
    return f"tasks/{REFLECTION_TASK}.{REFLECTION_TASK_VERSION}.json"


def reflection_task(guide: Guide) -> dict[str, Any]:
    """The reflection task's definition (OpenAPI 3.0, as Alexa's custom tasks take it): one
    POST path named for the task, no input, public so people can add it to a Routine, with
    the title the Alexa app shows in every locale."""
    title = guide.skill.reminders.routine_title
    return {
        "openapi": "3.0.0",
        "info": {
            "title": title,
            "version": REFLECTION_TASK_VERSION,
            "x-amzn-alexa-access-scope": "public",
            "x-amzn-display-details": {locale: {"title": title} for locale in LOCALES},
        },
        "tags": [{"name": "reflection"}],
        "paths": {
            f"/{REFLECTION_TASK}": {
                "summary": title,
                "description": "Starts a short reflection: a question, quiet time to think.",
                "post": {
                    "requestBody": {
                        "content": {"application/json": {"schema": {"type": "object"}}}
                    },
                    "responses": {
                        "200": {
                            "description": "The reflection was given.",
                            "content": {
                                "application/json": {"schema": {"type": "object"}}
                            },
                        },
                        "400": {"description": "The task's name or version is not this one."},
                    },
                }
            }
        },
    }


def check_endpoint(endpoint: str) -> str:
    """The endpoint, if Alexa can call it: an HTTPS URL or a Lambda function ARN."""
    if not endpoint.startswith(("https://", "arn:aws:lambda:")):
        raise ValueError(
            f"endpoint {endpoint!r} must be an https:// URL or a Lambda function ARN "
            "(arn:aws:lambda:...); Alexa calls nothing else"
        )
    return endpoint


def check_privacy_policy_url(url: str) -> str:
    """The policy's address, if Alexa's store can link to it: https://."""
    if not url.startswith("https://"):
        raise ValueError(f"privacy policy URL {url!r} must be an https:// address")
    return url


def package_endpoint(skill_json: Path) -> str | None:
    """The endpoint a skill package's skill.json already names, or None."""
    try:
        manifest = json.loads(skill_json.read_text(encoding="utf-8"))["manifest"]
        return manifest["apis"]["custom"]["endpoint"]["uri"]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def package_privacy_policy_url(skill_json: Path) -> str | None:
    """The privacy policy address a skill package's skill.json already names, or None."""
    try:
        manifest = json.loads(skill_json.read_text(encoding="utf-8"))["manifest"]
        locales = manifest["privacyAndCompliance"]["locales"]
        return next(iter(locales.values()))["privacyPolicyUrl"]
    except (OSError, ValueError, KeyError, TypeError, StopIteration):
        return None


def write_package(files: dict[str, str], out: Path) -> list[Path]:
    """Write the skill package's files (from `package_files`) under `out`; returns the paths."""
    written = []
    for relative, text in files.items():
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
