"""The article as data: sections, follow-ups, reflections and the skill's words."""

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
