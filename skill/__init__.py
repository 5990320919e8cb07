"""The Alexa skill: conversation, guided listening, the Lambda entry and the web service.

Importing the package stays light (no content loader, pydantic or audio stack), so the Lambda
starts fast; see bench/skill.py.
"""

from __future__ import annotations

import logging

logging.getLogger(__name__).addHandler(logging.NullHandler())


class SkillError(Exception):
    """Something the skill cannot work with: its configuration, guidebook or audio catalog."""
