"""Keeping a listener's place: SQLite on a temp file, DynamoDB on moto's server, forget-me."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from skill.runtime.budget import within
from skill.runtime.persistence import (
    PersistenceSettingError,
    SqliteAdapter,
    listener_key,
    persistence_adapter,
)
from skill.runtime.playback import ResumePoint

ALICE = "amzn1.ask.account.ALICE-" + "A" * 40
BOB = "amzn1.ask.account.BOB-" + "B" * 40
POINT = {"token": "holidays:1:0123456789abcdef", "offset_ms": 81_250, "enqueued": ""}


def envelope(user_id: str | None) -> RequestEnvelope:
    """A real-shaped request envelope from this listener."""
    system: dict[str, Any] = {"application": {"applicationId": "amzn1.ask.skill.test"}}
    if user_id is not None:
        system["user"] = {"userId": user_id}
    event = {
        "version": "1.0",
        "context": {"System": system},
        "request": {
            "type": "LaunchRequest",
            "requestId": "amzn1.echo-api.request.1",
            "timestamp": "2025-01-06T20:15:00Z",
            "locale": "en-US",
        },
    }
    return DefaultSerializer().deserialize(json.dumps(event), RequestEnvelope)


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "state" / "listening.sqlite3"


def test_sqlite_keeps_a_listening_position_across_restarts(database: Path) -> None:
    persistence_adapter(f"sqlite:{database}").save_attributes(envelope(ALICE), POINT)
    reopened = persistence_adapter(f"sqlite:{database}")
    assert reopened.get_attributes(envelope(ALICE)) == POINT


def test_sqlite_keeps_listeners_apart(database: Path) -> None:
    adapter = persistence_adapter(f"sqlite:{database}")
    adapter.save_attributes(envelope(ALICE), POINT)
    assert adapter.get_attributes(envelope(BOB)) == {}


def test_sqlite_file_holds_a_hash_of_the_user_id_never_the_id(database: Path) -> None:
    persistence_adapter(f"sqlite:{database}").save_attributes(envelope(ALICE), POINT)
    with sqlite3.connect(database) as connection:
        keys = [row[0] for row in connection.execute("SELECT id FROM listeners")]
    assert keys == [sha(ALICE)]
    assert b"ALICE" not in database.read_bytes()


def test_only_what_resuming_needs_is_stored(database: Path) -> None:
    adapter = persistence_adapter(f"sqlite:{database}")
    adapter.save_attributes(envelope(ALICE), {**POINT, "last_words": "I feel awful today"})
    assert b"awful" not in database.read_bytes()
    assert set(SqliteAdapter(database).get_attributes(envelope(ALICE))) == set(POINT)


def test_saving_nothing_to_resume_removes_the_record(database: Path) -> None:
    adapter = persistence_adapter(f"sqlite:{database}")
    adapter.save_attributes(envelope(ALICE), POINT)
    adapter.save_attributes(envelope(ALICE), {})
    assert SqliteAdapter(database).get_attributes(envelope(ALICE)) == {}


def test_nothing_but_a_resume_point_is_ever_written(database: Path) -> None:
    adapter = persistence_adapter(f"sqlite:{database}")
    adapter.save_attributes(envelope(ALICE), POINT)
    adapter.save_attributes(envelope(ALICE), {"section": "holidays", "note": "I feel awful"})
    assert SqliteAdapter(database).get_attributes(envelope(ALICE)) == {}
    assert b"awful" not in database.read_bytes()


@pytest.mark.parametrize("stored", ["{not json", "[1, 2]", '"holidays"', "null"])
def test_a_corrupt_sqlite_record_reads_as_no_position(database: Path, stored: str) -> None:
    adapter = persistence_adapter(f"sqlite:{database}")
    with sqlite3.connect(database) as connection:
        connection.execute("INSERT INTO listeners VALUES (?, ?)", (sha(ALICE), stored))
    assert adapter.get_attributes(envelope(ALICE)) == {}


def test_a_record_from_an_earlier_version_still_resumes() -> None:
    earlier = {**POINT, "section": "holidays", "saved_at": "2025-01-06T20:15:00Z"}
    assert ResumePoint.from_attributes(earlier) == ResumePoint.from_attributes(POINT)
    assert ResumePoint.from_attributes(earlier) is not None


def test_forgetting_leaves_no_copy_in_the_sqlite_file(
    database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    connect = sqlite3.connect

    def connect_as_a_build_without_secure_delete(*args: Any, **kwargs: Any) -> Any:
        connection = connect(*args, **kwargs)
        connection.execute("PRAGMA secure_delete = OFF")
        return connection

    monkeypatch.setattr(sqlite3, "connect", connect_as_a_build_without_secure_delete)
    adapter = persistence_adapter(f"sqlite:{database}")
    adapter.save_attributes(envelope(ALICE), POINT)
    adapter.delete_attributes(envelope(ALICE))
    assert b"holidays:1:0123456789abcdef" not in database.read_bytes()


def test_forget_me_deletes_the_sqlite_record(database: Path) -> None:
    adapter = persistence_adapter(f"sqlite:{database}")
    adapter.save_attributes(envelope(ALICE), POINT)
    adapter.save_attributes(envelope(BOB), POINT)
    adapter.delete_attributes(envelope(ALICE))
    assert adapter.get_attributes(envelope(ALICE)) == {}
    assert adapter.get_attributes(envelope(BOB)) == POINT


def test_no_call_is_made_when_no_attempt_fits_and_the_stored_place_stays(database: Path) -> None:
    adapter = persistence_adapter(f"sqlite:{database}")
    adapter.save_attributes(envelope(ALICE), POINT)
    with within(0.0), pytest.raises(PersistenceException, match="not tried"):
        adapter.save_attributes(envelope(ALICE), {**POINT, "offset_ms": 0})
    assert adapter.get_attributes(envelope(ALICE)) == POINT


def test_a_write_to_a_locked_database_fails_and_keeps_the_stored_place(database: Path) -> None:
    adapter = persistence_adapter(f"sqlite:{database}", timeout_seconds=0.05)
    adapter.save_attributes(envelope(ALICE), POINT)
    holder = sqlite3.connect(database)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(PersistenceException, match="locked"):
            adapter.save_attributes(envelope(ALICE), {**POINT, "offset_ms": 0})
    finally:
        holder.rollback()
        holder.close()
    assert adapter.get_attributes(envelope(ALICE)) == POINT


def test_a_request_without_a_user_id_cannot_be_stored(database: Path) -> None:
    with pytest.raises(PersistenceException, match="no user id"):
        listener_key(envelope(None))


def test_an_unreadable_database_raises_a_persistence_error(tmp_path: Path) -> None:
    (tmp_path / "not-a-db").write_text("this is not SQLite" * 100)
    with pytest.raises(PersistenceException):
        SqliteAdapter(tmp_path / "not-a-db")


@pytest.mark.parametrize("setting", ["", None])
def test_no_setting_means_no_persistence(setting: str | None) -> None:
    assert persistence_adapter(setting) is None


@pytest.mark.parametrize("setting", ["redis:localhost", "sqlite:", "dynamodb", "listening.db"])
def test_an_unknown_setting_says_what_to_write_instead(setting: str) -> None:
    with pytest.raises(PersistenceSettingError, match=r"sqlite:<path> or dynamodb:<table>"):
        persistence_adapter(setting)


def test_resume_point_reads_dynamodb_numbers() -> None:
    point = ResumePoint.from_attributes({**POINT, "offset_ms": Decimal("81250")})
    assert point.offset_ms == 81_250


@pytest.mark.parametrize(
    "change",
    [{"offset_ms": -1}, {"offset_ms": Decimal("1.5")}, {"offset_ms": Decimal("NaN")},
     {"offset_ms": True}, {"offset_ms": "81250"}, {"token": ""}, {"token": "x" * 1025},
     {"token": "another-skills-stream"}, {"token": None}, {"enqueued": 7},
     {"enqueued": "not ours"}],
)
def test_a_resume_point_that_does_not_fit_is_ignored(change: dict[str, Any]) -> None:
    assert ResumePoint.from_attributes({**POINT, **change}) is None


@pytest.mark.parametrize("stored", [None, "garbage", [1], 7, {}])
def test_stored_attributes_that_are_not_a_record_hold_no_resume_point(stored: object) -> None:
    assert ResumePoint.from_attributes(stored) is None


def test_sqlite_persistence_does_not_load_boto3(database: Path) -> None:
    code = (
        "import sys; from skill.runtime.persistence import persistence_adapter; "
        f"persistence_adapter('sqlite:{database}'); "
        "sys.exit(1 if 'boto3' in sys.modules else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


@pytest.fixture
def dynamodb(moto_endpoint: str, aws_environment: None) -> Any:
    """A DynamoDB resource on moto's server."""
    import boto3

    return boto3.resource("dynamodb", endpoint_url=moto_endpoint)


