"""Alexa Routines: "every evening at nine, start my reflection" runs the reflection task.

A Routine starts the skill's custom task (skill-package/tasks/StartReflection.1.json) as a
`LaunchRequest` carrying a `task` named `<skill id>.StartReflection`, version 1. The answer is
the reflection, then `Tasks.CompleteTask`; nobody asked a question, so the session ends, and a
task's response carries no AudioPlayer or APL directive, as Alexa requires. A task of another
name or version is refused with status 400 and the usual welcome is not given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response, Task
from ask_sdk_model.interfaces.tasks import CompleteTaskDirective
from ask_sdk_model.status import Status

from skill.runtime.handlers import Resources
from skill.runtime.handlers.guided import section_for, spoken_reply
from skill.runtime.handlers.listener import Listener
from skill.runtime.handlers.replies import Reply, build_response, request_type
from skill.runtime.intents import REFLECTION_TASK, REFLECTION_TASK_VERSION


def start_reflection(handler_input: HandlerInput, resources: Resources) -> Reply:
    """The guided reflection a Routine starts, on the day's section, complete in one spoken
    answer (its clips and quiet spaces within 240 seconds): a task's response may carry no
    AudioPlayer directive."""
    listener = Listener(handler_input, resources, resources.catalog.order)
    reflection = spoken_reply(listener, section_for(listener))
    return replace(reflection, reprompt=None, state=None, end_session=True)


def task_of(handler_input: HandlerInput) -> Task | None:
    """The task a LaunchRequest carries, if a Routine or another skill started one."""
    if request_type(handler_input) != "LaunchRequest":
        return None
    return getattr(handler_input.request_envelope.request, "task", None)


def is_reflection_task(task: Task, skill_id: str | None) -> bool:
    """Whether a task is this skill's reflection task: `<skill id>.StartReflection`, v1."""
    owner, _, name = (task.name or "").rpartition(".")
    ours = owner == skill_id if skill_id else bool(owner)
    return ours and name == REFLECTION_TASK and str(task.version) == REFLECTION_TASK_VERSION


class ReflectionTaskHandler(AbstractRequestHandler):
    """A LaunchRequest with a task: the reflection for ours, status 400 for any other."""

    def __init__(self, resources: Resources) -> None:
        self.resources = resources

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return task_of(handler_input) is not None

    def handle(self, handler_input: HandlerInput) -> Response:
        task = task_of(handler_input)
        assert task is not None
        envelope = handler_input.request_envelope
        system = envelope.context.system if envelope.context else None
        skill_id = system.application.application_id if system and system.application else None
        builder = handler_input.response_builder
        if not is_reflection_task(task, skill_id):
            builder.add_directive(
                CompleteTaskDirective(status=Status(code="400", message="Unknown task"))
            )
            builder.set_should_end_session(True)
            return builder.response
        reply = start_reflection(handler_input, self.resources)
        builder.add_directive(CompleteTaskDirective(status=Status(code="200", message="OK")))
        return build_response(reply, builder)


def handlers(resources: Resources) -> Sequence[AbstractRequestHandler]:
    """The custom task's handler; the builder puts it before the plain launch."""
    return (ReflectionTaskHandler(resources),)
