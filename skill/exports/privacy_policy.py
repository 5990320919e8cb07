"""The skill's privacy policy, as the web page `nocontact deploy` publishes beside the audio.

Its words are content/skill.yaml's `privacy` (what is kept, what never is, how to delete it,
whom to ask); the operator's contact is given when the policy is published, since only they
know it. The page is self-contained HTML: no script, no style sheet, nothing fetched.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from content import Guide

# Where the policy lives in the audio store, and so under the audio's public address.
PRIVACY_POLICY_KEY = "privacy.html"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


def check_contact(contact: str) -> str:
    """The contact, if it is an e-mail address or an https:// page people can reach."""
    contact = contact.strip()
    if not (_EMAIL.match(contact) or re.match(r"^https://[^\s/]+\.[^\s]+$", contact)):
        raise ValueError(
            f"privacy contact {contact!r} must be an e-mail address or an https:// page where "
            "listeners can reach you about their data"
        )
    return contact


def privacy_policy_html(guide: Guide, contact: str) -> str:
    """The policy as an HTML page, with the contact as a link."""
    privacy, name = guide.skill.privacy, guide.skill.name
    contact = check_contact(contact)
    href = contact if contact.startswith("https://") else f"mailto:{contact}"
    link = f'<a href="{html.escape(href)}">{html.escape(contact)}</a>'

    def paragraph(text: str) -> str:
        words = html.escape(text.replace("{name}", name))
        return f"<p>{words.replace(html.escape('{contact}'), link)}</p>"

    title = html.escape(privacy.title.replace("{name}", name))
    body = "\n".join(
        paragraph(text)
        for text in (privacy.summary, privacy.kept, privacy.never_kept, privacy.deletion,
                     privacy.contact)
    )
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n</head>\n<body>\n<h1>{title}</h1>\n{body}\n</body>\n</html>\n"
    )
