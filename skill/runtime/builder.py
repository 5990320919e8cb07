"""Assembles the skill: every handler family, in the one order that decides who answers."""

from __future__ import annotations

import logging
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_model.services import ApiClient

from skill.runtime import SkillError
from skill.runtime.api_client import StdlibApiClient
from skill.runtime.budget import BudgetedSkill
from skill.runtime.catalog import open_catalog
from skill.runtime.config import SkillConfig
from skill.runtime.guidebook import load_guidebook
from skill.runtime.handlers import (
    Family,
    Resources,
    builtins,
    guided,
    listening,
    navigation,
    privacy,
    reflection,
    reminders,
    routines,
    safety,
    topics,
)
from skill.runtime.handlers.bookmark import BookmarkInterceptor
from skill.runtime.metrics import MetricsRecord, MetricsStart, RecordedErrors

logger = logging.getLogger(__name__)

# Families in the order requests are tried: the first handler whose can_handle is true wins.
# Safety comes first, always: a person in danger is answered before anything else.
SAFETY: tuple[Family, ...] = (safety.handlers,)
# Skill events (disabling the skill deletes the listener's place); no utterance reaches them.
PRIVACY: tuple[Family, ...] = (privacy.handlers,)
# Guided listening (AudioPlayer handlers) goes here, ahead of the conversation's own
# Next, Previous, Pause and Resume, so playback controls reach the player first; a guided
# reflection's ahead of the guide's, so its tracks are never taken for the guide.
AUDIO_PLAYER: tuple[Family, ...] = (guided.handlers, listening.handlers)
# A Routine's task arrives as a LaunchRequest, so it goes before the frame's welcome; the
# reminders' yes and no go before the conversation's own.
ROUTINES: tuple[Family, ...] = (routines.handlers,)
REMINDERS: tuple[Family, ...] = (reminders.handlers,)
CONVERSATION: tuple[Family, ...] = (topics.handlers, reflection.handlers, navigation.handlers)
# Launch, help, stop and the rest, ending with the catch-all for anything no one took.
FRAME: tuple[Family, ...] = (builtins.handlers,)
FAMILIES: tuple[Family, ...] = (
    SAFETY + PRIVACY + AUDIO_PLAYER + ROUTINES + REMINDERS + CONVERSATION + FRAME
)


def build_skill(
    config: SkillConfig,
    persistence_adapter: AbstractPersistenceAdapter | None = None,
    *,
    s3_client: Any = None,
    strict: bool = True,
    api_client: ApiClient | None = None,
) -> CustomSkill:
    """The skill for this configuration, ready to `invoke`, each request within
    `config.request_budget_seconds` of waiting on backends.

    Without an adapter, one is made from `config.persistence` when that is set; one that
    cannot be made raises, unless `strict` is false (the Lambda, which must answer every
    request, a crisis above all): then the skill starts keeping nothing, and says why in the
    log, as `open_catalog` does with audio it cannot use. `s3_client` reads a manifest held
    in S3 (boto3's default client otherwise); `api_client` calls Alexa's APIs (the standard
    library's HTTP, with a deadline, otherwise).
    """
    guidebook = load_guidebook()
    adapter = persistence_adapter or _configured_adapter(config, strict)
    resources = Resources(
        guidebook=guidebook,
        catalog=open_catalog(config, guidebook, s3_client),
        remembers=adapter is not None,
    )
    # The API client gives handlers ask-sdk's service clients (Reminders, Settings), each
    # addressed to the apiEndpoint and apiAccessToken the request carries.
    builder = CustomSkillBuilder(
        persistence_adapter=adapter, api_client=api_client or StdlibApiClient()
    )
    builder.skill_id = config.skill_id
    for family in FAMILIES:
        for handler in family(resources):
            builder.add_request_handler(handler)
    for exception_handler in builtins.exception_handlers(resources):
        builder.add_exception_handler(
            RecordedErrors(exception_handler) if config.metrics else exception_handler
        )
    if config.metrics:
        builder.add_global_request_interceptor(MetricsStart())
    builder.add_global_response_interceptor(BookmarkInterceptor(resources))
    builder.add_global_response_interceptor(reminders.PendingReminderInterceptor())
    if config.metrics:
        # Last, so it counts the answer as it leaves: numbers only, never ids or words.
        builder.add_global_response_interceptor(MetricsRecord())
    return BudgetedSkill(builder.skill_configuration, config.request_budget_seconds)


def _configured_adapter(config: SkillConfig, strict: bool) -> AbstractPersistenceAdapter | None:
    """The adapter NOCONTACT_PERSISTENCE names; its modules load only when it is set."""
    if config.persistence is None:
        return None
    from skill.runtime.persistence import persistence_adapter

    try:
        return persistence_adapter(
            config.persistence, timeout_seconds=config.backend_timeout_seconds
        )
    except (SkillError, PersistenceException) as error:
        if strict:
            raise
        logger.error("Keeping no listening positions: %s", error)
        return None
