"""Fixtures shared across test packages: moto's server on loopback, S3 buckets, a small guide.

The moto server itself (`moto_endpoint`, session-scoped, 127.0.0.1 on a free port) and fake
credentials (`aws_environment`) come from the `tests.moto_server` plugin, so S3 and DynamoDB tests
share one server. Buckets get unique names, so tests never see each other's objects. The
`tests.simulator_support` plugin brings `short_store`, the narrated store the simulator's tests
play, made once per test run and shared by the workers.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from content import CONTENT_DIR, Guide, load_guide

pytest_plugins = ("tests.moto_server", "tests.simulator_support")

# Three tiny sections: enough for ordering, one changed section and parallel work,
# short enough that real synthesis takes a fraction of a second each.
SMALL_SECTIONS = {
    "01-first-steps.md": ("first-steps", "First Steps", "Take one small step today."),
    "02-quiet-days.md": ("quiet-days", "Quiet Days", "- Rest often\n- Drink water"),
    "03-onward.md": ("onward", "Onward", "You can begin again tomorrow."),
}


@pytest.fixture
def s3_client(moto_s3_client: Any, aws_environment: None) -> Any:
    """The session's S3 client for moto's server (`moto_s3_client`), with fake credentials in
    the environment for the code under test. Shared: add no event handlers to it."""
    return moto_s3_client


@pytest.fixture
def make_bucket(s3_client: Any) -> Callable[[], str]:
    """Creates an empty bucket with a unique name and returns the name."""

    def create() -> str:
        name = f"nocontact-{uuid.uuid4().hex[:16]}"
        s3_client.create_bucket(Bucket=name)
        return name

    return create


@pytest.fixture
def deny_uploads(s3_client: Any) -> Callable[[str, str], None]:
    """Gives a bucket a policy refusing PutObject on keys matching a pattern ("clips/a/*")."""

    def deny(bucket: str, pattern: str) -> None:
        statement = {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:PutObject",
            "Resource": f"arn:aws:s3:::{bucket}/{pattern}",
        }
        policy = {"Version": "2012-10-17", "Statement": [statement]}
        s3_client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))

    return deny


@pytest.fixture(scope="session")
def small_content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A content folder (sections/ and skill.yaml) holding a three-section guide."""
    root = tmp_path_factory.mktemp("content")
    (root / "sections").mkdir()
    for file_name, (section_id, title, body) in SMALL_SECTIONS.items():
        front = {
            "id": section_id,
            "title": title,
            "narrate_title": section_id == "first-steps",
            "topic": title.lower(),
            "synonyms": [f"{title.lower()} please"],
            "follow_ups": [{"question": "Would you like a reflection?", "reflection": True}],
            "reflections": ["What helps you most?"],
        }
        text = f"---\n{yaml.safe_dump(front, sort_keys=False)}---\n{body}\n"
        (root / "sections" / file_name).write_text(text, encoding="utf-8")
    skill = yaml.safe_load((CONTENT_DIR / "skill.yaml").read_text(encoding="utf-8"))
    skill["launch_topics"] = [section_id for section_id, _, _ in SMALL_SECTIONS.values()]
    (root / "skill.yaml").write_text(yaml.safe_dump(skill), encoding="utf-8")
    (root / "phrasings.yaml").write_text(
        (CONTENT_DIR / "phrasings.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    return root


@pytest.fixture(scope="session")
def small_guide(small_content: Path) -> Guide:
    """The three-section guide, loaded through the real loader."""
    return load_guide(small_content)


@pytest.fixture(scope="session")
def edit_section() -> Callable[[Guide, str, str], Guide]:
    """Returns a function giving a copy of a guide with one section's text replaced."""

    def edit(guide: Guide, section_id: str, body: str) -> Guide:
        sections = tuple(
            s.model_copy(update={"body": body}) if s.id == section_id else s
            for s in guide.sections
        )
        return Guide(sections=sections, skill=guide.skill, phrasings=guide.phrasings)

    return edit


@pytest.fixture(scope="session")
def offline_voice() -> Any:
    """The bundled Piper voice, shared so its model loads once per test session."""
    from audio.voices import make_voice

    return make_voice("piper")


@pytest.fixture
def polly_on_loopback(
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Callable[[type[BaseHTTPRequestHandler]], str]]:
    """Serves a stand-in for Amazon Polly on loopback, reached by boto3 through AWS's own
    endpoint variable with fake credentials; returns its URL."""
    servers: list[ThreadingHTTPServer] = []

    def serve(handler: type[BaseHTTPRequestHandler]) -> str:
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        endpoint = f"http://127.0.0.1:{server.server_port}"
        monkeypatch.setenv("AWS_ENDPOINT_URL_POLLY", endpoint)
        monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        return endpoint

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()
