"""A skill package as the ASK CLI lays it out: skill.json and one interaction model per locale."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any


class PackageError(Exception):
    """The skill package cannot be read; the message names the file."""


@dataclass(frozen=True)
class SkillPackage:
    """skill.json's manifest and each locale's language model, with the folder they came from."""

    root: Path
    manifest: dict[str, Any]
    models: dict[str, dict[str, Any]]

    @property
    def listings(self) -> dict[str, dict[str, Any]]:
        """Each locale's store listing (publishingInformation.locales)."""
        return self.manifest.get("publishingInformation", {}).get("locales", {})

    @property
    def endpoint(self) -> str | None:
        """The skill's endpoint URI, once a deployment has set one."""
        return self.manifest.get("apis", {}).get("custom", {}).get("endpoint", {}).get("uri")

    def only(self, locales: list[str]) -> SkillPackage:
        """The package as if it held only these locales (their listings and models)."""
        unknown = [locale for locale in locales if locale not in self.models]
        if unknown:
            raise PackageError(f"{self.root} has no {', '.join(unknown)}; its locales are "
                               f"{', '.join(sorted(self.models))}")
        manifest = copy.deepcopy(self.manifest)
        listings = manifest.get("publishingInformation", {}).get("locales", {})
        for locale in list(listings):
            if locale not in locales:
                del listings[locale]
        return replace(self, manifest=manifest,
                       models={locale: self.models[locale] for locale in locales})

    @property
    def interfaces(self) -> set[str]:
        """The interfaces the skill declares (AUDIO_PLAYER, ALEXA_PRESENTATION_APL, ...)."""
        declared = self.manifest.get("apis", {}).get("custom", {}).get("interfaces", [])
        return {interface.get("type") for interface in declared}


def read_package(root: Path) -> SkillPackage:
    """Read skill.json and interactionModels/custom/<locale>.json for each listed locale."""
    manifest = _json(root / "skill.json").get("manifest")
    if not isinstance(manifest, dict):
        raise PackageError(f"{root / 'skill.json'} has no manifest object")
    locales = manifest.get("publishingInformation", {}).get("locales", {})
    models = {}
    for locale in locales:
        path = root / "interactionModels" / "custom" / f"{locale}.json"
        language = _json(path).get("interactionModel", {}).get("languageModel")
        if not isinstance(language, dict):
            raise PackageError(f"{path} has no interactionModel.languageModel")
        models[locale] = language
    return SkillPackage(root, manifest, models)


def _json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PackageError(f"{path} does not exist; run nocontact model") from None
    except (OSError, ValueError) as error:
        raise PackageError(f"{path} cannot be read ({error})") from None
    if not isinstance(data, dict):
        raise PackageError(f"{path} is not a JSON object")
    return data
