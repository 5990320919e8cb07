"""Bookmarks for devices without AudioPlayer: the section to go on with, kept between visits.

There, sections play as speech, so the place worth keeping is the section a listener would
continue with: the rest of a long section, or the next one. Devices with AudioPlayer keep
their exact place in a clip (guided listening), which a spoken section never overwrites,
not even on another device of the same account (a phone after the Echo in the kitchen).
"""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractResponseInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.runtime.handlers import Resources
from skill.runtime.handlers.listener import Listener
from skill.runtime.handlers.replies import RESUME_AT


class BookmarkInterceptor(AbstractResponseInterceptor):
    """After a spoken section, saves where its listener would continue, when they are kept."""

    def __init__(self, resources: Resources) -> None:
        self.resources = resources

    def process(self, handler_input: HandlerInput, response: Response | None) -> None:
        section = handler_input.attributes_manager.request_attributes.get(RESUME_AT)
        if section is None or not self.resources.remembers:
            return
        listener = Listener(handler_input, self.resources, self.resources.catalog.order)
        start = listener.order.start_of(section)
        if start is None or listener.has_audio_player:
            return
        stored = listener.stored()
        # An unreadable place may be an exact one: it is never overwritten with a bookmark.
        if stored.reachable and (stored.point is None or not stored.point.is_exact):
            listener.save(start.token)
