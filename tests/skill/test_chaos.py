"""Chaos: DynamoDB and S3 failing behind a loopback fault proxy in front of moto's server.

Each fault AWS can show (a refused connection, a hang, throttling, a 500, every other request
throttled, writes alone throttled) is put between the skill and its stores, and requests go
in as the Lambda receives them (the front door). What must hold: help comes first and asks
no backend; a place is never lost or overwritten by one the listener did not choose; a
request tries a store at most twice, within its time budget. Budgets here are short (the
same behaviour, a fraction of the wait); bench/reliability.py measures the real ones.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

import pytest

from skill.runtime import intents
from skill.runtime.builder import build_skill
from skill.runtime.config import SkillConfig
from skill.runtime.front_door import FrontDoor
from skill.runtime.guidebook import load_guidebook
from skill.runtime.manifest_source import make_s3_client
from skill.runtime.persistence import make_dynamodb_resource, persistence_adapter
from tests.fault_proxy import FAULTS, FaultProxy
from tests.skill.conftest import AUDIO_BASE_URL, MANIFEST, Device, Said, topic_slot
from tests.skill.runtime.handlers.test_listening import Echo, directives, played, token

GUIDEBOOK = load_guidebook()
WORDS = GUIDEBOOK.words
TIMEOUT = 0.2
# The cold start's deadline leaves room for botocore's first call, which loads its rules.
BUDGET = {"request_budget_seconds": 1.0, "backend_timeout_seconds": TIMEOUT,
          "cold_start_seconds": 2.0}
# An answer may take the budget and the skill's own work, never a budget more.
LATEST = BUDGET["request_budget_seconds"] * 2
# Faults that fail every request (throttle-half lets a retry through).
FAILING = tuple(fault for fault in FAULTS if fault != "throttle-half")
READS, WRITES = ("GetItem",), ("PutItem", "DeleteItem")
PLACE = (token("healing", 5), 41_000)


def faults(kinds: Sequence[str], *only: tuple[str, ...]) -> Any:
    """Each fault on every operation, and on only these ones (a refused port refuses all)."""
    return pytest.mark.parametrize(
        ("fault", "operations"),
        [(kind, ops) for kind in kinds for ops in ((), *only) if not (kind == "refuse" and ops)],
        ids=lambda value: "+".join(value) if isinstance(value, tuple) else value,
    )


@pytest.fixture
def proxy(moto_endpoint: str) -> Iterator[FaultProxy]:
    proxy = FaultProxy(moto_endpoint)
    yield proxy
    proxy.close()


@pytest.fixture
def table(moto_endpoint: str, aws_environment: None) -> str:
    """A fresh listening table shaped like infra/template.yaml's, made on moto directly."""
    import boto3

    created = boto3.resource("dynamodb", endpoint_url=moto_endpoint).create_table(
        TableName=f"listening-{uuid.uuid4().hex[:8]}",
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return created.name


@pytest.fixture
def door(proxy: FaultProxy, table: str) -> FrontDoor:
    """The skill with its places in DynamoDB behind the proxy, as the Lambda runs it."""
    resource = make_dynamodb_resource(proxy.url, TIMEOUT)
    adapter = persistence_adapter(f"dynamodb:{table}", resource, TIMEOUT)
    config = SkillConfig(manifest=str(MANIFEST), audio_base_url=AUDIO_BASE_URL, **BUDGET)
    return FrontDoor(build_skill(config, adapter), GUIDEBOOK)


class Timed(Echo):
    """An Echo that checks every answer arrives in time, each operation tried at most twice."""

    proxy: FaultProxy

    def _send(self, envelope: dict[str, Any]) -> Said:
        before, started = self.proxy.requests, time.monotonic()
        said = super()._send(envelope)
        assert time.monotonic() - started < LATEST
        tried = Counter(self.proxy.seen[before:])
        assert max(tried.values(), default=0) <= 2, tried
        return said


@pytest.fixture
def echo(door: FrontDoor, proxy: FaultProxy) -> Timed:
    echo = Timed(door.answer)
    echo.proxy = proxy
    return echo


def fresh(echo: Timed, device: Device | None = None) -> Timed:
    """Another visit: a new session on a device with nothing loaded in its player."""
    other = Timed(echo.handler, device or Device())
    other.proxy = echo.proxy
    return other


def resumed_at(echo: Timed) -> tuple[str, int]:
    stream = played(fresh(echo).say(intents.CONTINUE_LISTENING))
    return stream["token"], stream["offsetInMilliseconds"]


def unreachable(said: Said) -> bool:
    """Whether the answer says the place cannot be reached and offers what to do instead."""
    return said.text.startswith(WORDS.place_unreachable) and not said.ends and not any(
        d["type"] == "AudioPlayer.Play" for d in directives(said)
    )


@pytest.mark.parametrize("fault", FAULTS)
def test_help_comes_first_and_asks_no_backend(echo: Timed, proxy: FaultProxy, fault: str) -> None:
    proxy.fail(fault)
    before = proxy.requests
    for said in (echo.say(intents.CRISIS),
                 echo.say(intents.TOPIC, topic=topic_slot("I want to end my life"))):
        assert said.text.startswith(GUIDEBOOK.crisis.message)
    assert proxy.requests == before


@faults(FAILING, READS)
def test_a_place_that_cannot_be_read_is_not_taken_for_nothing_saved(
    echo: Timed, proxy: FaultProxy, fault: str, operations: tuple[str, ...]
) -> None:
    echo.listened(*PLACE)
    proxy.fail(fault, operations)
    assert unreachable(fresh(echo).say(intents.CONTINUE_LISTENING))
    assert unreachable(fresh(echo, Device(audio_player=False)).say(intents.CONTINUE_LISTENING))
    proxy.heal()
    assert resumed_at(echo) == PLACE


def test_with_every_other_request_throttled_the_place_is_read_on_the_retry(
    echo: Timed, proxy: FaultProxy
) -> None:
    echo.listened(*PLACE)
    proxy.fail("throttle-half")
    assert resumed_at(echo) == PLACE


@pytest.mark.parametrize("fault", [fault for fault in FAILING if fault != "refuse"])
def test_a_section_heard_on_a_phone_never_overwrites_a_place_it_cannot_read(
    echo: Timed, proxy: FaultProxy, fault: str
) -> None:
    echo.listened(*PLACE)
    proxy.fail(fault, READS)
    phone = fresh(echo, Device(audio_player=False))
    said = phone.say(intents.TOPIC, topic=topic_slot("holidays", "holidays"))
    assert said.state["section"] == "holidays"
    proxy.heal()
    assert resumed_at(echo) == PLACE


@faults(FAULTS, WRITES)
def test_a_repeated_nearly_finished_never_queues_the_next_clip_twice(
    echo: Timed, proxy: FaultProxy, fault: str, operations: tuple[str, ...]
) -> None:
    clip = token("holidays")
    echo.holds(clip).report("AudioPlayer.PlaybackStarted", clip)
    proxy.fail(fault, operations)
    queued = [
        played(said)["token"]
        for offset in (72_000, 72_500)
        if directives(said := echo.report("AudioPlayer.PlaybackNearlyFinished", clip, offset))
    ]
    assert queued in ([], [token("healing", 1)])
    if fault == "throttle-half":
        assert queued == [token("healing", 1)]


@faults(FAILING, WRITES)
def test_a_failed_write_leaves_the_stored_place_as_it_was(
    echo: Timed, proxy: FaultProxy, fault: str, operations: tuple[str, ...]
) -> None:
    echo.listened(*PLACE)
    proxy.fail(fault, operations)
    elsewhere = token("myths")
    echo.holds(elsewhere).report("AudioPlayer.PlaybackStarted", elsewhere)
    echo.holds(elsewhere, 9_000, "STOPPED").report("AudioPlayer.PlaybackStopped", elsewhere, 9_000)
    proxy.heal()
    assert resumed_at(echo) == PLACE


@faults(FAILING, WRITES)
def test_forget_me_says_plainly_when_it_could_not_delete(
    echo: Timed, proxy: FaultProxy, fault: str, operations: tuple[str, ...]
) -> None:
    echo.listened(*PLACE)
    proxy.fail(fault, operations)
    said = fresh(echo).say(intents.FORGET_ME)
    assert said.text.startswith(WORDS.forget_failed) and not said.ends
    proxy.heal()
    assert resumed_at(echo) == PLACE


def test_forget_me_with_every_other_request_throttled_deletes_on_the_retry(
    echo: Timed, proxy: FaultProxy
) -> None:
    echo.listened(*PLACE)
    proxy.fail("throttle-half")
    assert fresh(echo).say(intents.FORGET_ME).text.startswith(WORDS.forgotten)
    proxy.heal()
    assert resumed_at(echo) == (token("introduction"), 0)


@pytest.mark.parametrize("fault", FAILING)
def test_the_play_button_plays_what_the_device_holds_when_the_place_cannot_be_read(
    echo: Timed, proxy: FaultProxy, fault: str
) -> None:
    echo.listened(*PLACE)
    proxy.fail(fault)
    held = echo.holds(token("healing", 5), 41_000, "STOPPED")
    stream = played(held.report("PlaybackController.PlayCommandIssued"))
    assert (stream["token"], stream["offsetInMilliseconds"]) == PLACE


# S3: the manifest, read at a cold start and now and then after.


@pytest.fixture
def manifest_in_s3(s3_client: Any, make_bucket: Any) -> str:
    bucket = make_bucket()
    s3_client.put_object(Bucket=bucket, Key="manifest.json", Body=MANIFEST.read_bytes())
    return f"s3://{bucket}/manifest.json"


def s3_door(manifest: str, proxy: FaultProxy, refresh: float = 300) -> FrontDoor:
    config = SkillConfig(manifest=manifest, audio_base_url=AUDIO_BASE_URL,
                         manifest_refresh_seconds=refresh, **BUDGET)
    skill = build_skill(config, s3_client=make_s3_client(proxy.url, TIMEOUT))
    return FrontDoor(skill, GUIDEBOOK)


GUILT = topic_slot("guilt", "guilt-trips")


@pytest.mark.parametrize("fault", FAULTS)
def test_a_cold_start_with_s3_failing_reads_sections_aloud_within_its_deadline(
    manifest_in_s3: str, proxy: FaultProxy, fault: str
) -> None:
    proxy.fail(fault)
    started = time.monotonic()
    door = s3_door(manifest_in_s3, proxy)
    assert time.monotonic() - started < BUDGET["cold_start_seconds"] + 1
    assert proxy.requests <= 2
    echo = Timed(door.answer, Device(audio_player=False))
    echo.proxy = proxy
    said = echo.say(intents.TOPIC, topic=GUILT)
    assert said.state["section"] == "guilt-trips"
    assert bool(said.audio) is (fault == "throttle-half")
    assert echo.say(intents.CRISIS).text.startswith(GUIDEBOOK.crisis.message)


@pytest.mark.parametrize("fault", FAULTS)
def test_a_refresh_with_s3_failing_keeps_playing_the_manifest_in_hand(
    manifest_in_s3: str, proxy: FaultProxy, fault: str
) -> None:
    door = s3_door(manifest_in_s3, proxy, refresh=0)
    proxy.fail(fault)
    echo = Timed(door.answer, Device(audio_player=False))
    echo.proxy = proxy
    for _ in range(2):
        assert echo.say(intents.TOPIC, topic=GUILT).audio


def test_while_one_request_waits_on_s3_the_others_go_on_with_the_manifest_in_hand(
    manifest_in_s3: str, proxy: FaultProxy
) -> None:
    door = s3_door(manifest_in_s3, proxy, refresh=0)
    proxy.fail("hang")
    echo = Timed(door.answer, Device(audio_player=False))
    echo.proxy = proxy
    waiting = threading.Thread(target=echo.say, args=(intents.TOPIC,), kwargs={"topic": GUILT})
    before = proxy.requests
    waiting.start()
    proxy.wait_for(before + 1)
    said = echo.say(intents.TOPIC, topic=GUILT)
    assert said.audio and proxy.requests == before + 1
    waiting.join()
