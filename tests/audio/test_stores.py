"""Stores: a folder (tmp_path) and S3 (moto's server over HTTP) behave the same way."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from audio.errors import StoreError
from audio.stores import LocalStore, S3Store, Store, StoredObject, parse_store

HEADERS = {"content_type": "audio/mpeg", "cache_control": "public, max-age=31536000, immutable"}


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    """An empty store of each kind; the S3 one lives under a prefix in a fresh bucket."""
    if request.param == "local":
        return LocalStore(tmp_path / "store")
    bucket = request.getfixturevalue("make_bucket")()
    return S3Store(bucket, "audio/v1", client=request.getfixturevalue("s3_client"))


def test_an_object_reads_back_exactly_as_written(store: Store) -> None:
    store.put("clips/intro/abc-1.mp3", b"\xff\xf3 mp3 bytes", **HEADERS)
    assert store.get("clips/intro/abc-1.mp3") == b"\xff\xf3 mp3 bytes"


def test_a_missing_object_reads_as_none(store: Store) -> None:
    assert store.get("manifest.json") is None


def test_writing_a_key_again_replaces_the_object(store: Store) -> None:
    store.put("manifest.json", b"old", content_type="application/json", cache_control="no-cache")
    store.put("manifest.json", b"new!", content_type="application/json", cache_control="no-cache")
    assert store.get("manifest.json") == b"new!"
    assert store.list() == [StoredObject("manifest.json", 4)]


def test_listing_gives_keys_relative_to_the_root_with_sizes(store: Store) -> None:
    store.put("clips/b/2.mp3", b"22", **HEADERS)
    store.put("clips/a/1.mp3", b"1", **HEADERS)
    store.put("manifest.json", b"{}", content_type="application/json", cache_control="no-cache")
    assert store.list("clips/") == [
        StoredObject("clips/a/1.mp3", 1),
        StoredObject("clips/b/2.mp3", 2),
    ]
    keys = [item.key for item in store.list()]
    assert keys == ["clips/a/1.mp3", "clips/b/2.mp3", "manifest.json"]


def test_deleting_removes_only_the_named_objects_and_ignores_missing_ones(store: Store) -> None:
    for key in ("clips/a/1.mp3", "clips/a/2.mp3", "clips/b/1.mp3"):
        store.put(key, b"x", **HEADERS)
    store.delete(["clips/a/1.mp3", "clips/b/1.mp3", "clips/never/there.mp3"])
    assert [item.key for item in store.list()] == ["clips/a/2.mp3"]


@pytest.mark.parametrize("key", ["../outside.mp3", "/etc/passwd", "clips/", ""])
def test_keys_that_escape_the_root_are_refused(store: Store, key: str) -> None:
    with pytest.raises(StoreError, match="invalid key"):
        store.put(key, b"x", **HEADERS)


def test_local_writes_leave_no_temporary_files(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    store.put("clips/a/1.mp3", b"abc", **HEADERS)
    assert sorted(p.name for p in (tmp_path / "clips" / "a").iterdir()) == ["1.mp3"]


def test_local_listing_ignores_a_write_in_progress(tmp_path: Path) -> None:
    store = LocalStore(tmp_path)
    store.put("clips/a/1.mp3", b"abc", **HEADERS)
    (tmp_path / "clips" / "a" / ".1.mp3.tmp").write_bytes(b"half")
    assert store.list() == [StoredObject("clips/a/1.mp3", 3)]


def test_local_delete_removes_folders_left_empty(tmp_path: Path) -> None:
    store = LocalStore(tmp_path / "store")
    store.put("clips/a/1.mp3", b"abc", **HEADERS)
    store.put("manifest.json", b"{}", **HEADERS)
    store.delete(["clips/a/1.mp3"])
    assert sorted(p.name for p in (tmp_path / "store").iterdir()) == ["manifest.json"]


def test_local_write_failure_names_the_key_and_the_folder(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("a file where the store's folder should be")
    store = LocalStore(tmp_path / "taken")
    with pytest.raises(StoreError, match=r"could not write clips/a/1\.mp3 to .*taken"):
        store.put("clips/a/1.mp3", b"abc", **HEADERS)


def test_s3_uploads_carry_the_content_type_and_cache_control(
    s3_client: Any, make_bucket: Callable[[], str]
) -> None:
    bucket = make_bucket()
    store = S3Store(bucket, "site/audio", client=s3_client)
    store.put("clips/a/1.mp3", b"abc", **HEADERS)
    head = s3_client.head_object(Bucket=bucket, Key="site/audio/clips/a/1.mp3")
    assert head["ContentType"] == "audio/mpeg"
    assert head["CacheControl"] == "public, max-age=31536000, immutable"


def test_s3_store_sees_only_objects_under_its_prefix(
    s3_client: Any, make_bucket: Callable[[], str]
) -> None:
    bucket = make_bucket()
    s3_client.put_object(Bucket=bucket, Key="other/clips/x.mp3", Body=b"x")
    s3_client.put_object(Bucket=bucket, Key="audio-old/clips/y.mp3", Body=b"y")
    store = S3Store(bucket, "/audio/", client=s3_client)
    store.put("clips/a.mp3", b"a", **HEADERS)
    assert store.list() == [StoredObject("clips/a.mp3", 1)]
    assert store.uri("clips/a.mp3") == f"s3://{bucket}/audio/clips/a.mp3"


def test_s3_errors_say_what_failed_and_where(s3_client: Any) -> None:
    store = S3Store("no-such-bucket-here", "audio", client=s3_client)
    with pytest.raises(StoreError) as raised:
        store.put("clips/a/1.mp3", b"abc", **HEADERS)
    assert str(raised.value).startswith(
        "could not upload clips/a/1.mp3 to s3://no-such-bucket-here/audio: NoSuchBucket"
    )


def test_s3_access_denied_by_bucket_policy_is_a_store_error(
    s3_client: Any, make_bucket: Callable[[], str], deny_uploads: Callable[[str, str], None]
) -> None:
    bucket = make_bucket()
    deny_uploads(bucket, "clips/*")
    store = S3Store(bucket, client=s3_client)
    with pytest.raises(StoreError, match=rf"could not upload clips/a\.mp3 to s3://{bucket}: "):
        store.put("clips/a.mp3", b"a", **HEADERS)


def test_parse_store_reads_a_folder_or_an_s3_uri(tmp_path: Path, aws_environment: None) -> None:
    local = parse_store(str(tmp_path / "audio"))
    assert isinstance(local, LocalStore) and local.root == tmp_path / "audio"
    remote = parse_store("s3://my-bucket/skill/audio/", endpoint_url="http://127.0.0.1:9")
    assert isinstance(remote, S3Store)
    assert (remote.bucket, remote.prefix) == ("my-bucket", "skill/audio")
    assert remote.client.meta.endpoint_url == "http://127.0.0.1:9"
    assert parse_store("s3://my-bucket").uri() == "s3://my-bucket"


@pytest.mark.parametrize(
    ("spec", "endpoint", "complaint"),
    [
        ("s3://", None, "names no bucket"),
        ("gs://bucket/audio", None, "unsupported store"),
        ("audio", "http://127.0.0.1:9", "applies only to s3:// stores"),
    ],
)
def test_parse_store_explains_a_spec_it_cannot_use(
    spec: str, endpoint: str | None, complaint: str
) -> None:
    with pytest.raises(StoreError, match=complaint):
        parse_store(spec, endpoint_url=endpoint)


@pytest.mark.parametrize("endpoint", ["notaurl", "http://"])
def test_an_endpoint_that_is_not_a_url_is_explained(endpoint: str, aws_environment: None) -> None:
    with pytest.raises(StoreError, match=f"'{endpoint}' is not an endpoint URL; give one such as"):
        parse_store("s3://bucket/audio", endpoint_url=endpoint)
