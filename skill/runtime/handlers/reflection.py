"""Reflection: a question to think about, room to think, then what to do next."""

from __future__ import annotations

from collections.abc import Sequence

from ask_sdk_core.dispatch_components import AbstractRequestHandler

from skill.runtime.handlers import Resources
from skill.runtime.handlers.replies import AnswerHandler, Card, Heard, Reply
from skill.runtime.handlers.topics import topic_prompt
from skill.runtime.intents import REFLECT
from skill.runtime.speech import Speech
from skill.runtime.state import Conversation, Offer, Turn

THINKING_PAUSE = 6.0  # seconds of silence after the prompt (Alexa allows 10 per break)


def reflection_reply(
    resources: Resources, state: Conversation, section_id: str | None, *, again: bool = False
) -> Reply:
    """A prompt for the section (any section's when None), a pause, then a way on.

    Prompts rotate as the session asks for more; `again` repeats the last one given.
    """
    guidebook = resources.guidebook
    words = guidebook.words
    count = max(state.reflections - 1, 0) if again else state.reflections
    if section_id is None:
        prompts = tuple(prompt for section in guidebook.sections for prompt in section.reflections)
    else:
        prompts = guidebook.section(section_id).reflections
    prompt = prompts[count % len(prompts)]
    onward = _onward(resources, section_id)
    question = words.reprompt if onward is None else onward[1]
    spoken = (
        Speech()
        .say(words.reflection_intro, prompt)
        .pause(THINKING_PAUSE)
        .say(words.reflection_outro, question)
    )
    title = words.name if section_id is None else guidebook.section(section_id).title
    return Reply(
        speech=spoken,
        reprompt=Speech().say(question),
        card=Card(title, prompt, words.screen_hint),
        state=state.but(
            section=section_id,
            batch=state.batch if section_id == state.section else 0,
            offer=None if onward is None else Offer.FOLLOW_UP,
            follow_up=0 if onward is None else onward[0],
            reflections=count + 1,
            last=Turn.REFLECTION,
        ),
    )


def _onward(resources: Resources, section_id: str | None) -> tuple[int, str] | None:
    """The section's offer to go on to another section: its index and question."""
    if section_id is None:
        return None
    follow_ups = resources.guidebook.section(section_id).follow_ups
    return next(
        ((index, item.question) for index, item in enumerate(follow_ups) if item.section),
        None,
    )


def reflect(resources: Resources, heard: Heard) -> Reply:
    """"Help me reflect": on the topic named, the current section, or the guide as a whole."""
    if heard.topic_heard and heard.topic is None:
        return topic_prompt(resources, heard.state, resources.guidebook.words.no_match)
    return reflection_reply(resources, heard.state, heard.topic or heard.state.section)


def handlers(resources: Resources) -> Sequence[AbstractRequestHandler]:
    """The reflection intent's handler."""
    return (AnswerHandler(resources, {REFLECT: reflect}),)
