"""The README's example conversation, read from the README itself, and answers compared with it.

The conversation is the fenced block after the comment that names this module: lines
`you> <what was typed>`, each followed by `Alexa: <what the skill said>` and its continuation
lines. The tests replay it in the page and in `nocontact say` and compare each answer, as
text: a clip is `[audio] <its title>`, its address left out; spaces and line breaks do not count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
MARKER = "tests/readme_conversation.py"
_URL = re.compile(r" <https?://[^>]+>")


@dataclass(frozen=True)
class Exchange:
    """One thing typed, and what the README says the skill answered."""

    typed: str
    answer: str


def readme_conversation(text: str | None = None) -> list[Exchange]:
    """The example conversation of the README (or of `text`)."""
    lines = (README.read_text(encoding="utf-8") if text is None else text).splitlines()
    start = next(i for i, line in enumerate(lines) if MARKER in line)
    fence = next(i for i in range(start, len(lines)) if lines[i].startswith("```"))
    end = next(i for i in range(fence + 1, len(lines)) if lines[i].startswith("```"))
    exchanges: list[Exchange] = []
    said: list[str] = []
    for line in lines[fence + 1 : end]:
        if line.startswith("you> "):
            if exchanges:
                exchanges[-1] = Exchange(exchanges[-1].typed, normalized(" ".join(said)))
            exchanges.append(Exchange(line.removeprefix("you> "), ""))
            said = []
        else:
            said.append(line.removeprefix("Alexa: "))
    exchanges[-1] = Exchange(exchanges[-1].typed, normalized(" ".join(said)))
    return exchanges


def terminal_answers(output: str) -> list[str]:
    """What Alexa said in each turn of an interactive `nocontact say` session's output."""
    answers = []
    for chunk in output.split("you> ")[1:]:
        said: list[str] = []
        for line in chunk.splitlines():
            if line.startswith("Alexa: ") or (said and line.startswith("       ")):
                said.append(_URL.sub("", line.removeprefix("Alexa: ")))
            elif said:
                break
        answers.append(normalized(" ".join(said)))
    return answers


def normalized(text: str) -> str:
    """Words and punctuation, one space between words."""
    return " ".join(text.split())
