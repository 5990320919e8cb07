"""skill/preflight/listing.py: each check passes on the committed package and fails, naming
the fix, on a copy with its problem planted."""

from __future__ import annotations

from pathlib import Path

from skill.preflight import listing
from skill.preflight.findings import Status
from skill.runtime.guidebook import load_guidebook

GB = "en-GB"
NUMBERS = {locale: load_guidebook().crisis.numbers(locale, spoken=False)
           for locale in ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")}


def statuses(findings) -> set[Status]:
    return {finding.status for finding in findings}


def details(findings) -> str:
    return " | ".join(f.detail for f in findings if f.failed)


def locale_listing(data, locale=GB):
    return data["manifest"]["publishingInformation"]["locales"][locale]


def test_the_committed_package_passes_every_listing_check(committed) -> None:
    for check in (listing.invocation_name, listing.example_phrase_form, listing.icons):
        assert statuses(check(committed)) == {Status.PASS}, check.__name__
    assert statuses(listing.description(committed, NUMBERS)) == {Status.PASS}


def test_an_invocation_name_with_a_wake_word_fails(planted) -> None:
    def edit(model):
        model["interactionModel"]["languageModel"]["invocationName"] = "alexa companion"

    package = planted(edit, f"interactionModels/custom/{GB}.json")

    found = listing.invocation_name(package)
    assert Status.FAIL in statuses(found)
    assert "leave out alexa" in details(found) and "the locales differ" in details(found)


def test_a_one_word_invocation_name_with_capitals_fails() -> None:
    problems = list(listing.invocation_problems("Companion"))
    assert any("lower-case" in p for p in problems) and any("two words" in p for p in problems)


def test_a_fourth_example_phrase_fails(planted) -> None:
    package = planted(lambda data: locale_listing(data)["examplePhrases"].append(
        "Alexa, ask no contact companion to play the whole guide"))

    assert "Amazon shows at most 3" in details(listing.example_phrase_form(package))


def test_a_first_phrase_that_does_not_open_the_skill_fails(planted) -> None:
    package = planted(lambda data: locale_listing(data)["examplePhrases"].reverse())

    assert "should be 'Alexa, open no contact companion'" in details(
        listing.example_phrase_form(package))


def test_a_description_without_the_disclaimer_fails(planted) -> None:
    def edit(data):
        entry = locale_listing(data)
        entry["description"] = entry["description"].replace("not a substitute", "a companion")

    found = listing.description(planted(edit), NUMBERS)
    assert "lacks the health disclaimer" in details(found) and GB in details(found)


def test_a_description_missing_a_crisis_line_fails(planted) -> None:
    def edit(data):
        entry = locale_listing(data)
        entry["description"] = entry["description"].replace("116 123", "")

    assert "does not give You can call Samaritans on 116 123" in details(
        listing.description(planted(edit), NUMBERS))


def test_the_privacy_policy_is_to_do_before_deployment(committed) -> None:
    assert statuses(listing.privacy_policy(committed)) == {Status.TODO}
    assert statuses(listing.endpoint(committed)) == {Status.TODO}


def with_policy(url: str | None, endpoint: str = "arn:aws:lambda:us-east-1:1:function:f"):
    def edit(data):
        manifest = data["manifest"]
        manifest["apis"]["custom"]["endpoint"] = {"uri": endpoint}
        if url:
            manifest["privacyAndCompliance"]["locales"] = {
                locale: {"privacyPolicyUrl": url}
                for locale in manifest["publishingInformation"]["locales"]}
    return edit


def test_a_deployed_skill_with_a_published_policy_passes(planted) -> None:
    package = planted(with_policy("https://d111111abcdef8.cloudfront.net/privacy.html"))

    assert statuses(listing.privacy_policy(package)) == {Status.PASS}
    assert statuses(listing.endpoint(package)) == {Status.PASS}


def test_a_placeholder_policy_fails(planted) -> None:
    found = listing.privacy_policy(planted(with_policy("https://example.org/privacy")))
    assert "is a placeholder" in details(found)


def test_a_plain_http_policy_fails(planted) -> None:
    found = listing.privacy_policy(planted(with_policy("http://d111.cloudfront.net/privacy.html")))
    assert "is not HTTPS" in details(found)


def test_a_deployed_skill_without_a_policy_fails(planted) -> None:
    found = listing.privacy_policy(planted(with_policy(None)))
    assert "run nocontact deploy" in details(found)


def test_an_endpoint_alexa_cannot_call_fails(planted) -> None:
    found = listing.endpoint(planted(with_policy(None, endpoint="http://skill.example/alexa")))
    assert "neither a Lambda ARN nor https://" in details(found)


def test_an_icon_of_the_wrong_size_fails(planted, tmp_path: Path) -> None:
    def edit(data):
        locale_listing(data)["largeIconUri"] = "file://assets/images/icon-108.png"

    found = listing.icons(planted(edit))
    assert "is 108 x 108; Amazon requires 512 x 512" in details(found)


def test_a_missing_icon_fails(planted) -> None:
    package = planted(lambda data: locale_listing(data).pop("smallIconUri"))
    assert "missing; add a 108 x 108 PNG" in details(listing.icons(package))