@pytest.fixture
def table(dynamodb: Any) -> Any:
    """A fresh table shaped like the one in infra/template.yaml."""
    created = dynamodb.create_table(
        TableName=f"listening-{uuid.uuid4().hex[:8]}",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    created.wait_until_exists()
    return created


def test_dynamodb_keeps_a_listening_position(dynamodb: Any, table: Any) -> None:
    adapter = persistence_adapter(f"dynamodb:{table.name}", dynamodb)
    adapter.save_attributes(envelope(ALICE), POINT)
    assert adapter.get_attributes(envelope(ALICE)) == POINT
    assert adapter.get_attributes(envelope(BOB)) == {}


def test_dynamodb_item_is_keyed_by_hash_and_holds_only_the_position(
    dynamodb: Any, table: Any
) -> None:
    adapter = persistence_adapter(f"dynamodb:{table.name}", dynamodb)
    adapter.save_attributes(envelope(ALICE), {**POINT, "mood": "low"})
    items = table.scan()["Items"]
    assert [item["id"] for item in items] == [sha(ALICE)]
    assert set(items[0]["attributes"]) == set(POINT)
    assert "ALICE" not in json.dumps(items, default=str)


def test_forget_me_deletes_the_dynamodb_item(dynamodb: Any, table: Any) -> None:
    adapter = persistence_adapter(f"dynamodb:{table.name}", dynamodb)
    adapter.save_attributes(envelope(ALICE), POINT)
    adapter.delete_attributes(envelope(ALICE))
    assert table.scan()["Items"] == []


def test_a_missing_dynamodb_table_raises_a_persistence_error(dynamodb: Any) -> None:
    adapter = persistence_adapter("dynamodb:no-such-table", dynamodb)
    with pytest.raises(PersistenceException):
        adapter.get_attributes(envelope(ALICE))


def test_dynamodb_calls_are_one_attempt_each_that_the_budget_accounts_for(
    aws_environment: None,
) -> None:
    adapter = persistence_adapter("dynamodb:listening", timeout_seconds=0.3)
    config = adapter.inner.inner.dynamodb.meta.client.meta.config
    assert config.retries["total_max_attempts"] == 1
    assert (config.connect_timeout, config.read_timeout) == (0.3, 0.3)
    assert adapter.attempt_seconds == config.connect_timeout + config.read_timeout


def test_dynamodb_without_an_aws_region_says_how_to_set_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    with pytest.raises(PersistenceSettingError, match="AWS_REGION"):
        persistence_adapter("dynamodb:listening")
