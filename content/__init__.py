"""The article as data: sections, follow-ups, reflections and the skill's words."""

from content.guide import Guide, normalize_phrase
from content.loader import CONTENT_DIR, ContentError, default_guide, load_guide
from content.models import LOCALES, Block, Contact, FollowUp, LocaleCrisis, Section, SkillText

__all__ = [
    "CONTENT_DIR",
    "LOCALES",
    "Block",
    "Contact",
    "ContentError",
    "FollowUp",
    "Guide",
    "LocaleCrisis",
    "Section",
    "SkillText",
    "default_guide",
    "load_guide",
    "normalize_phrase",
]
