"""The web service's settings, and the one rule for what a server may do where it listens.

Unsigned requests (the simulator page, verification off) are allowed only where no one else
can send them: a loopback listening address and no public URL. A server that does not know
its listening address (a WSGI server started without NOCONTACT_HOST) counts as reachable by
others. A reachable server also names its skill, unless told to accept any skill.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from audio.manifest import MANIFEST_KEY
from skill.runtime.config import SkillConfig
from skill.web.errors import ExposureError

# Alexa's requests are a few KB; 128 KB leaves room for large session attributes.
MAX_BODY_BYTES = 128 * 1024
# Where clip URLs point when the listening address is not known.
FALLBACK_HOST = "127.0.0.1"
# Host names a browser on this machine uses for a loopback server; any other Host header
# (DNS rebinding: a foreign name resolving to 127.0.0.1) is refused while unsigned
# requests are allowed. Werkzeug matches no IPv6 literal, so `[::1]` is reached as localhost.
LOOPBACK_NAMES = ("localhost", "127.0.0.1")


@dataclass(frozen=True)
class WebConfig:
    """Everything the web service needs, read once at the edge and passed in."""

    skill: SkillConfig
    # The address the server listens on; None (unknown) counts as reachable by others.
    host: str | None = None
    port: int = 8000
    # Made absolute on creation: Flask would look for a relative folder beside this module.
    store_dir: Path | None = None
    public_url: str | None = None
    verify: bool = True
    # The simulator page drives the skill without Amazon's signature: local serving only.
    simulator: bool = False
    # A reachable server without a skill id accepts requests Amazon signed for any skill.
    allow_any_skill: bool = False
    max_body_bytes: int = MAX_BODY_BYTES

    def __post_init__(self) -> None:
        if self.store_dir is not None:
            object.__setattr__(self, "store_dir", self.store_dir.absolute())

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> WebConfig:
        """The configuration a WSGI server gets from the process environment."""
        store = environ.get("NOCONTACT_STORE")
        return cls(
            skill=SkillConfig.from_env(environ),
            host=environ.get("NOCONTACT_HOST") or None,
            store_dir=Path(store) if store else None,
            public_url=environ.get("NOCONTACT_PUBLIC_URL") or None,
            verify=environ.get("NOCONTACT_VERIFY", "1") != "0",
            simulator=environ.get("NOCONTACT_SIMULATOR", "0") == "1",
            allow_any_skill=environ.get("NOCONTACT_ALLOW_ANY_SKILL", "0") == "1",
        )

    @property
    def local_url(self) -> str:
        """The address this server listens on (the loopback one when it is not known)."""
        host = self.host or FALLBACK_HOST
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}"

    @property
    def local_only(self) -> bool:
        """Reachable from this machine alone: a known loopback address and no public URL."""
        if self.public_url or self.host is None:
            return False
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False

    @property
    def base_url(self) -> str:
        """This server's address as devices reach it, without a trailing slash."""
        return (self.public_url or self.local_url).rstrip("/")

    @property
    def accepts_unsigned(self) -> bool:
        """Whether some route drives the skill without Amazon's signature."""
        return self.simulator or not self.verify

    def trusted_hosts(self) -> list[str] | None:
        """The Host names to answer while unsigned requests are allowed; None: any."""
        if not self.accepts_unsigned:
            return None
        names = list(LOOPBACK_NAMES)
        if self.host and ":" not in self.host and self.host not in names:
            names.append(self.host)
        return names

    def skill_config(self) -> SkillConfig:
        """The skill's configuration; with a local store, its manifest and clips come from here."""
        if self.store_dir is None:
            return self.skill
        base = self.base_url
        return dataclasses.replace(
            self.skill,
            manifest=str(self.store_dir / MANIFEST_KEY),
            audio_base_url=f"{base}/audio",
            allow_http_audio=base.startswith("http://"),
        )


def check_exposure(config: WebConfig) -> None:
    """Refuse, in one sentence, a way of serving that would let others around verification."""
    if config.local_only:
        return
    where = _reachable_because(config)
    if config.simulator:
        raise ExposureError(
            f"the simulator page drives the skill without Amazon's signature, but {where}; "
            "serve it only on a loopback host (NOCONTACT_HOST=127.0.0.1) without a public URL"
        )
    if not config.verify:
        raise ExposureError(
            f"request verification can be off only for local testing, but {where}; "
            "listen on a loopback host (NOCONTACT_HOST=127.0.0.1) without a public URL"
        )
    if config.skill.skill_id is None and not config.allow_any_skill:
        raise ExposureError(
            f"NOCONTACT_SKILL_ID is not set and {where}, so requests Amazon signs for any "
            "skill would be answered; set it, or accept them with --allow-any-skill "
            "(NOCONTACT_ALLOW_ANY_SKILL=1)"
        )


def _reachable_because(config: WebConfig) -> str:
    if config.public_url:
        return "this server has a public URL"
    if config.host is None:
        return "its listening address is not known (NOCONTACT_HOST is unset)"
    return f"it listens on {config.host}, which others can reach"
