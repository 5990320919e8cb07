"""What the conversation remembers between turns, kept small in Alexa's session attributes.

Only positions in the guide: never anything a person said. Attributes that do not fit
(an older version's, or tampered with) are read as a fresh conversation.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum, StrEnum
from typing import Any, NamedTuple, TypeVar

ATTRIBUTE = "conversation"  # the one session attribute the conversation owns
E = TypeVar("E", bound=Enum)


class Offer(StrEnum):
    """The yes/no question waiting for an answer."""

    MORE = "more"  # "Shall I go on?": the next batch of the current section
    FOLLOW_UP = "follow-up"  # the current section's follow-up number `follow_up`


class Turn(StrEnum):
    """What the skill said last, so "repeat" can say it again."""

    SECTION = "section"
    REFLECTION = "reflection"
    CRISIS = "crisis"


class Conversation(NamedTuple):
    """Where the listener is: section, batch played, pending question, reflections given."""

    section: str | None = None
    batch: int = 0
    offer: Offer | None = None
    follow_up: int = 0
    reflections: int = 0
    last: Turn | None = None

    def but(self, **changes: Any) -> Conversation:
        """A copy with some fields changed."""
        return self._replace(**changes)

    def to_attributes(self) -> dict[str, Any]:
        """The session-attribute form: short, JSON-safe, defaults left out."""
        values = {
            "section": self.section,
            "batch": self.batch or None,
            "offer": self.offer.value if self.offer else None,
            "followUp": self.follow_up or None,
            "reflections": self.reflections or None,
            "last": self.last.value if self.last else None,
        }
        return {key: value for key, value in values.items() if value is not None}

    @classmethod
    def from_attributes(cls, attributes: object) -> Conversation:
        """The conversation stored in a request's session attributes, or a fresh one."""
        stored = attributes.get(ATTRIBUTE) if isinstance(attributes, Mapping) else None
        if not isinstance(stored, Mapping):
            return cls()
        section = stored.get("section")
        return cls(
            section=section if isinstance(section, str) else None,
            batch=_count(stored.get("batch")),
            offer=_member(Offer, stored.get("offer")),
            follow_up=_count(stored.get("followUp")),
            reflections=_count(stored.get("reflections")),
            last=_member(Turn, stored.get("last")),
        )


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _member(kind: type[E], value: Any) -> E | None:
    try:
        return kind(value) if isinstance(value, str) else None
    except ValueError:
        return None
