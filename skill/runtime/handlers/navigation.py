"""Moving through the guide by voice: yes and no to what was offered, next, previous,
repeat, start over, pause and resume, and continuing where the session left off."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ask_sdk_core.dispatch_components import AbstractRequestHandler

from skill.runtime.guidebook import FollowUp
from skill.runtime.handlers import Resources
from skill.runtime.handlers.builtins import goodbye
from skill.runtime.handlers.reflection import reflection_reply
from skill.runtime.handlers.replies import AnswerHandler, Heard, Reply
from skill.runtime.handlers.safety import crisis_reply
from skill.runtime.handlers.topics import section_reply, topic_prompt
from skill.runtime.intents import (
    CONTINUE_LISTENING,
    NEXT,
    NO,
    PAUSE,
    PREVIOUS,
    REPEAT,
    RESUME,
    START_OVER,
    YES,
)
from skill.runtime.speech import Speech
from skill.runtime.state import Conversation, Offer, Turn


def pending_follow_up(resources: Resources, state: Conversation) -> FollowUp | None:
    """The follow-up question waiting for a yes or no, if there is one."""
    if state.offer is not Offer.FOLLOW_UP or state.section is None:
        return None
    follow_ups = resources.guidebook.section(state.section).follow_ups
    return follow_ups[state.follow_up] if state.follow_up < len(follow_ups) else None


def rest_of_section(resources: Resources, state: Conversation) -> Reply | None:
    """The section's next batch, when "Shall I go on?" is waiting for an answer."""
    if state.offer is Offer.MORE and state.section is not None:
        return section_reply(resources, state, state.section, state.batch + 1)
    return None


def answer_yes(resources: Resources, heard: Heard) -> Reply:
    """Do what was offered: the rest of the section, another section or a reflection."""
    state = heard.state
    rest = rest_of_section(resources, state)
    if rest is not None:
        return rest
    follow_up = pending_follow_up(resources, state)
    if follow_up is None:
        return topic_prompt(resources, state)
    if follow_up.section is not None:
        return section_reply(resources, state, follow_up.section)
    return reflection_reply(resources, state, state.section)


def answer_no(resources: Resources, heard: Heard) -> Reply:
    """Offer the next follow-up, or ask what else to hear; with nothing offered, say goodbye."""
    state = heard.state
    words = resources.guidebook.words
    if state.offer is None:
        return goodbye(resources, heard)
    if pending_follow_up(resources, state) is not None:
        follow_ups = resources.guidebook.section(state.section).follow_ups
        for index in range(state.follow_up + 1, len(follow_ups)):
            # Straight after a reflection, offering another would not be listening.
            if follow_ups[index].reflection and state.last is Turn.REFLECTION:
                continue
            question = follow_ups[index].question
            return Reply(
                speech=Speech().say(words.declined, question),
                reprompt=Speech().say(question),
                state=state.but(follow_up=index),
            )
    return topic_prompt(resources, state, words.declined)


def next_section(resources: Resources, heard: Heard) -> Reply:
    """The section after the current one; the first when none has played yet."""
    guidebook = resources.guidebook
    return _step(resources, heard, guidebook.next_id, guidebook.words.end_of_guide)


def previous_section(resources: Resources, heard: Heard) -> Reply:
    """The section before the current one; at the start, say so and ask what to hear."""
    guidebook = resources.guidebook
    return _step(resources, heard, guidebook.previous_id, guidebook.words.start_of_guide)


def _step(
    resources: Resources, heard: Heard, neighbour: Callable[[str], str | None], at_edge: str
) -> Reply:
    """The neighbouring section; past either end of the guide, say so and offer topics."""
    if heard.state.section is None:
        return section_reply(resources, heard.state, resources.guidebook.ids[0])
    target = neighbour(heard.state.section)
    if target is None:
        return topic_prompt(resources, heard.state, at_edge)
    return section_reply(resources, heard.state, target)


def say_again(resources: Resources, heard: Heard) -> Reply:
    """Repeat (or resume after a pause): the last section batch, reflection or crisis lines."""
    state = heard.state
    if state.last is Turn.CRISIS:
        return crisis_reply(resources, heard.locale, state)
    if state.last is Turn.REFLECTION:
        return reflection_reply(resources, state, state.section, again=True)
    if state.last is Turn.SECTION and state.section is not None:
        return section_reply(resources, state, state.section, state.batch)
    return topic_prompt(resources, state)


def start_over(resources: Resources, heard: Heard) -> Reply:
    """Back to the first section."""
    return section_reply(resources, heard.state, resources.guidebook.ids[0])


def pause(resources: Resources, heard: Heard) -> Reply:
    """Stop talking and wait; "resume" picks up the same part again."""
    words = resources.guidebook.words
    return Reply(speech=Speech().say(words.paused), reprompt=Speech().say(words.reprompt))


def continue_listening(resources: Resources, heard: Heard) -> Reply:
    """"Continue where I left off" within this session: the rest of the section, or the next."""
    return rest_of_section(resources, heard.state) or next_section(resources, heard)


def handlers(resources: Resources) -> Sequence[AbstractRequestHandler]:
    """One handler for every way of moving through the guide in conversation."""
    answers = {
        YES: answer_yes,
        NO: answer_no,
        NEXT: next_section,
        PREVIOUS: previous_section,
        REPEAT: say_again,
        RESUME: say_again,
        START_OVER: start_over,
        PAUSE: pause,
        CONTINUE_LISTENING: continue_listening,
    }
    return (AnswerHandler(resources, answers),)
