"""The interaction models' checks: the built-in intents Amazon requires, and a test naming
every intent (Voice Interface and User Experience Testing: every intent is tested)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from skill.preflight.findings import Finding, Status, verdict
from skill.preflight.package import SkillPackage

REQUIRED = ("AMAZON.CancelIntent", "AMAZON.HelpIntent", "AMAZON.StopIntent",
            "AMAZON.NavigateHomeIntent", "AMAZON.FallbackIntent")
# An AudioPlayer skill must handle pause and resume (Amazon's AudioPlayer interface reference).
REQUIRED_FOR_AUDIO = ("AMAZON.PauseIntent", "AMAZON.ResumeIntent")


def intent_names(package: SkillPackage) -> dict[str, list[str]]:
    """Each locale's intent names, in model order."""
    return {locale: [i["name"] for i in model.get("intents", ())]
            for locale, model in package.models.items()}


def built_in_intents(package: SkillPackage) -> list[Finding]:
    """Cancel, Help, Stop, NavigateHome and Fallback in every model; Pause and Resume too
    when the skill plays audio."""
    required = REQUIRED + (REQUIRED_FOR_AUDIO if "AUDIO_PLAYER" in package.interfaces else ())
    problems = [
        f"{locale} lacks {', '.join(missing)}; add them to the model (skill/exports)"
        for locale, names in intent_names(package).items()
        if (missing := [name for name in required if name not in names])
    ]
    return verdict("required built-in intents", problems, ", ".join(required))


def intents_named_in_tests(package: SkillPackage, tests: Path | None) -> list[Finding]:
    """Every intent is named in at least one test file under `tests`."""
    check = "every intent has a test"
    if tests is None or not tests.is_dir():
        return [Finding(check, Status.SKIP, "no tests folder here; run the preflight from "
                        "the project's root, or pass --tests DIR")]
    text = "\n".join(_test_texts(tests))
    every = sorted({name for names in intent_names(package).values() for name in names})
    missing = [name for name in every if name not in text]
    problems = [f"no test under {tests} names {name}; add one that sends it to the skill"
                for name in missing]
    return verdict(check, problems, f"all {len(every)} intents are named in {tests}")


def _test_texts(tests: Path) -> Iterator[str]:
    for path in sorted(tests.rglob("test_*.py")):
        yield path.read_text(encoding="utf-8", errors="replace")
