"""The skill's manifest from a file or from S3 (moto's server on loopback); its last good copy."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from audio.manifest import Manifest, Part, SectionEntry, clip_key, parse_manifest
from skill.runtime.budget import within
from skill.runtime.manifest_source import (
    RETRY_SECONDS,
    ManifestSource,
    ManifestUnavailableError,
    S3Location,
    make_s3_client,
)
from tests.skill.conftest import Clock

KEY = "manifest.json"


def sample_manifest(voice: str = "piper:en_US-joe-medium") -> Manifest:
    """A valid one-section manifest; a different voice makes a different manifest."""
    fingerprint = hashlib.sha256(voice.encode()).hexdigest()
    sha256 = hashlib.sha256(b"clip").hexdigest()
    part = Part(
        key=clip_key("introduction", sha256, 1),
        sha256=sha256,
        bytes=1234,
        duration=12.5,
    )
    section = SectionEntry(
        id="introduction", title="Introduction", fingerprint=fingerprint, parts=(part,)
    )
    return Manifest(voice=voice, render="48k-24000-mono", sections=(section,))


@pytest.fixture
def bucket(make_bucket: Callable[[], str], s3_client: Any) -> str:
    """A bucket with a published manifest."""
    name = make_bucket()
    s3_client.put_object(Bucket=name, Key=KEY, Body=sample_manifest().to_json())
    return name


@pytest.fixture
def client(moto_endpoint: str, aws_environment: None) -> Any:
    """The skill's own S3 client factory, pointed at moto's server."""
    return make_s3_client(moto_endpoint)


def test_cold_start_reads_the_manifest_from_s3(bucket: str, client: Any) -> None:
    source = ManifestSource(f"s3://{bucket}/{KEY}", parse_manifest, s3_client=client)

    assert source.current() == sample_manifest()


def test_keeps_playing_from_the_cached_copy_when_the_manifest_disappears_from_s3(
    bucket: str, client: Any, s3_client: Any
) -> None:
    clock = Clock()
    source = ManifestSource(
        f"s3://{bucket}/{KEY}", parse_manifest, s3_client=client, clock=clock
    )
    source.current()
    s3_client.delete_object(Bucket=bucket, Key=KEY)
    clock.now += 3600

    assert source.current() == sample_manifest()


def test_keeps_playing_from_the_cached_copy_when_s3_stops_answering(
    aws_environment: None,
) -> None:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    client = make_s3_client(f"http://{host}:{port}")
    client.create_bucket(Bucket="audio")
    client.put_object(Bucket="audio", Key=KEY, Body=sample_manifest().to_json())
    clock = Clock()
    source = ManifestSource(
        f"s3://audio/{KEY}", parse_manifest, s3_client=client, clock=clock
    )
    source.current()
    server.stop()
    clock.now += 3600

    assert source.current() == sample_manifest()


def test_a_new_audio_build_reaches_a_warm_function_after_the_refresh_interval(
    bucket: str, client: Any, s3_client: Any
) -> None:
    clock = Clock()
    source = ManifestSource(
        f"s3://{bucket}/{KEY}", parse_manifest, s3_client=client, refresh_seconds=300, clock=clock
    )
    source.current()
    rebuilt = sample_manifest(voice="gtts:en")
    s3_client.put_object(Bucket=bucket, Key=KEY, Body=rebuilt.to_json())

    clock.now += 299
    assert source.current() == sample_manifest()
    clock.now += 1
    assert source.current() == rebuilt


def test_a_broken_manifest_published_later_is_ignored(
    bucket: str, client: Any, s3_client: Any
) -> None:
    clock = Clock()
    source = ManifestSource(
        f"s3://{bucket}/{KEY}", parse_manifest, s3_client=client, clock=clock
    )
    source.current()
    s3_client.put_object(Bucket=bucket, Key=KEY, Body=b'{"schema_version": 1, "sections": 3}')
    clock.now += 3600

    assert source.current() == sample_manifest()


def test_cold_start_without_a_published_manifest_says_how_to_publish_one(
    make_bucket: Callable[[], str], client: Any
) -> None:
    empty = make_bucket()
    source = ManifestSource(f"s3://{empty}/{KEY}", parse_manifest, s3_client=client)

    with pytest.raises(ManifestUnavailableError, match=f"nocontact build --store s3://{empty}"):
        source.current()


def test_a_failed_cold_start_is_retried_soon_but_not_on_every_request(
    make_bucket: Callable[[], str], client: Any, s3_client: Any
) -> None:
    name = make_bucket()
    clock = Clock()
    source = ManifestSource(
        f"s3://{name}/{KEY}", parse_manifest, s3_client=client, clock=clock
    )
    with pytest.raises(ManifestUnavailableError):
        source.current()
    s3_client.put_object(Bucket=name, Key=KEY, Body=sample_manifest().to_json())

    clock.now += RETRY_SECONDS - 1
    with pytest.raises(ManifestUnavailableError, match="NoSuchKey"):
        source.current()
    clock.now += 1
    assert source.current() == sample_manifest()


def test_a_broken_manifest_at_cold_start_names_the_problem(
    make_bucket: Callable[[], str], client: Any, s3_client: Any
) -> None:
    name = make_bucket()
    s3_client.put_object(Bucket=name, Key=KEY, Body=b'{"schema_version": 1}')
    source = ManifestSource(f"s3://{name}/{KEY}", parse_manifest, s3_client=client)

    with pytest.raises(ManifestUnavailableError, match=r"not a usable manifest: .*sections"):
        source.current()


def test_reads_a_local_manifest_and_keeps_it_when_the_file_goes_away(tmp_path: Path) -> None:
    path = tmp_path / KEY
    path.write_bytes(sample_manifest().to_json())
    clock = Clock()
    source = ManifestSource(str(path), parse_manifest, clock=clock)
    assert source.current() == sample_manifest()

    path.unlink()
    clock.now += 3600

    assert source.current() == sample_manifest()


def test_a_missing_local_manifest_says_to_build_the_audio(tmp_path: Path) -> None:
    source = ManifestSource(str(tmp_path / KEY), parse_manifest)

    with pytest.raises(ManifestUnavailableError, match="nocontact build"):
        source.current()


@pytest.mark.parametrize(
    ("url", "bucket", "key"),
    [
        ("s3://audio/manifest.json", "audio", "manifest.json"),
        ("s3://my.bucket/prod/manifest.json", "my.bucket", "prod/manifest.json"),
    ],
)
def test_s3_urls_split_into_bucket_and_key(url: str, bucket: str, key: str) -> None:
    assert S3Location.parse(url) == S3Location(bucket, key)
    assert str(S3Location.parse(url)) == url


@pytest.mark.parametrize("url", ["s3://", "s3://audio", "s3://audio/", "s3:///manifest.json"])
def test_s3_urls_without_a_bucket_or_key_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match=r"s3://<bucket>/manifest\.json"):
        S3Location.parse(url)


def test_a_refresh_that_does_not_fit_the_requests_budget_waits_for_one_with_room(
    bucket: str, client: Any, s3_client: Any
) -> None:
    clock = Clock()
    source = ManifestSource(
        f"s3://{bucket}/{KEY}", parse_manifest, s3_client=client, refresh_seconds=300, clock=clock
    )
    source.current()
    rebuilt = sample_manifest(voice="gtts:en")
    s3_client.put_object(Bucket=bucket, Key=KEY, Body=rebuilt.to_json())
    clock.now += 300

    with within(0.0):
        assert source.current() == sample_manifest()
    assert source.current() == rebuilt


def test_s3_calls_are_one_attempt_each_with_the_configured_timeouts(
    aws_environment: None,
) -> None:
    config = make_s3_client(timeout_seconds=0.3).meta.config
    assert config.retries["total_max_attempts"] == 1
    assert (config.connect_timeout, config.read_timeout) == (0.3, 0.3)


def test_a_first_read_without_time_for_it_is_left_to_the_next_request(
    bucket: str, client: Any
) -> None:
    source = ManifestSource(f"s3://{bucket}/{KEY}", parse_manifest, s3_client=client, clock=Clock())

    with within(0.0), pytest.raises(ManifestUnavailableError, match="no time left"):
        source.current()
    assert source.current() == sample_manifest()
