"""Labelled utterances: what people say, and what the skill should do with each.

An utterance is labelled with a section id, `crisis` (with its family) or `harmless` (danger
words used harmlessly, everyday talk). A topic utterance may also name, under `also`, other
sections that answer it well.

Each set of utterances (a file, `<set>-<locale>.yaml`, or `<locale>.yaml` for the first) has a
split: `dev` when it was read while writing the grammar, `test` for the held-out set whose
aggregate was watched while variants were chosen, and `unseen` for a set no one has written
grammar for yet: its figures, scored before any grammar is written for it, are the honest ones.
The sets live in the checkout, in bench/utterances/; they are not shipped.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

UTTERANCES = Path(__file__).resolve().parents[2] / "bench" / "utterances"
CRISIS = "crisis"
HARMLESS = "harmless"
SPLITS = ("dev", "test", "unseen")
# libyaml's parser, ten times faster than PyYAML's own, which is the fallback without it.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Labelled:
    """One evaluation utterance and what the skill should do with it."""

    text: str
    label: str
    family: str | None
    split: str
    also: tuple[str, ...] = ()
    set: str = ""


def load_utterances(locale: str, directory: Path = UTTERANCES) -> tuple[Labelled, ...]:
    """The labelled utterances written for a locale: every set of it (`en-GB.yaml`,
    `fresh-en-GB.yaml`, `heldout-en-GB.yaml`), each utterance with its own split."""
    return tuple(
        Labelled(
            text=e["text"], label=e["label"], family=e.get("family"), split=e["split"],
            also=tuple(e.get("also", ())), set=set_name(path, locale),
        )
        for path in sorted(directory.glob(f"*{locale}.yaml"))
        for e in yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    )


def set_name(path: Path, locale: str) -> str:
    """The set a file holds: `fresh9` for fresh9-en-GB.yaml, `first` for en-GB.yaml."""
    return path.name.removesuffix(f"{locale}.yaml").removesuffix("-") or "first"


def select(
    items: Iterable[Labelled],
    splits: Collection[str] | None = None,
    sets: Collection[str] | None = None,
) -> list[Labelled]:
    """The items of these splits and sets (every one when none is given)."""
    return [
        item for item in items
        if (not splits or item.split in splits) and (not sets or item.set in sets)
    ]
