"""Where clips and the manifest live: a local folder or an S3 bucket, behind one small protocol.

Keys are relative to the store's root and use forward slashes (`clips/<section>/<hash>-1.mp3`).
Only this module imports boto3, lazily, through `make_client()`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from audio.errors import StoreError
from audio.files import write_atomically

_DELETE_BATCH = 1000  # S3 DeleteObjects accepts at most 1,000 keys per request.


@dataclass(frozen=True)
class StoredObject:
    """An object in a store: its key relative to the root and its size in bytes."""

    key: str
    size: int


class Store(Protocol):
    """A flat key → bytes store; writes are atomic, so readers never see half an object."""

    def uri(self, key: str = "") -> str:
        """Where a key (or the root) lives, for messages: a path or an s3:// URI."""
        ...

    def put(self, key: str, data: bytes, *, content_type: str, cache_control: str) -> None:
        """Write an object whole, replacing any object with the same key."""
        ...

    def get(self, key: str) -> bytes | None:
        """An object's bytes, or None when there is no such key."""
        ...

    def list(self, prefix: str = "") -> list[StoredObject]:
        """Every object whose key starts with the prefix."""
        ...

    def delete(self, keys: Sequence[str]) -> None:
        """Remove these objects; keys already gone are fine."""
        ...


def parse_store(spec: str, endpoint_url: str | None = None) -> Store:
    """A store from a command-line spec: a folder, or s3://bucket/prefix."""
    if spec.startswith("s3://"):
        bucket, _, prefix = spec.removeprefix("s3://").partition("/")
        if not bucket:
            raise StoreError(f"{spec!r} names no bucket; use s3://bucket or s3://bucket/prefix")
        try:
            client = make_client(endpoint_url)
        except ValueError:  # botocore's "Invalid endpoint"
            raise StoreError(
                f"{endpoint_url!r} is not an endpoint URL; give one such as http://127.0.0.1:9000"
            ) from None
        return S3Store(bucket, prefix, client=client)
    if "://" in spec:
        raise StoreError(f"unsupported store {spec!r}; give a folder or s3://bucket/prefix")
    if endpoint_url is not None:
        raise StoreError(f"an endpoint URL applies only to s3:// stores, not to {spec!r}")
    return LocalStore(Path(spec))


def _checked_key(key: str) -> PurePosixPath:
    path = PurePosixPath(key)
    if not key or path.is_absolute() or ".." in path.parts or key.endswith("/"):
        raise StoreError(f"invalid key {key!r}: use a relative path such as clips/a/b.mp3")
    return path


