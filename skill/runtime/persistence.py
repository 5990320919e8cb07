"""Where a listener's place in the guide is kept between visits: SQLite here, DynamoDB on Lambda.

Both are ask-sdk persistence adapters keyed by a SHA-256 hash of the Alexa user id, and both
keep only a `ResumePoint`: the clip's token, the offset and the token already queued after it.
Nothing a person says is ever stored; reading it back is left to the one reader of the place
(skill.runtime.handlers.listener). Every call fits in the request's time budget, and one
that fails is tried once more when a second attempt fits too (skill.runtime.budget); a write
that still fails changes nothing stored. boto3 and the DynamoDB adapter are imported only
when a DynamoDB table is configured.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException

from skill.runtime import SkillError
from skill.runtime.budget import BACKEND_TIMEOUT_SECONDS, attempt, attempt_seconds, botocore_config
from skill.runtime.playback import ResumePoint

if TYPE_CHECKING:
    from ask_sdk_model import RequestEnvelope

logger = logging.getLogger(__name__)


class PersistenceSettingError(SkillError):
    """NOCONTACT_PERSISTENCE names no store this skill knows."""


def listener_key(request_envelope: RequestEnvelope) -> str:
    """The partition key for a listener: SHA-256 of the Alexa user id, never the id itself."""
    try:
        user_id = request_envelope.context.system.user.user_id
    except AttributeError:
        user_id = None
    if not user_id:
        raise PersistenceException("the request carries no user id to key a listening position")
    return hashlib.sha256(user_id.encode("utf-8")).hexdigest()


class ResumeOnlyAdapter(AbstractPersistenceAdapter):
    """Wraps another adapter so that only a valid `ResumePoint` ever reaches storage."""

    def __init__(self, inner: AbstractPersistenceAdapter) -> None:
        self.inner = inner

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        return self.inner.get_attributes(request_envelope)

    def save_attributes(self, request_envelope: RequestEnvelope, attributes: dict) -> None:
        point = ResumePoint.from_attributes(attributes)
        if point is None:
            self.inner.delete_attributes(request_envelope)
        else:
            self.inner.save_attributes(request_envelope, point.to_attributes())

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        self.inner.delete_attributes(request_envelope)


class BudgetedAdapter(AbstractPersistenceAdapter):
    """Wraps another adapter so that each call fits in the request's time budget: made only
    when an attempt (`attempt_seconds`) fits, and made once more after a failure when a
    second one fits too; otherwise PersistenceException. A put or delete that failed has
    changed nothing, so what is stored stays as it was."""

    def __init__(self, inner: AbstractPersistenceAdapter, attempt_seconds: float) -> None:
        self.inner = inner
        self.attempt_seconds = attempt_seconds

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        return self._attempt(lambda: self.inner.get_attributes(request_envelope))

    def save_attributes(self, request_envelope: RequestEnvelope, attributes: dict) -> None:
        self._attempt(lambda: self.inner.save_attributes(request_envelope, attributes))

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        self._attempt(lambda: self.inner.delete_attributes(request_envelope))

    def _attempt(self, call: Any) -> Any:
        return attempt(call, self.attempt_seconds, PersistenceException)


class SqliteAdapter(AbstractPersistenceAdapter):
    """Persistent attributes as JSON in one SQLite table, for the local server and tests."""

    def __init__(self, path: Path, timeout_seconds: float = BACKEND_TIMEOUT_SECONDS) -> None:
        self.path = Path(path)
        # How long a call waits for another connection's lock before it fails.
        self.timeout_seconds = timeout_seconds
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise PersistenceException(f"cannot create {self.path.parent}: {error}") from None
        with self._connection() as connection:
            connection.execute(
                "CREATE TABLE IF NOT EXISTS listeners "
                "(id TEXT PRIMARY KEY, attributes TEXT NOT NULL)"
            )

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        """The stored attributes; a record that is not a JSON object reads as none."""
        key = listener_key(request_envelope)
        with self._connection() as connection:
            row = connection.execute(
                "SELECT attributes FROM listeners WHERE id = ?", (key,)
            ).fetchone()
        if row is None:
            return {}
        try:
            attributes = json.loads(row[0])
        except (TypeError, ValueError) as error:
            logger.warning("Ignoring an unreadable listening record: %s", type(error).__name__)
            return {}
        return attributes if isinstance(attributes, dict) else {}

    def save_attributes(self, request_envelope: RequestEnvelope, attributes: dict) -> None:
        key = listener_key(request_envelope)
        with self._connection() as connection:
            connection.execute(
                "INSERT INTO listeners (id, attributes) VALUES (?, ?) "
                "ON CONFLICT(id) DO UPDATE SET attributes = excluded.attributes",
                (key, json.dumps(attributes, sort_keys=True)),
            )

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        key = listener_key(request_envelope)
        with self._connection() as connection:
            connection.execute("DELETE FROM listeners WHERE id = ?", (key,))

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """One short-lived connection per call: safe across the web server's threads.

        Deleted records are overwritten on disk (secure_delete), so "forget me" leaves no
        copy in free pages, whatever SQLite's build defaults to.
        """
        try:
            connection = sqlite3.connect(self.path, timeout=self.timeout_seconds)
        except sqlite3.Error as error:
            raise PersistenceException(f"cannot open {self.path}: {error}") from None
        try:
            connection.execute("PRAGMA secure_delete = ON")
            with connection:
                yield connection
        except sqlite3.Error as error:
            raise PersistenceException(f"{self.path}: {error}") from None
        finally:
            connection.close()


def make_dynamodb_resource(
    endpoint_url: str | None = None, timeout_seconds: float = BACKEND_TIMEOUT_SECONDS
) -> Any:
    """A boto3 DynamoDB resource whose calls fit a request's budget (botocore_config);
    boto3 is imported only when DynamoDB is used. NoRegionError without an AWS region."""
    import boto3

    config = botocore_config(timeout_seconds)
    return boto3.resource("dynamodb", endpoint_url=endpoint_url, config=config)


def dynamodb_adapter(
    table_name: str,
    dynamodb_resource: Any = None,
    timeout_seconds: float = BACKEND_TIMEOUT_SECONDS,
) -> AbstractPersistenceAdapter:
    """ask-sdk's DynamoDB adapter on an existing table (partition key `id`), keyed by hash.

    Pass a DynamoDB resource to choose the endpoint (tests use moto's server, made by
    `make_dynamodb_resource`); the default is made here, so that boto3 loads only when
    DynamoDB is in use.
    """
    from botocore.exceptions import NoRegionError

    try:
        # Importing the adapter builds a default boto3 resource, which needs a region.
        from ask_sdk_dynamodb.adapter import DynamoDbAdapter

        resource = dynamodb_resource or make_dynamodb_resource(timeout_seconds=timeout_seconds)
    except NoRegionError:
        raise PersistenceSettingError(
            f"NOCONTACT_PERSISTENCE names the DynamoDB table {table_name!r} but no AWS region "
            "is set; set AWS_REGION (Lambda sets it) or use sqlite:<path> locally"
        ) from None
    return DynamoDbAdapter(
        table_name=table_name, partition_keygen=listener_key, dynamodb_resource=resource
    )


def persistence_adapter(
    setting: str | None,
    dynamodb_resource: Any = None,
    timeout_seconds: float = BACKEND_TIMEOUT_SECONDS,
) -> AbstractPersistenceAdapter | None:
    """The adapter NOCONTACT_PERSISTENCE names: `sqlite:<path>`, `dynamodb:<table>` or none.

    Each call times out after `timeout_seconds` to connect and as long again to answer.
    """
    if not setting:
        return None
    scheme, _, target = setting.partition(":")
    if scheme == "sqlite" and target:
        store: AbstractPersistenceAdapter = SqliteAdapter(Path(target), timeout_seconds)
    elif scheme == "dynamodb" and target:
        store = dynamodb_adapter(target, dynamodb_resource, timeout_seconds)
    else:
        raise PersistenceSettingError(
            f"NOCONTACT_PERSISTENCE is {setting!r}; set it to sqlite:<path> or dynamodb:<table>, "
            "or leave it unset"
        )
    return BudgetedAdapter(ResumeOnlyAdapter(store), attempt_seconds(timeout_seconds))
