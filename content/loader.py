"""Reading the guide from its files: Markdown sections with YAML front matter, skill.yaml."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from content.guide import Guide
from content.lexicon import Lexicon, LexiconError, parse_lexicon
from content.models import Phrasings, Section, SkillText

CONTENT_DIR = Path(__file__).resolve().parent
_FRONT_MATTER = re.compile(r"\A---\n(?P<meta>.*?)\n---\n(?P<body>.*)\Z", re.DOTALL)
_FILE_NAME = re.compile(r"^\d{2}-(?P<id>[a-z0-9-]+)\.md$")
Model = TypeVar("Model", bound=BaseModel)
# libyaml's parser, ten times faster than PyYAML's own, which is the fallback without it.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ContentError(ValueError):
    """A content file is malformed; the message names the file, the field and the fix."""


def load_guide(directory: Path = CONTENT_DIR) -> Guide:
    """Load and validate every section (in file-name order) and the skill's words."""
    paths = sorted((directory / "sections").glob("*.md"))
    if not paths:
        raise ContentError(f"{directory / 'sections'}: no section files; add NN-<id>.md files")
    sections = tuple(_load_section(path) for path in paths)
    skill = _validate(SkillText, _read_yaml(directory / "skill.yaml"), directory / "skill.yaml")
    phrasings_path = directory / "phrasings.yaml"
    phrasings = _validate(Phrasings, _read_yaml(phrasings_path), phrasings_path)
    lexicon = _load_lexicon(directory / "lexicon.yaml")
    try:
        return Guide(sections=sections, skill=skill, phrasings=phrasings, lexicon=lexicon)
    except ValueError as error:
        raise ContentError(f"{directory}: {error}") from None


@lru_cache(maxsize=1)
def default_guide() -> Guide:
    """The bundled guide, loaded once per process."""
    return load_guide()


def _load_section(path: Path) -> Section:
    name = _FILE_NAME.match(path.name)
    if name is None:
        raise ContentError(f"{path}: file name must look like 05-section-id.md")
    match = _FRONT_MATTER.match(path.read_text(encoding="utf-8"))
    if match is None:
        raise ContentError(f"{path}: must start with YAML front matter between '---' lines")
    meta = _parse_yaml(match["meta"], path)
    section = _validate(Section, {**meta, "body": match["body"]}, path)
    if section.id != name["id"]:
        raise ContentError(f"{path}: field 'id' is {section.id!r}; rename the file or the id")
    return section


def _load_lexicon(path: Path) -> Lexicon:
    """The pronunciation lexicon; a guide without lexicon.yaml has none."""
    if not path.is_file():
        return Lexicon(source=str(path))
    try:
        return parse_lexicon(_parse_yaml(path.read_text(encoding="utf-8"), path), str(path))
    except LexiconError as error:
        raise ContentError(str(error)) from None


def _read_yaml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ContentError(f"{path}: missing; the skill's words live there")
    return _parse_yaml(path.read_text(encoding="utf-8"), path)


def _parse_yaml(text: str, path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(text, Loader=_YAML_LOADER)
    except yaml.YAMLError as error:
        raise ContentError(f"{path}: not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise ContentError(f"{path}: expected a mapping of fields, got {type(data).__name__}")
    return data


def _validate(model: type[Model], data: dict[str, Any], path: Path) -> Model:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise ContentError(f"{path}: {_describe(error)}") from None


def _describe(error: ValidationError) -> str:
    """One line per problem: the field's path and what is wrong with it."""
    return "; ".join(
        f"field '{'.'.join(str(part) for part in problem['loc']) or '(file)'}': {problem['msg']}"
        for problem in error.errors()
    )
