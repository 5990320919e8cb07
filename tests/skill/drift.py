"""Envelope drift: a value Amazon may add one day, put in every enum field ask-sdk-model has.

`enum_fields()` walks ask_sdk_model's classes from `RequestEnvelope` (following every
subclass a discriminator can pick), so a field the pinned SDK adds is covered without a
list kept by hand. `drifted(envelope, field)` writes an unknown value at one field's path,
building whatever objects lead to it.
"""

from __future__ import annotations

import copy
import enum
import functools
import importlib
import re
from collections.abc import Iterator
from typing import Any, NamedTuple

from ask_sdk_model import RequestEnvelope

UNKNOWN = "SOMETHING_NEW"
LIST = "[]"
MAP = "{}"


class Step(NamedTuple):
    """One step down to a field: a JSON key, an item of a list or map, or a subclass that
    a discriminator (`type`) selects."""

    key: str
    discriminator: tuple[str, str] | None = None


class EnumField(NamedTuple):
    """An enum-valued field and the steps that reach it from the envelope."""

    steps: tuple[Step, ...]
    enum_name: str

    @property
    def name(self) -> str:
        return ".".join(f"{s.discriminator[1]}:{s.key}" if s.discriminator else s.key
                        for s in self.steps)

    def reaches(self, request_type: str) -> bool:
        """Whether the field can be in a request of this type (context and session fields
        can be in any)."""
        types = [s.discriminator[1] for s in self.steps[1:2] if s.discriminator]
        return self.steps[0].key != "request" or types in ([], [request_type])


def _load(name: str) -> type:
    module, _, cls = name.rpartition(".")
    return getattr(importlib.import_module(module), cls)


def _unwrap(type_name: str) -> tuple[str, str | None]:
    if match := re.fullmatch(r"list\[(.*)\]", type_name):
        return match.group(1), LIST
    if match := re.fullmatch(r"dict\(([^,]*), (.*)\)", type_name):
        return match.group(2), MAP
    return type_name, None


def _variants(cls: type) -> Iterator[tuple[type, tuple[str, str] | None]]:
    """The class itself, then every subclass its discriminator can name."""
    yield cls, None
    key = getattr(cls, "json_discriminator_key", None)
    for value, name in (getattr(cls, "discriminator_value_class_map", None) or {}).items():
        yield _load(name), (key, value)


def _walk(cls: type, steps: tuple[Step, ...], seen: frozenset[type]) -> Iterator[EnumField]:
    for variant, discriminator in _variants(cls):
        if variant in seen:
            continue
        here = seen | {variant}
        for attribute, type_name in getattr(variant, "deserialized_types", {}).items():
            inner, container = _unwrap(type_name)
            if not inner.startswith("ask_sdk_model."):
                continue
            key = variant.attribute_map.get(attribute, attribute)
            path = (*steps, Step(key, discriminator)) + ((Step(container),) if container else ())
            target = _load(inner)
            if issubclass(target, enum.Enum):
                yield EnumField(path, target.__name__)
            else:
                yield from _walk(target, path, here)


@functools.cache
def enum_fields() -> tuple[EnumField, ...]:
    """Every enum-valued field an envelope can carry, as the SDK models it."""
    return tuple(_walk(RequestEnvelope, (), frozenset()))


def drifted(envelope: dict[str, Any], field: EnumField, value: str = UNKNOWN) -> dict[str, Any]:
    """A copy of the envelope with `value` at the field, every object on the way made."""
    data = copy.deepcopy(envelope)
    parent: Any = data
    steps = field.steps
    for index, step in enumerate(steps):
        last = index == len(steps) - 1
        nxt = steps[index + 1] if not last else None
        if step.key == LIST:
            if not parent:
                parent.append(value if last else {})
            slot: Any = 0
        elif step.key == MAP:
            slot = next(iter(parent), "drifted")
        else:
            slot = step.key
        if step.discriminator and isinstance(parent, dict):
            key, kind = step.discriminator
            parent.setdefault(key, kind)
        if last:
            parent[slot] = value
            break
        child = parent[slot] if _has(parent, slot) else None
        if not isinstance(child, (dict, list)):
            child = [] if nxt is not None and nxt.key == LIST else {}
            parent[slot] = child
        parent = child
    return data


def _has(parent: Any, slot: Any) -> bool:
    return slot in parent if isinstance(parent, dict) else slot < len(parent)
