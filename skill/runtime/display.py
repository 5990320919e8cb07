"""What a screen shows: an APL document with the reply's title, its text and a hint.

Devices with a screen (Echo Show, Fire TV) get the card as an APL RenderDocument directive;
every other device gets the simple card alone. The document is self-contained (no imported
packages), scales from a small round hub to a TV, and scrolls long sections.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from skill.runtime.speech import escape

if TYPE_CHECKING:
    from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective

TOKEN = "nocontact-card"
APL_VERSION = "2023.3"

DOCUMENT: dict[str, Any] = {
    "type": "APL",
    "version": APL_VERSION,
    "theme": "dark",
    "background": "#1d2b36",
    "mainTemplate": {
        "parameters": ["payload"],
        "items": [
            {
                "type": "Container",
                "width": "100vw",
                "height": "100vh",
                "paddingLeft": "6vw",
                "paddingRight": "6vw",
                "paddingTop": "5vh",
                "paddingBottom": "4vh",
                "items": [
                    {
                        "type": "Text",
                        "text": "${payload.screen.title}",
                        "fontSize": "${viewport.width < 600 ? '26dp' : '40dp'}",
                        "fontWeight": "bold",
                        "color": "#f5efe6",
                        "maxLines": 3,
                    },
                    {
                        "type": "ScrollView",
                        "grow": 1,
                        "shrink": 1,
                        "paddingTop": "16dp",
                        "item": {
                            "type": "Text",
                            "text": "${payload.screen.text}",
                            "fontSize": "${viewport.width < 600 ? '20dp' : '28dp'}",
                            "lineHeight": 1.35,
                            "color": "#f5efe6",
                        },
                    },
                    {
                        "type": "Text",
                        "text": "${payload.screen.hint}",
                        "display": "${viewport.width < 600 ? 'none' : 'normal'}",
                        "paddingTop": "12dp",
                        "fontSize": "22dp",
                        "fontStyle": "italic",
                        "color": "#b9c6cf",
                    },
                ],
            }
        ],
    },
}


def screen_directive(title: str, text: str, hint: str) -> RenderDocumentDirective:
    """RenderDocument showing `title`, the lines of `text` and a spoken-command hint."""
    from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective

    return RenderDocumentDirective(
        token=TOKEN,
        document=DOCUMENT,
        datasources={
            "screen": {"title": escape(title), "text": markup(text), "hint": escape(hint)}
        },
    )


def markup(text: str) -> str:
    """Plain text as APL Text markup: special characters escaped, each line on its own."""
    return "<br>".join(escape(line) for line in text.splitlines())
