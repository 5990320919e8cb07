"""What the skill answers for an intent and its slots, by the runtime's own rules.

Safety first, as the skill's handlers are ordered: the crisis intent, a topic slot resolved
to the crisis value, or danger words in any slot's words all answer with the crisis lines.
"""

from __future__ import annotations

from collections.abc import Mapping

from skill.runtime import intents
from skill.runtime.guidebook import Guidebook


def skill_answer(
    guidebook: Guidebook,
    intent: str | None,
    words: Mapping[str, str],
    ids: Mapping[str, str | None],
) -> str:
    """"crisis", "section:<id>", or the intent's name ("fallback" for none)."""
    if intent is None:
        return "fallback"
    topic = ids.get(intents.TOPIC_SLOT)
    danger = any(guidebook.crisis.signals_danger(said) for said in words.values() if said)
    if intent == intents.CRISIS or topic == intents.CRISIS_TOPIC or danger:
        return "crisis"
    if intent in (intents.TOPIC, intents.PLAY_GUIDE):
        # "Play the final section" plays that section first, as asking about it does.
        section = topic or guidebook.resolve_phrase(words.get(intents.TOPIC_SLOT, ""))
        return f"section:{section}" if section else intent
    if intent == intents.START_OVER:
        # "Start from the top" plays the first section, as the runtime's start_over does.
        return f"section:{guidebook.ids[0]}"
    try:
        return f"section:{guidebook.section_for_intent(intent).id}"
    except KeyError:
        return intent
