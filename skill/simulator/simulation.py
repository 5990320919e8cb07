"""What `nocontact say` and the simulator page share: a model, clip titles and a way in.

The imperative shell around the pure simulator: it reads the interaction model generated
from the content and the audio manifest of a local store, and pairs them with a transport and
the Alexa APIs the skill's requests reach (the simulator's own, unless a conversation names
another endpoint).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from audio.manifest import MANIFEST_KEY, ManifestError, parse_manifest
from skill.simulator.api_server import SimulatedAlexa
from skill.simulator.device import DeviceState, Exchange, SimulatedDevice, Transport
from skill.simulator.envelopes import SIMULATOR_SKILL_ID, Caller, DeviceName, Locale
from skill.simulator.language_model import InteractionModel
from skill.simulator.transcript import ClipIndex, Turn, to_turn

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())


@lru_cache(maxsize=8)
def interaction_model(locale: str) -> InteractionModel:
    """The skill's interaction model for a locale, exactly as generated into the skill package."""
    from content import default_guide
    from skill.exports.language_model import interaction_model as generate

    return InteractionModel.from_json(generate(default_guide(), locale))


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
            interaction_model(caller.locale), self.send, addressed, apis=self.apis
        )

    def turns(self, exchanges: list[Exchange]) -> list[Turn]:
        """Each exchange as a readable turn."""
        return [to_turn(e.request, e.response, self.clips) for e in exchanges]


def state_from_json(text: str) -> DeviceState:
    """A saved conversation; ValueError when the text is not one."""
    return DeviceState.model_validate(json.loads(text))
