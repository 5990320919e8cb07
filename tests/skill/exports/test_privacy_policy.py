"""skill/exports/privacy_policy.py: the policy page from content/ and the operator's contact."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from content import default_guide
from skill.exports.privacy_policy import check_contact, privacy_policy_html


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.links += [value or "" for name, value in attrs if name == "href"]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def read(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def test_the_policy_says_what_is_kept_what_never_is_and_how_to_delete_it() -> None:
    guide = default_guide()
    page = read(privacy_policy_html(guide, "privacy@nocontact.example"))
    text = " ".join(" ".join(page.text).split())

    assert guide.skill.name in text
    assert "hash" in text and "place in the guide" in text
    assert "never keeps: anything you say" in text
    assert '"Alexa, ask No Contact Companion to forget me"' in text
    assert "Disabling the skill" in text
    assert "{" not in text
    assert page.links == ["mailto:privacy@nocontact.example"]


def test_a_contact_page_is_linked_as_it_is() -> None:
    page = read(privacy_policy_html(default_guide(), "https://nocontact.example/contact"))

    assert page.links == ["https://nocontact.example/contact"]


def test_the_page_loads_nothing_from_anywhere() -> None:
    html = privacy_policy_html(default_guide(), "privacy@nocontact.example")

    assert not read(html).tags & {"script", "link", "img", "iframe", "style"}
    assert not re.search(r"\bsrc=", html)


@pytest.mark.parametrize("contact", ["", "nobody", "http://plain.example/contact", "a@b"])
def test_a_contact_no_one_can_use_is_refused(contact: str) -> None:
    with pytest.raises(ValueError, match="e-mail address or an https:// page"):
        check_contact(contact)


def test_markup_in_the_contact_is_escaped() -> None:
    html = privacy_policy_html(default_guide(), "https://nocontact.example/?a=<b>")

    assert "<b>" not in html