class LocalStore:
    """A folder on disk. Writes go to a hidden temporary file that is then renamed into place."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"LocalStore({str(self.root)!r})"

    def uri(self, key: str = "") -> str:
        return str(self.root / _checked_key(key)) if key else str(self.root)

    def put(self, key: str, data: bytes, *, content_type: str, cache_control: str) -> None:
        try:
            write_atomically(self.root / _checked_key(key), data)
        except OSError as error:
            reason = _os_reason(error)
            raise StoreError(f"could not write {key} to {self.root}: {reason}") from error

    def get(self, key: str) -> bytes | None:
        try:
            return (self.root / _checked_key(key)).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            reason = _os_reason(error)
            raise StoreError(f"could not read {key} from {self.root}: {reason}") from error

    def list(self, prefix: str = "") -> list[StoredObject]:
        try:
            return sorted(self._walk(prefix), key=lambda stored: stored.key)
        except OSError as error:
            raise StoreError(f"could not list {self.root}: {_os_reason(error)}") from error

    def _walk(self, prefix: str) -> Iterator[StoredObject]:
        # Start from the deepest folder the prefix names, so listing clips/ skips everything else.
        start = self.root.joinpath(*PurePosixPath(prefix).parts[: prefix.count("/")])
        for folder, subfolders, files in os.walk(start):
            subfolders[:] = [name for name in subfolders if not name.startswith(".")]
            for name in files:
                if name.startswith("."):
                    continue  # a write in progress
                path = Path(folder) / name
                key = path.relative_to(self.root).as_posix()
                if key.startswith(prefix):
                    yield StoredObject(key, path.stat().st_size)

    def delete(self, keys: Sequence[str]) -> None:
        for key in keys:
            path = self.root / _checked_key(key)
            try:
                path.unlink(missing_ok=True)
            except OSError as error:
                raise StoreError(
                    f"could not delete {key} from {self.root}: {_os_reason(error)}"
                ) from error
            _remove_empty_folders(path.parent, self.root)


def _remove_empty_folders(folder: Path, root: Path) -> None:
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            return  # not empty, or already gone
        folder = folder.parent


def _os_reason(error: OSError) -> str:
    return error.strerror or str(error)


def make_client(endpoint_url: str | None = None) -> Any:
    """A boto3 S3 client; region and credentials come from the usual AWS configuration."""
    import boto3
    from botocore.config import Config

    config = Config(retries={"mode": "standard", "max_attempts": 5}, max_pool_connections=16)
    return boto3.session.Session().client("s3", endpoint_url=endpoint_url, config=config)


class S3Store:
    """A bucket, optionally under a prefix, reached through an injected boto3 client."""

    def __init__(self, bucket: str, prefix: str = "", *, client: Any) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.client = client

    def __repr__(self) -> str:
        return f"S3Store({self.uri()!r})"

    def uri(self, key: str = "") -> str:
        path = self._full_key(key) if key else self.prefix
        return f"s3://{self.bucket}/{path}" if path else f"s3://{self.bucket}"

    def _full_key(self, key: str) -> str:
        _checked_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def put(self, key: str, data: bytes, *, content_type: str, cache_control: str) -> None:
        with _s3_errors(f"could not upload {key} to {self.uri()}"):
            self.client.put_object(
                Bucket=self.bucket,
                Key=self._full_key(key),
                Body=data,
                ContentType=content_type,
                CacheControl=cache_control,
            )

    def get(self, key: str) -> bytes | None:
        with _s3_errors(f"could not read {key} from {self.uri()}"):
            try:
                response = self.client.get_object(Bucket=self.bucket, Key=self._full_key(key))
            except self.client.exceptions.NoSuchKey:
                return None
            return response["Body"].read()

    def list(self, prefix: str = "") -> list[StoredObject]:
        root = f"{self.prefix}/" if self.prefix else ""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=root + prefix
        )
        with _s3_errors(f"could not list {self.uri()}"):
            return [
                StoredObject(item["Key"].removeprefix(root), item["Size"])
                for page in pages
                for item in page.get("Contents", ())
            ]

    def delete(self, keys: Sequence[str]) -> None:
        for start in range(0, len(keys), _DELETE_BATCH):
            batch = keys[start : start + _DELETE_BATCH]
            with _s3_errors(f"could not delete {batch[0]} from {self.uri()}"):
                response = self.client.delete_objects(
                    Bucket=self.bucket,
                    Delete={"Objects": [{"Key": self._full_key(k)} for k in batch], "Quiet": True},
                )
            for failure in response.get("Errors", ()):
                raise StoreError(
                    f"could not delete {failure['Key']} from s3://{self.bucket}: "
                    f"{failure.get('Code')} ({failure.get('Message')})"
                )


@contextmanager
def _s3_errors(what: str) -> Iterator[None]:
    """Turn botocore's errors into a StoreError that starts with what could not be done."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except ClientError as error:
        details = error.response.get("Error", {})
        code = details.get("Code") or "error"
        message = details.get("Message") or error.response.get("ResponseMetadata", {}).get(
            "HTTPStatusCode", ""
        )
        raise StoreError(f"{what}: {code} ({message})" if message else f"{what}: {code}") from error
    except BotoCoreError as error:
        raise StoreError(f"{what}: {error}") from error
