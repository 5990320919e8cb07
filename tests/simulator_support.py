"""Support for the simulator's tests: a small real audio store and the web app on a real port.

The store holds four sections, a few words each. It is built once per test run, however many
workers share it, through the real pipeline (audio.build with the offline voice), so the
manifest, keys, titles and MP3s are exactly what `nocontact build` produces; only the
narration is cut to one short sentence, for the sections a conversation in the tests reaches
(the start of the guide, guilt and its follow-up). The skill reads the others as text. The
clips are captioned, as `nocontact build --captions` does, and kept in the audio build's own
cache ($NOCONTACT_CACHE, else the XDG cache, beside the simulator's learned models), by the
fingerprint of their text, voice and settings: a later run narrates only what changed.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from content import Guide, default_guide

SHORT_BODY = "A short narration for testing."
NARRATED = ("introduction", "what-it-means", "guilt-trips", "regret")


def short_guide(guide: Guide) -> Guide:
    """The narrated sections with their text cut to one sentence; titles and ids unchanged."""
    sections = tuple(
        section.model_copy(update={
            "body": SHORT_BODY,
            "narrate_title": False,
            "follow_ups": tuple(
                f for f in section.follow_ups if f.reflection or f.section in NARRATED
            ),
        })
        for section in guide.sections
        if section.id in NARRATED
    )
    skill = guide.skill.model_copy(update={"launch_topics": NARRATED[1:]})
    return Guide(sections=sections, skill=skill, phrasings=guide.phrasings)


def build_short_store(root: Path, voice: Any) -> Path:
    """Narrate the short guide into a local store at `root`; returns `root`."""
    from audio.build import BuildOptions, build_store
    from audio.cache import ClipCache, default_cache_dir
    from audio.render import RenderSettings
    from audio.stores import LocalStore

    build_store(
        short_guide(default_guide()),
        LocalStore(root),
        voice,
        RenderSettings(),
        ClipCache(default_cache_dir(os.environ)),
        BuildOptions(jobs=2, captions=True),
    )
    return root


@pytest.fixture(scope="session")
def short_store(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    """A local store (manifest.json + clips) for the whole guide, built once per test run: the
    first pytest-xdist worker that needs it narrates it into the run's shared temporary folder
    while the others wait for it. Read it, never change it."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the run's folder, above each worker's own
    store = shared / "short-store" / "audio"
    with open(shared / "short-store.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (store / "manifest.json").is_file():
            shutil.rmtree(store.parent, ignore_errors=True)  # what an interrupted build left
            store.parent.mkdir()
            build_short_store(store, request.getfixturevalue("offline_voice"))
    return store


@contextmanager
def serving(
    store: Path, database: Path, *, verify: bool = False, simulator: bool = True
) -> Iterator[str]:
    """`create_app` on a free loopback port in a thread; yields the server's address.

    With `verify` and the simulator page, it is the server `make run` starts."""
    from skill.runtime.config import SkillConfig
    from skill.web.webservice import WebConfig, create_app

    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    config = WebConfig(
        simulator=simulator,
        skill=SkillConfig(persistence=f"sqlite:{database}"),
        host="127.0.0.1",
        port=port,
        store_dir=store,
        verify=verify,
    )
    app = create_app(config)
    server = make_server("127.0.0.1", port, app, threaded=True, fd=listener.fileno())
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        listener.close()
