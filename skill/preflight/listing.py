"""skill.json's checks: invocation name, example phrases' form, the health disclaimer and
crisis numbers in every description, the privacy policy's address, the endpoint, the icons.

Amazon's functional tests 3.1 (example phrases) and 3.2 (description), the invocation name
requirements, the policy requirement for health skills, and the manifest schema's icons.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from urllib.parse import urlsplit

from skill.preflight.findings import Finding, Status, failed, passed, verdict
from skill.preflight.package import SkillPackage

# Amazon shows at most three example phrases; the first starts the skill by name.
MAX_EXAMPLE_PHRASES = 3
# The launch phrases Amazon lists for starting a skill by name ("Alexa, open ...").
LAUNCH_WORDS = (
    "open",
    "ask",
    "start",
    "launch",
    "begin",
    "tell",
    "load",
    "run",
    "use",
    "talk to",
    "play",
    "resume",
)
# Words an invocation name may not contain: wake words and launch phrases.
FORBIDDEN_IN_NAME = {
    "alexa",
    "amazon",
    "echo",
    "computer",
    "skill",
    "app",
    "ask",
    "tell",
    "open",
    "launch",
    "begin",
    "start",
    "load",
    "run",
    "enable",
    "resume",
    "play",
    "use",
}
# A two-word name may not spend a word on these.
SMALL_WORDS = {"the", "a", "an", "for", "to", "of"}
ICON_SIZES = {"smallIconUri": 108, "largeIconUri": 512}
# The health disclaimer Amazon's policy asks health skills to make, in substance.
DISCLAIMER = re.compile(r"not (a substitute for|intended to replace) professional", re.I)
PLACEHOLDER_HOSTS = re.compile(
    r"(^|\.)(example\.(com|org|net)|localhost|invalid|test|example)$|^127\.|^0\.0\.0\.0$"
)


def invocation_name(package: SkillPackage) -> list[Finding]:
    """One name in every model, and one Amazon accepts."""
    names = {locale: model.get("invocationName", "") for locale, model in package.models.items()}
    problems = []
    if len(set(names.values())) > 1:
        problems.append(f"the locales differ ({names}); use one name in every model")
    for locale, name in names.items():
        problems += [f"{locale} {problem}" for problem in invocation_problems(name)]
    return verdict(
        "invocation name",
        problems,
        f"{next(iter(names.values()), '')!r} follows Amazon's rules in every locale",
    )


def invocation_problems(name: str) -> Iterator[str]:
    """What Amazon's invocation name requirements refuse in this name."""
    words = name.split()
    if not re.fullmatch(r"[a-z][a-z' .]*", name):
        yield (
            f"{name!r}: use lower-case letters and spaces only (apostrophes, and periods "
            "in spelled-out letters, are allowed)"
        )
    if len(words) < 2:
        yield f"{name!r}: use at least two words"
    if forbidden := sorted(FORBIDDEN_IN_NAME & set(words)):
        yield f"{name!r}: leave out {', '.join(forbidden)} (wake words and launch phrases)"
    if len(words) == 2 and SMALL_WORDS & set(words):
        yield f"{name!r}: a two-word name cannot spend a word on an article or preposition"


def example_phrase_form(package: SkillPackage) -> list[Finding]:
    """At most three phrases; the first says "Alexa, <launch word> <invocation name>"; every
    phrase names the skill in a supported form."""
    problems = []
    for locale, listing in package.listings.items():
        phrases = listing.get("examplePhrases") or []
        name = package.models.get(locale, {}).get("invocationName", "")
        problems += [f"{locale}: {p}" for p in phrase_problems(phrases, name)]
    return verdict(
        "example phrases",
        problems,
        "three or fewer per locale, the first opening the skill by its invocation name",
    )


def phrase_problems(phrases: Sequence[str], name: str) -> Iterator[str]:
    if not phrases:
        yield "no example phrase; add one that opens the skill ('Alexa, open <name>')"
        return
    if len(phrases) > MAX_EXAMPLE_PHRASES:
        yield f"{len(phrases)} example phrases; Amazon shows at most {MAX_EXAMPLE_PHRASES}"
    launch = "|".join(LAUNCH_WORDS)
    opening = re.compile(rf"alexa, ({launch}) {re.escape(name)}\.?", re.I)
    if not opening.fullmatch(phrases[0]):
        yield f"the first phrase {phrases[0]!r} should be 'Alexa, open {name}'"
    for phrase in phrases:
        if not phrase.startswith("Alexa, ") or name not in phrase.lower():
            yield f"{phrase!r} must start with 'Alexa, ' and name {name!r}"
        if re.search(r"[^\w ,.'?-]", phrase):
            yield f"{phrase!r} has characters Alexa cannot speak; use words"


