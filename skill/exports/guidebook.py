"""guidebook.json compiled from content/: what the skill needs from the guide, in a stable order.

The runtime reads the file back (skill.runtime.guidebook) with the standard library alone.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from content import LOCALES
from skill.runtime.guidebook import GUIDEBOOK_PATH, Words

if TYPE_CHECKING:
    from content import Guide


def compile_guidebook(guide: Guide) -> dict[str, Any]:
    """The JSON form of what the skill needs from the content, in a stable order."""
    skill = guide.skill
    return {
        "sections": [
            {
                "id": section.id,
                "title": section.title,
                "narrate_title": section.narrate_title,
                "lines": [block.text for block in section.blocks if block.kind != "heading"],
                "follow_ups": [follow_up.model_dump() for follow_up in section.follow_ups],
                "reflections": list(section.reflections),
            }
            for section in guide.sections
        ],
        "words": {field: getattr(skill, field) for field in Words._fields},
        "guided": skill.guided_reflection.model_dump(),
        "crisis": _crisis(guide),
        "reminders": skill.reminders.model_dump(mode="json"),
        "phrases": dict(sorted(guide.phrase_index.items())),
    }


def _crisis(guide: Guide) -> dict[str, Any]:
    """The crisis answer, with its danger words expanded for every locale."""
    crisis = guide.skill.crisis.model_dump(mode="json")
    for field in ("signals", "harmless"):
        said = (
            heard
            for locale in LOCALES
            for heard in getattr(guide.phrasebook(locale), field)()
        )
        crisis[field] = list(dict.fromkeys(said))
    return crisis


def render_guidebook(guide: Guide) -> str:
    """guidebook.json's exact text for this guide."""
    return json.dumps(compile_guidebook(guide), ensure_ascii=False, indent=1) + "\n"


def write_guidebook(guide: Guide, path: Path = GUIDEBOOK_PATH) -> Path:
    """Write guidebook.json for this guide; returns where. The file is replaced whole, so a
    skill (or a test) reading it meanwhile gets the old guide or the new, never half a file."""
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    partial.write_text(render_guidebook(guide), encoding="utf-8")
    partial.replace(path)
    return path
