"""What `nocontact say` and the simulator page share: a model, clip titles and a way in.

The imperative shell around the pure simulator: it reads the interaction model generated
from the content and the audio manifest of a local store, and pairs them with a transport and
the Alexa APIs the skill's requests reach (the simulator's own, unless a conversation names
another endpoint).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from audio.cache import default_cache_dir
from audio.manifest import MANIFEST_KEY, ManifestError, parse_manifest
from skill.simulator.api_server import SimulatedAlexa
from skill.simulator.device import DeviceState, Exchange, SimulatedDevice, Transport
from skill.simulator.envelopes import SIMULATOR_SKILL_ID, Caller, DeviceName, Locale
from skill.simulator.language_model import InteractionModel
from skill.simulator.transcript import ClipIndex, Turn, to_turn
from skill.simulator.understanding import Understanding
from skill.simulator.understanding_cache import trained_understanding

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())


@lru_cache(maxsize=8)
def interaction_model(locale: str) -> InteractionModel:
    """The skill's interaction model for a locale, exactly as generated into the skill package.

    Generating it from content/ takes seconds, so it is kept in the cache folder by the hash
    of everything that generates it (content/ and skill/exports/), and generated again only
    when one of them changes.
    """
    from content import default_guide
    from skill.exports.language_model import interaction_model as generate

    kept = cache_dir() / "models" / f"{_generator_hash()}-{locale}.json"
    try:
        return InteractionModel.from_json(json.loads(kept.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError) as error:
        logger.debug("Generating the %s model (%s)", locale, error)
    generated = generate(default_guide(), locale)
    kept.parent.mkdir(parents=True, exist_ok=True)
    scratch = kept.with_suffix(f".{os.getpid()}.tmp")
    scratch.write_text(json.dumps(generated), encoding="utf-8")
    os.replace(scratch, kept)
    return InteractionModel.from_json(generated)


@lru_cache(maxsize=8)
def understanding(locale: str) -> Understanding:
    """What Alexa would make of words in a locale: the model, learned once and kept on disk."""
    return trained_understanding(interaction_model(locale), cache_dir())


def cache_dir() -> Path:
    """Where the simulator keeps generated models and what it learned from them: the audio
    build's cache folder ($NOCONTACT_CACHE, else the XDG cache)."""
    return default_cache_dir(os.environ) / "simulator"


def _generator_hash() -> str:
    """A hash of every file the interaction model is generated from."""
    digest = hashlib.sha256()
    for package in ("content", "skill.exports"):
        # Found without importing them: the content models and the generator load slowly.
        spec = importlib.util.find_spec(package)
        assert spec is not None and spec.origin is not None, package
        root = Path(spec.origin).parent
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.suffix in {".py", ".md", ".yaml", ".txt"}:
                digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:24]


def clip_index(store_dir: Path | None) -> ClipIndex:
    """Clip titles from a local store's manifest; none when there is no readable manifest.

    The manifest is read again only when the audio build has replaced it.
    """
    if store_dir is None:
        return ClipIndex()
    path = store_dir / MANIFEST_KEY
    try:
        stat = path.stat()
    except OSError as error:
        logger.debug("No clip titles from %s: %s", store_dir, error)
        return ClipIndex()
    return _read_clip_index(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _read_clip_index(path: Path, mtime_ns: int, size: int) -> ClipIndex:
    """The index of one version of a manifest file (its path, time and size are the key)."""
    try:
        return ClipIndex.from_manifest(parse_manifest(path.read_bytes()))
    except (OSError, ManifestError) as error:
        logger.debug("No clip titles from %s: %s", path, error)
        return ClipIndex()


@dataclass(frozen=True)
class Simulation:
    """A skill to talk to, the clip titles to show, the skill id requests carry, and the
    Alexa APIs that answer the skill (None: the APIs the conversation names, else Amazon's)."""

    send: Transport
    clips: ClipIndex
    skill_id: str | None = None
    apis: SimulatedAlexa | None = None

    def new_state(self, device: DeviceName, locale: Locale) -> DeviceState:
        """A fresh conversation: new random ids, no session, nothing playing."""
        return DeviceState(caller=Caller.new(device=device, locale=locale))

    def device(self, state: DeviceState) -> SimulatedDevice:
        """The device for a conversation, talking to this skill in the model of its locale."""
        caller = state.caller.model_copy(update={"skill_id": self.skill_id or SIMULATOR_SKILL_ID})
        addressed = state.model_copy(update={"caller": caller})
        return SimulatedDevice(
            understanding(caller.locale), self.send, addressed, apis=self.apis
        )

    def turns(self, exchanges: list[Exchange]) -> list[Turn]:
        """Each exchange as a readable turn."""
        return [to_turn(e.request, e.response, self.clips) for e in exchanges]


def state_from_json(text: str) -> DeviceState:
    """A saved conversation; ValueError when the text is not one."""
    return DeviceState.model_validate(json.loads(text))