def description(
    package: SkillPackage, crisis_numbers: Mapping[str, Sequence[str]]
) -> list[Finding]:
    """Every description carries the health disclaimer and the locale's crisis numbers."""
    problems = []
    for locale, listing in package.listings.items():
        text = listing.get("description", "")
        if not DISCLAIMER.search(text):
            problems.append(
                f"{locale}: the description lacks the health disclaimer; say it is not a "
                "substitute for professional medical or mental health advice (content/skill.yaml "
                "listing.description, then nocontact model)"
            )
        missing = [n for n in crisis_numbers.get(locale, ()) if n not in text]
        if missing:
            problems.append(
                f"{locale}: the description does not give {', '.join(missing)}; list the "
                "locale's crisis lines (content/skill.yaml crisis.locales, then nocontact model)"
            )
    return verdict(
        "health disclaimer and crisis lines in the description",
        problems,
        f"in all {len(package.listings)} locales",
    )


def privacy_policy(package: SkillPackage) -> list[Finding]:
    """An HTTPS address that is not a placeholder, in every locale; to do before deploying."""
    check = "privacy policy URL"
    compliance = package.manifest.get("privacyAndCompliance", {}).get("locales", {})
    urls = {
        locale: compliance.get(locale, {}).get("privacyPolicyUrl") for locale in package.listings
    }
    if not any(urls.values()) and not package.endpoint:
        return [
            Finding(
                check,
                Status.TODO,
                "not set until deployed; `nocontact deploy "
                "--privacy-contact ...` publishes privacy.html and writes its address",
            )
        ]
    problems = []
    for locale, url in urls.items():
        host = urlsplit(url or "").hostname or ""
        if not url:
            problems.append(
                f"{locale}: none; run nocontact deploy, which publishes the policy "
                "and writes its address"
            )
        elif not url.startswith("https://"):
            problems.append(f"{locale}: {url} is not HTTPS; Amazon links only to https://")
        elif PLACEHOLDER_HOSTS.search(host):
            problems.append(
                f"{locale}: {url} is a placeholder; publish the policy with "
                "nocontact deploy and use the address it writes"
            )
    return verdict(check, problems, f"{next(iter(urls.values()))} in every locale")


def endpoint(package: SkillPackage) -> list[Finding]:
    """The skill's endpoint, once deployed: a Lambda ARN or an HTTPS URL."""
    uri = package.endpoint
    if uri is None:
        return [
            Finding(
                "endpoint",
                Status.TODO,
                "not set until deployed; nocontact deploy writes the function's ARN",
            )
        ]
    if uri.startswith(("arn:aws:lambda:", "https://")):
        return [passed("endpoint", uri)]
    return [
        failed(
            "endpoint",
            f"{uri} is neither a Lambda ARN nor https://; run nocontact "
            "deploy or nocontact model --endpoint",
        )
    ]


def icons(package: SkillPackage) -> list[Finding]:
    """Each locale's icons are PNG files of 108 x 108 and 512 x 512 pixels."""
    problems = []
    for locale, listing in package.listings.items():
        for field, size in ICON_SIZES.items():
            problem = icon_problem(package.root, listing.get(field), size)
            if problem:
                problems.append(f"{locale} {field}: {problem}")
    return verdict("icons", problems, "108 x 108 and 512 x 512 PNG in every locale")


def icon_problem(root: Path, uri: str | None, size: int) -> str | None:
    if not uri:
        return f"missing; add a {size} x {size} PNG (nocontact model draws one)"
    if not uri.startswith("file://"):
        return None if uri.startswith("https://") else f"{uri} must be file:// or https://"
    path = root / uri.removeprefix("file://")
    try:
        header = path.read_bytes()[:24]
    except OSError:
        return f"{path} is missing; run nocontact model"
    if header[:8] != b"\x89PNG\r\n\x1a\n" or header[12:16] != b"IHDR":
        return f"{path} is not a PNG"
    width, height = struct.unpack(">II", header[16:24])
    if (width, height) != (size, size):
        return f"{path} is {width} x {height}; Amazon requires {size} x {size}"
    return None
