"""The article as data: sections, follow-ups, reflections and the skill's words.

The bottom of the house: the Markdown sections and skill.yaml, their pydantic models, the
loader (load_guide, default_guide) and the fidelity check against the article. It imports
pydantic and YAML and nothing of the project's other packages; audio/ and skill.exports read it.
"""

from content.guide import Guide
from content.loader import CONTENT_DIR, ContentError, default_guide, load_guide
from content.models import LOCALES, Section, SkillText

__all__ = [
    "CONTENT_DIR",
    "LOCALES",
    "ContentError",
    "Guide",
    "Section",
    "SkillText",
    "default_guide",
    "load_guide",
]
