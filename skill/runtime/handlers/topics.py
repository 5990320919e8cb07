"""Topics: whatever someone asks about plays the section that answers it, then a follow-up."""

from __future__ import annotations

from collections.abc import Sequence

from ask_sdk_core.dispatch_components import AbstractRequestHandler

from skill.runtime.handlers import Resources
from skill.runtime.handlers.replies import AnswerHandler, Card, Heard, Reply, ask_what_next
from skill.runtime.intents import PLAY_GUIDE, TOPIC
from skill.runtime.speech import Speech
from skill.runtime.state import Conversation, Offer, Turn

PAUSE_BEFORE_QUESTION = 0.7  # seconds between a section and the question after it


def section_reply(
    resources: Resources, state: Conversation, section_id: str, batch: int = 0
) -> Reply:
    """Play one batch of a section, then ask to go on, or the section's first follow-up."""
    section = resources.guidebook.section(section_id)
    batches = resources.catalog.batches(section_id)
    batch = min(batch, len(batches) - 1)
    if batch + 1 < len(batches):
        question, offer = resources.guidebook.words.more_prompt, Offer.MORE
        resume_at: str | None = section_id
    else:
        question, offer = section.follow_ups[0].question, Offer.FOLLOW_UP
        resume_at = resources.guidebook.next_id(section_id)
    return Reply(
        speech=batches[batch].pause(PAUSE_BEFORE_QUESTION).say(question),
        reprompt=Speech().say(question),
        card=Card(section.title, section.card_text, resources.guidebook.words.screen_hint),
        state=state.but(
            section=section_id, batch=batch, offer=offer, follow_up=0, last=Turn.SECTION
        ),
        resume_at=resume_at,
    )


def topic_prompt(resources: Resources, state: Conversation, *lead: str) -> Reply:
    """Ask which topic to hear, after any leading words; nothing is pending after it."""
    return ask_what_next(resources.guidebook.words, *lead, state=state.but(offer=None))


def ask_topic(resources: Resources, heard: Heard) -> Reply:
    """"Tell me about guilt": the section the topic resolved to, or which topic they mean."""
    if heard.topic is not None:
        return section_reply(resources, heard.state, heard.topic)
    if heard.topic_heard:
        return topic_prompt(resources, heard.state, resources.guidebook.words.no_match)
    return topic_prompt(resources, heard.state)


def ask_section(resources: Resources, heard: Heard) -> Reply:
    """A question only one section answers ("will I regret cutting them off")."""
    section = resources.guidebook.section_for_intent(heard.name)
    return section_reply(resources, heard.state, section.id)


def play_guide(resources: Resources, heard: Heard) -> Reply:
    """"Play the whole guide" without AudioPlayer: section by section, from the one named."""
    if heard.topic_heard and heard.topic is None:
        return topic_prompt(resources, heard.state, resources.guidebook.words.no_match)
    return section_reply(resources, heard.state, heard.topic or resources.guidebook.ids[0])


def handlers(resources: Resources) -> Sequence[AbstractRequestHandler]:
    """One handler for the topic intent, every section's own intent and playing the guide."""
    answers = {TOPIC: ask_topic, PLAY_GUIDE: play_guide}
    answers.update({section.intent: ask_section for section in resources.guidebook.sections})
    return (AnswerHandler(resources, answers),)
