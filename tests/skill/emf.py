"""The EMF records the Lambda's skill writes for a few conversations, read off its output."""

from __future__ import annotations

import contextlib
import io
import json
from typing import Any

from skill.runtime.builder import build_skill
from skill.runtime.config import SkillConfig
from tests.skill.conftest import (
    AUDIO_BASE_URL,
    MANIFEST,
    Device,
    Session,
    event,
    handler_for,
    launch,
    topic_slot,
)

# What the conversations below add up to, counted by hand from them.
EXPECTED = {
    "requests": 8, "answers": 7, "crisis": 1, "sections_started": 1,
    "en-US": {"answers": 4, "fallbacks": 2}, "en-GB": {"answers": 3, "fallbacks": 1},
    "families": {"launch": 2, "fallback": 3, "topic": 1, "crisis": 1},
}


def records(output: str) -> list[dict[str, Any]]:
    """The EMF records among a process's output lines."""
    return [json.loads(line) for line in output.splitlines()
            if line.startswith("{") and '"_aws"' in line]


def conversations() -> list[dict[str, Any]]:
    """An en-US listener not understood twice, an en-GB one in danger: their records."""
    config = SkillConfig(manifest=str(MANIFEST), audio_base_url=AUDIO_BASE_URL, metrics=True)
    skill = handler_for(build_skill(config))
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        us = Session(skill, Device(locale="en-US"))
        us.send(launch(), new=True)
        us.say("AMAZON.FallbackIntent")
        us.say("AMAZON.FallbackIntent")
        us.say("TopicIntent", topic=topic_slot("guilt", "guilt-trips"))
        gb = Session(skill, Device(locale="en-GB"))
        gb.send(launch(), new=True)
        gb.say("CrisisIntent")
        gb.say("AMAZON.FallbackIntent")
        gb.send(event("AudioPlayer.PlaybackStarted", token="guilt-trips:1:0123456789abcdef",
                      offsetInMilliseconds=0))
    return records(output.getvalue())
