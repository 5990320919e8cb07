"""The slowest answer while DynamoDB or S3 misbehaves, against the same requests with both well.

moto's server runs on loopback behind the tests' fault proxy (tests/fault_proxy.py); the
skill is built as on Lambda, with the production time budget and timeouts
(skill.runtime.budget), and answers through its front door. For each backend, the baseline
(every request forwarded) and each fault (refuse, hang, throttle, 500, throttle-half) are
run in the same process, in rotating order round by round (for DynamoDB also writes alone
throttled, while reads work), with the same requests: crisis,
launch, a topic on a speaker and on a phone, "continue where I left off" on both, the
playback events that keep a place, and "forget me". A listener's place is stored while
DynamoDB is well, before each round. S3 faults are measured at the cold start (building the
skill reads the manifest) and on requests that refresh the manifest. What the listener hears
for "continue" and "forget me" is printed beside the times. Exit status 1 when any answer
takes 3 s or more.

    .venv/bin/python bench/reliability.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 3.0
WRITES = ("PutItem", "DeleteItem")
# Label: (proxy mode, operations it applies to; none means all).
DYNAMODB_FAULTS = {
    "pass": ("pass", ()), "refuse": ("refuse", ()), "hang": ("hang", ()),
    "throttle": ("throttle", ()), "500": ("500", ()), "throttle-half": ("throttle-half", ()),
    "throttle writes": ("throttle", WRITES),
}


@dataclass
class Timings:
    """Answer times per request for one backend under one fault, and what was heard."""

    seconds: dict[str, list[float]] = field(default_factory=dict)
    heard: dict[str, set[str]] = field(default_factory=dict)

    def add(self, name: str, spent: float, heard: str | None = None) -> None:
        self.seconds.setdefault(name, []).append(spent)
        if heard is not None:
            self.heard.setdefault(name, set()).add(heard)

    def slowest(self) -> tuple[str, float]:
        name = max(self.seconds, key=lambda key: max(self.seconds[key]))
        return name, max(self.seconds[name])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="Rounds of every fault.")
    args = parser.parse_args()
    # Loopback only: fake credentials, so nothing could ever reach AWS.
    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                      AWS_SESSION_TOKEN="testing", AWS_DEFAULT_REGION="us-east-1")
    os.environ.pop("AWS_PROFILE", None)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's server logs every request
    logging.getLogger("skill").setLevel(logging.CRITICAL)  # the faults are logged on purpose
    from moto.server import ThreadedMotoServer

    from tests.fault_proxy import MODES, FaultProxy

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    moto = f"http://{host}:{port}"
    proxy = FaultProxy(moto)
    try:
        dynamodb = {label: Timings() for label in DYNAMODB_FAULTS}
        s3 = {mode: Timings() for mode in MODES}
        bench = Bench(moto, proxy)
        labels = list(DYNAMODB_FAULTS)
        for number in range(args.rounds):
            for label in labels[number % len(labels):] + labels[: number % len(labels)]:
                bench.dynamodb_round(*DYNAMODB_FAULTS[label], dynamodb[label])
            for mode in MODES[number % len(MODES):] + MODES[: number % len(MODES)]:
                bench.s3_round(mode, s3[mode])
    finally:
        proxy.close()
        server.stop()
    worst = report("DynamoDB", dynamodb)
    worst = max(worst, report("S3", s3))
    print(f"slowest answer of all: {worst:.2f} s (target under {TARGET_SECONDS:g} s)")
    return 0 if worst < TARGET_SECONDS else 1


class Bench:
    """The skills under test, their stores on moto, and one round of requests."""

    def __init__(self, moto: str, proxy: Any) -> None:
        import boto3

        from tests.skill.conftest import MANIFEST

        self.proxy = proxy
        self.table = f"listening-{uuid.uuid4().hex[:8]}"
        boto3.resource("dynamodb", endpoint_url=moto).create_table(
            TableName=self.table,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        bucket = f"nocontact-{uuid.uuid4().hex[:12]}"
        s3 = boto3.client("s3", endpoint_url=moto)
        s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket=bucket, Key="manifest.json", Body=MANIFEST.read_bytes())
        self.manifest = f"s3://{bucket}/manifest.json"
        self.door = self._dynamodb_door()

    def _dynamodb_door(self) -> Any:
        from skill.runtime.builder import build_skill
        from skill.runtime.config import SkillConfig
        from skill.runtime.front_door import FrontDoor
        from skill.runtime.guidebook import load_guidebook
        from skill.runtime.persistence import make_dynamodb_resource, persistence_adapter
        from tests.skill.conftest import AUDIO_BASE_URL, MANIFEST

        adapter = persistence_adapter(
            f"dynamodb:{self.table}", make_dynamodb_resource(self.proxy.url)
        )
        config = SkillConfig(manifest=str(MANIFEST), audio_base_url=AUDIO_BASE_URL)
        return FrontDoor(build_skill(config, adapter), load_guidebook())

    def _s3_door(self, refresh: float) -> Any:
        from skill.runtime.builder import build_skill
        from skill.runtime.config import SkillConfig
        from skill.runtime.front_door import FrontDoor
        from skill.runtime.guidebook import load_guidebook
        from skill.runtime.manifest_source import make_s3_client
        from tests.skill.conftest import AUDIO_BASE_URL

        config = SkillConfig(manifest=self.manifest, audio_base_url=AUDIO_BASE_URL,
                             manifest_refresh_seconds=refresh)
        return FrontDoor(build_skill(config, s3_client=make_s3_client(self.proxy.url)),
                         load_guidebook())

    def dynamodb_round(self, mode: str, operations: tuple[str, ...], timings: Timings) -> None:
        """Store a place while DynamoDB is well, then every request under the fault."""
        self.proxy.heal()
        for request in PLACE_KEEPING:
            self.door.answer(request())
        self.proxy.fail(mode, operations)
        for name, request in REQUESTS.items():
            spent, answer = timed(self.door.answer, request())
            timings.add(name, spent, listener_hears(name, answer))
        self.proxy.heal()

    def s3_round(self, mode: str, timings: Timings) -> None:
        """A cold start under the fault, then requests that re-read the manifest."""
        self.proxy.fail(mode)
        spent, cold = timed(self._s3_door, 300)
        timings.add("cold start (build)", spent)
        topic = REQUESTS["topic on a phone"]
        spent, answer = timed(cold.answer, topic())
        timings.add("first topic after it", spent, "audio" if has_audio(answer) else "read aloud")
        self.proxy.heal()
        warm = self._s3_door(0)
        self.proxy.fail(mode)
        for name in ("crisis", "topic on a phone", "topic on a speaker"):
            spent, answer = timed(warm.answer, REQUESTS[name]())
            timings.add(f"{name} (refresh due)", spent)
        self.proxy.heal()


def timed(call: Callable[..., Any], *args: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call(*args)
    return time.perf_counter() - started, result


def has_audio(answer: dict[str, Any]) -> bool:
    return "<audio" in answer["response"].get("outputSpeech", {}).get("ssml", "")


def listener_hears(name: str, answer: dict[str, Any]) -> str | None:
    """A few words for what the listener got, for the requests whose answer a fault changes."""
    from skill.runtime.guidebook import load_guidebook

    words = load_guidebook().words
    body = answer["response"]
    ssml = body.get("outputSpeech", {}).get("ssml", "")
    plays = [d for d in body.get("directives", ()) if d["type"] == "AudioPlayer.Play"]
    if name.startswith("continue"):
        if plays:
            stream = plays[0]["audioItem"]["stream"]
            return f"plays {stream['token'].split(':')[0]} at {stream['offsetInMilliseconds']} ms"
        if words.place_unreachable in ssml:
            return "can't reach the place"
        return "speaks a section" if "<audio" in ssml else "other"
    if name == "forget me":
        return ("deleted" if words.forgotten in ssml
                else "couldn't delete" if words.forget_failed in ssml else "other")
    if name == "nearly finished":
        return f"queues {len(plays)}"
    return None


def _requests() -> tuple[dict[str, Callable[[], dict[str, Any]]], list[Callable[[], Any]]]:
    from skill.runtime import intents
    from skill.runtime.catalog import parse_manifest
    from skill.runtime.playback import make_token
    from tests.skill.conftest import MANIFEST, Device, event, intent, launch, topic_slot

    parts = parse_manifest(MANIFEST.read_bytes())
    healing = make_token("healing", 5, parts["healing"][4].sha256)
    holidays = make_token("holidays", 1, parts["holidays"][0].sha256)
    speaker, phone = Device(), Device(audio_player=False)

    def playing(clip: str, offset: int, activity: str, request: dict[str, Any]) -> dict[str, Any]:
        envelope = speaker.envelope(request, in_session=False)
        envelope["context"]["AudioPlayer"] = {
            "token": clip, "offsetInMilliseconds": offset, "playerActivity": activity}
        return envelope

    def player_event(kind: str, clip: str, offset: int) -> Callable[[], dict[str, Any]]:
        return lambda: playing(clip, offset, "PLAYING", event(
            kind, token=clip, offsetInMilliseconds=offset))

    guilt = topic_slot("guilt", "guilt-trips")
    requests = {
        "crisis": lambda: speaker.envelope(intent(intents.CRISIS), new=True),
        "launch": lambda: speaker.envelope(launch(), new=True),
        "topic on a speaker": lambda: speaker.envelope(intent(intents.TOPIC, topic=guilt)),
        "topic on a phone": lambda: phone.envelope(intent(intents.TOPIC, topic=guilt)),
        "continue on a speaker": lambda: speaker.envelope(
            intent(intents.CONTINUE_LISTENING), new=True),
        "continue on a phone": lambda: phone.envelope(
            intent(intents.CONTINUE_LISTENING), new=True),
        "playback started": player_event("AudioPlayer.PlaybackStarted", holidays, 0),
        "nearly finished": player_event("AudioPlayer.PlaybackNearlyFinished", holidays, 70_000),
        "playback stopped": player_event("AudioPlayer.PlaybackStopped", holidays, 71_000),
        "forget me": lambda: speaker.envelope(intent(intents.FORGET_ME), new=True),
    }
    keeping = [player_event("AudioPlayer.PlaybackStarted", healing, 0),
               player_event("AudioPlayer.PlaybackStopped", healing, 41_000)]
    return requests, keeping


REQUESTS, PLACE_KEEPING = _requests()


def report(backend: str, timings: dict[str, Timings]) -> float:
    """Print each fault's slowest answer against the baseline's; the slowest of all."""
    _, baseline = timings["pass"].slowest()
    print(f"\n{backend}: slowest answer per fault (baseline: every request forwarded)")
    worst = 0.0
    for mode, measured in timings.items():
        name, slowest = measured.slowest()
        worst = max(worst, slowest)
        crisis = max(measured.seconds.get("crisis", [0.0]) +
                     measured.seconds.get("crisis (refresh due)", [0.0]))
        heard = "; ".join(f"{request}: {', '.join(sorted(said))}"
                          for request, said in sorted(measured.heard.items()))
        print(f"  {mode:<16} {slowest:6.3f} s = {slowest / baseline:6.1f}x  ({name})  "
              f"crisis {crisis * 1000:5.1f} ms")
        print(f"  {'':<16} {heard}")
    return worst


if __name__ == "__main__":
    sys.exit(main())
