"""Request handlers, one family per area, each built from the same shared resources.

A family is a function `handlers(resources) -> sequence of request handlers`;
skill/runtime/builder.py lists the families in the order Alexa requests are tried. Part of the
runtime: handlers import ask-sdk-core and skill.runtime, nothing else of the project.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from ask_sdk_core.dispatch_components import AbstractRequestHandler

from skill.runtime.catalog import Catalog
from skill.runtime.guidebook import Guidebook


class Resources(NamedTuple):
    """What every handler may read: the guide, its audio, and whether places are kept."""

    guidebook: Guidebook
    catalog: Catalog
    # A persistence adapter keeps listening positions between sessions.
    remembers: bool = False


Family = Callable[[Resources], Sequence[AbstractRequestHandler]]
