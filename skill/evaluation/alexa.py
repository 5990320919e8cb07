"""Alexa's own answer: each labelled utterance through SMAPI's Utterance Profiler, paced, then
taken through the skill's own routing as the benchmark's matchers are.

The profiler reads the interaction model deployed to a skill's stage and locale and does not
call the skill; the intent it selects, the words in each slot and each slot's first resolved
id are what the skill's runtime would receive. (SMAPI's NLU Evaluation API is deprecated and
not used.) Failures carry how many utterances were profiled, never what any of them said.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from skill.evaluation import EvaluationError
from skill.evaluation.report import Evaluation, evaluation_of
from skill.evaluation.routing import skill_answer
from skill.evaluation.utterances import Labelled
from skill.runtime.guidebook import Guidebook
from skill.smapi import SmapiError
from skill.smapi.client import Smapi
from skill.smapi.pacing import Pace
from skill.smapi.profiler import UtteranceProfile, profile_utterance

MATCHER = "alexa"
Progress = Callable[[int, int], None]


class ProfilingStopped(EvaluationError):
    """SMAPI failed part of the way through a locale; `profiled` utterances had answers."""

    def __init__(self, message: str, profiled: int, total: int) -> None:
        super().__init__(message)
        self.profiled = profiled
        self.total = total


def alexa_answer(guidebook: Guidebook, profile: UtteranceProfile) -> str:
    """What the skill answers to the intent Alexa selected ("fallback" for none)."""
    selected = profile.selected
    if selected is None:
        return skill_answer(guidebook, None, {}, {})
    words = {slot.name: slot.value for slot in selected.slots if slot.value}
    ids = {slot.name: slot.resolved_ids[0] for slot in selected.slots if slot.resolved_ids}
    return skill_answer(guidebook, selected.name, words, ids)


def evaluate_with_alexa(
    smapi: Smapi,
    skill_id: str,
    locale: str,
    items: Sequence[Labelled],
    guidebook: Guidebook,
    *,
    stage: str,
    pace: Pace,
    progress: Progress | None = None,
) -> Evaluation:
    """Profile every item in the skill's model for a locale, one call at a time at the pace,
    and score what the skill would answer; `progress(done, total)` follows each one."""
    started = pace.clock()
    answers: list[str] = []
    for item in items:
        try:
            profile = profile_utterance(smapi, skill_id, locale, item.text, stage=stage,
                                        sleep=pace.sleep, pace=pace.wait)
        except SmapiError as error:
            raise ProfilingStopped(str(error), len(answers), len(items)) from None
        answers.append(alexa_answer(guidebook, profile))
        if progress is not None:
            progress(len(answers), len(items))
    return evaluation_of(locale, MATCHER, items, answers, pace.clock() - started)
