"""The skill as AWS Lambda runs it: this whole tree is the bundle `make package` ships.

Handlers, routing, speech, the audio catalog and playback, persistence and the Lambda entry
(lambda_function). It imports ask-sdk-core, the standard library and itself: never Flask,
pydantic, YAML, the audio stack, content/ or the other rooms of skill/ (pyproject.toml's
import-linter contracts keep it so). boto3 is imported lazily, as Lambda provides it.
"""

from __future__ import annotations


class SkillError(Exception):
    """Something the skill cannot work with: its configuration, guidebook or audio catalog."""
