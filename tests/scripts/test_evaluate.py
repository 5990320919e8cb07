"""`nocontact evaluate` against a loopback SMAPI: each labelled utterance profiled once, paced,
and the benchmark's report of what "Alexa" answered; a 429 waited out, 5xx and 401 as one
sentence saying how far it got, and missing credentials as how to configure them.

"Alexa" here is the loopback server answering each utterance with the intent a row below
gives it; the figures each test expects are counted from those rows, not copied from a run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from scripts.cli import main
from skill.runtime.intents import section_intent
from skill.smapi.client import ATTEMPTS
from tests.skill.smapi.conftest import FakeClock
from tests.skill.smapi_api import (
    CLIENT_ID,
    CLIENT_SECRET,
    REFRESH_TOKEN,
    SKILL_ID,
    SmapiApi,
    certificate,
    profiled_intent,
    serve_smapi,
)

ROOT = Path(__file__).resolve().parents[2]
PROFILE_NLU = "/v1/skills/{}/stages/{}/interactionModel/locales/{}/profileNlu"


@dataclass(frozen=True)
class Said:
    """A labelled utterance, what Alexa selects for it, and what the skill's rules answer."""

    text: str
    label: str
    split: str
    selected: dict[str, Any] | None
    answer: str
    family: str | None = None
    also: tuple[str, ...] = ()


def topic(words: str, value_id: str | None = None) -> dict[str, Any]:
    return profiled_intent("TopicIntent", {"topic": (words, value_id)})


CRISIS_INTENT = profiled_intent("CrisisIntent")
SAID = {
    "small-en-US.yaml": [
        Said("i want to end it all tonight", "crisis", "unseen", CRISIS_INTENT, "crisis",
             "suicidal-direct"),
        Said("i've saved up all my tablets", "crisis", "unseen", None, "fallback",
             "overdose-poisoning"),
        # the runtime screens the words of every slot: danger in a topic is a crisis answer
        Said("my dad is going to kill me", "crisis", "unseen",
             topic("my dad is going to kill me"), "crisis", "violence-parent"),
        Said("how do i survive christmas", "holidays", "unseen", topic("christmas", "holidays"),
             "section:holidays"),
        Said("what if they want to talk again", "reconnecting", "unseen",
             profiled_intent("AMAZON.FallbackIntent"), "AMAZON.FallbackIntent"),
        Said("my gran will kill me for breaking her teapot", "harmless", "unseen",
             CRISIS_INTENT, "crisis"),
        Said("turn the lights off", "harmless", "unseen", None, "fallback"),
    ],
    "heldout-en-US.yaml": [
        Said("please i need help now", "crisis", "test", CRISIS_INTENT, "crisis", "crisis-line"),
        Said("my mum keeps guilt tripping me", "guilt-trips", "test",
             profiled_intent(section_intent("guilt-trips")), "section:guilt-trips"),
        Said("will i be sorry later", "regret", "test", topic("sorry later", "regret"),
             "section:regret", also=("healing",)),
        # strictly a miss, helpfully a hit
        Said("will it ever stop hurting", "regret", "test", topic("stop hurting", "healing"),
             "section:healing", also=("healing",)),
        Said("the regret part but my brother overdosed", "regret", "test",
             profiled_intent(section_intent("regret"), {"person": ("my brother overdosed", None)}),
             "crisis"),
        Said("i'm dying to see that film", "harmless", "test", None, "fallback"),
    ],
    "heldout-en-GB.yaml": [
        Said("i want to kill myself", "crisis", "test", CRISIS_INTENT, "crisis", "suicidal-direct"),
        Said("my mum keeps guilt tripping me", "guilt-trips", "test", topic("guilt", "guilt-trips"),
             "section:guilt-trips"),
        Said("put the kettle on", "harmless", "test", None, "fallback"),
    ],
}


def rows(locale: str, *sets: str) -> list[Said]:
    """A locale's rows (of these sets), in the order the files are read: by name."""
    return [said for name, saids in sorted(SAID.items()) if name.endswith(f"{locale}.yaml")
            and (not sets or name.removesuffix(f"-{locale}.yaml") in sets) for said in saids]


def expected(saids: list[Said]) -> dict[str, Any]:
    """The figures the answers in these rows imply, counted here without the scoring code."""
    topics = [s for s in saids if s.label not in ("crisis", "harmless")]
    crises = [s for s in saids if s.label == "crisis"]
    harmless = [s for s in saids if s.label == "harmless"]
    helpful = [s for s in topics if s.answer in {f"section:{x}" for x in (s.label, *s.also)}]
    return {
        "topics": len(topics),
        "topic_recall": sum(s.answer == f"section:{s.label}" for s in topics) / len(topics),
        "helpful_recall": len(helpful) / len(topics),
        "crisis": len(crises),
        "crisis_recall": sum(s.answer == "crisis" for s in crises) / len(crises),
        "harmless": len(harmless),
        "false_alarms": sum(s.answer == "crisis" for s in harmless),
        "topic_alarms": sum(s.answer == "crisis" for s in topics),
    }


@pytest.fixture
def utterances(tmp_path: Path) -> Path:
    """The rows above as labelled sets, one file each."""
    folder = tmp_path / "utterances"
    folder.mkdir()
    for name, saids in SAID.items():
        entries = [{"text": s.text, "label": s.label, "split": s.split,
                    **({"family": s.family} if s.family else {}),
                    **({"also": list(s.also)} if s.also else {})} for s in saids]
        (folder / name).write_text(yaml.safe_dump(entries), encoding="utf-8")
    return folder


@pytest.fixture
def alexa(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[SmapiApi]:
    """SMAPI on loopback answering each row's utterance with its intent, and credentials for
    it in the environment, as the ASK CLI reads them."""
    by_utterance = {(name.removesuffix(".yaml")[-5:], said.text): said.selected
                    for name, saids in SAID.items() for said in saids}
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificate()[0]))
    monkeypatch.setenv("ASK_LWA_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("ASK_LWA_CLIENT_CONFIRMATION", CLIENT_SECRET)
    monkeypatch.setenv("ASK_REFRESH_TOKEN", REFRESH_TOKEN)
    with serve_smapi() as api:
        api.profiler = lambda locale, utterance: by_utterance[(locale, utterance)]
        monkeypatch.setenv("ASK_SMAPI_SERVER_BASE_URL", api.url)
        monkeypatch.setenv("ASK_LWA_TOKEN_HOST", api.url)
        yield api


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """The pace's clock, moving only when slept on."""
    fake = FakeClock()
    monkeypatch.setattr("scripts.evaluate.CLOCK", (fake.now, fake.sleep))
    return fake


def profiled(api: SmapiApi) -> list[tuple[str, Any]]:
    """Each profileNlu request's path and body, in order."""
    return [(path, body) for method, path, body in api.requests
            if method == "POST" and path.endswith("/profileNlu")]


def evaluate(utterances: Path, *arguments: str) -> int:
    return main(["evaluate", "--skill-id", SKILL_ID, "--utterances", str(utterances),
                 *arguments])


def test_every_utterance_is_profiled_once_paced_and_reported_as_the_benchmark_reports(
    alexa: SmapiApi, utterances: Path, clock: FakeClock,
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("scripts.evaluate.PROGRESS_EVERY", 5)
    saids = rows("en-US")

    assert evaluate(utterances, "--locale", "en-US") == 0

    out, err = capsys.readouterr()
    path = PROFILE_NLU.format(SKILL_ID, "development", "en-US")
    assert profiled(alexa) == [(path, {"utterance": s.text}) for s in saids]
    assert clock.waits == [1.0] * (len(saids) - 1)
    lines = out.splitlines()
    assert lines[0] == (f"Alexa's answer: skill {SKILL_ID}, development stage, en-US, "
                        f"{len(saids)} utterances profiled")
    assert lines[1].startswith("en-US alexa (")
    for split, line in zip(("unseen", "test"), lines[2:4], strict=True):
        figures = expected([s for s in saids if s.split == split])
        assert line.startswith(f"  {split}: ")
        assert (f"topics {figures['topic_recall']:.1%} strict, "
                f"{figures['helpful_recall']:.1%} helpful (of {figures['topics']})") in line
        assert f"crisis {figures['crisis_recall']:.1%} (of {figures['crisis']})" in line
        assert f"harmless -> crisis {figures['false_alarms']} of {figures['harmless']}" in line
        assert f"topic -> crisis {figures['topic_alarms']} of {figures['topics']}" in line
    assert len(lines) == 4
    assert "  en-US: 5 of 13 profiled" in err and "  en-US: 13 of 13 profiled" in err
    assert not [s.text for s in saids if s.text in err or s.text in caplog.text]


def test_json_is_the_benchmarks_figures_of_alexas_answers_per_locale_split_and_set(
    alexa: SmapiApi, utterances: Path, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    assert evaluate(utterances, "--json") == 0

    results = json.loads(capsys.readouterr().out)
    assert [(r["locale"], r["matcher"]) for r in results] == [("en-US", "alexa"),
                                                             ("en-GB", "alexa")]
    for result in results:
        locale = result["locale"]
        for split, figures in result["splits"].items():
            said = [s for s in rows(locale) if s.split == split]
            assert {k: figures[k] for k in expected(said)} == pytest.approx(expected(said))
        for name, figures in result["sets"].items():
            said = rows(locale, name)
            assert {k: figures[k] for k in expected(said)} == pytest.approx(expected(said))
    assert len(profiled(alexa)) == len(rows("en-US")) + len(rows("en-GB"))


def test_details_list_each_missed_crisis_and_false_alarm(
    alexa: SmapiApi, utterances: Path, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    assert evaluate(utterances, "--locale", "en-US", "--set", "small", "--details") == 0

    out = capsys.readouterr().out
    assert "      missed crisis: i've saved up all my tablets" in out
    assert "      false alarm: my gran will kill me for breaking her teapot" in out


def test_split_and_set_choose_what_is_profiled(
    alexa: SmapiApi, utterances: Path, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    assert evaluate(utterances, "--split", "test", "--set", "heldout", "--stage", "live") == 0

    said = rows("en-US", "heldout") + rows("en-GB", "heldout")
    assert [body["utterance"] for _, body in profiled(alexa)] == [s.text for s in said]
    assert {path for path, _ in profiled(alexa)} == {
        PROFILE_NLU.format(SKILL_ID, "live", locale) for locale in ("en-US", "en-GB")}
    assert "unseen" not in capsys.readouterr().out


def test_a_throttled_call_waits_as_retry_after_says_and_the_run_still_finishes(
    alexa: SmapiApi, utterances: Path, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    saids = rows("en-US")
    alexa.fail_calls(4, 429, retry_after="2")

    assert evaluate(utterances, "--locale", "en-US", "--json") == 0

    # a second between starts; the 4th call's 429 waits 2 s, and its retry may start at once
    assert clock.waits == [1.0] * 3 + [2.0] + [1.0] * (len(saids) - 4)
    assert [body["utterance"] for _, body in profiled(alexa)] == [
        s.text for s in (*saids[:4], *saids[3:])]
    (result,) = json.loads(capsys.readouterr().out)
    assert result["splits"]["unseen"]["crisis_recall"] == pytest.approx(
        expected(rows("en-US", "small"))["crisis_recall"])


def test_server_errors_are_retried_then_stop_with_how_far_it_got(
    alexa: SmapiApi, utterances: Path, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    us, gb = len(rows("en-US")), len(rows("en-GB"))
    alexa.fail_calls(us + 2, 503, times=ATTEMPTS)  # the second en-GB utterance, every attempt

    with pytest.raises(SystemExit) as stopped:
        evaluate(utterances)

    message = str(stopped.value.code)
    assert message.startswith("nocontact evaluate: SMAPI failed while profiling an utterance "
                              "in en-GB (HTTP 503, 4 tries")
    assert message.endswith(f"1 of {gb} en-GB utterances were profiled before it stopped "
                            "(en-US finished, reported above).")
    assert clock.waits[-ATTEMPTS:] == [1.0, 1.0, 2.0, 4.0]
    assert "en-US alexa (" in capsys.readouterr().out


def test_a_401_is_one_sentence_saying_to_configure_credentials_and_exits_1(
    alexa: SmapiApi, utterances: Path
) -> None:
    alexa.fail_next(401)  # the first call, and the one retried with a fresh token
    alexa.fail_next(401)

    done = subprocess.run(
        [sys.executable, "-m", "scripts.cli", "evaluate", "--skill-id", SKILL_ID,
         "--utterances", str(utterances), "--locale", "en-GB"],
        cwd=ROOT, env=os.environ.copy(), capture_output=True, text=True, timeout=120,
        check=False,
    )

    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().endswith(
        "nocontact evaluate: Amazon refused the SMAPI credentials from the environment while "
        "profiling an utterance in en-GB; run `ask configure` (with ASK_LWA_CLIENT_ID and "
        "ASK_LWA_CLIENT_CONFIRMATION set to your Login with Amazon security profile), or set "
        "ASK_REFRESH_TOKEN. 0 of 3 en-GB utterances were profiled before it stopped.")
    assert done.stdout == ""


def test_missing_credentials_say_how_to_configure_them(
    utterances: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("ASK_LWA_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("ASK_LWA_CLIENT_CONFIRMATION", CLIENT_SECRET)
    monkeypatch.delenv("ASK_REFRESH_TOKEN", raising=False)

    with pytest.raises(SystemExit) as stopped:
        evaluate(utterances)

    assert str(stopped.value.code) == (
        f"nocontact evaluate: no SMAPI credentials: {tmp_path}/.ask/cli_config does not exist; "
        "run `ask configure` (with ASK_LWA_CLIENT_ID and ASK_LWA_CLIENT_CONFIRMATION set to "
        "your Login with Amazon security profile), or set ASK_REFRESH_TOKEN")


def test_profile_reads_that_ask_cli_profiles_refresh_token(
    alexa: SmapiApi, utterances: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("ASK_REFRESH_TOKEN")
    (tmp_path / ".ask").mkdir()
    (tmp_path / ".ask" / "cli_config").write_text(json.dumps({"profiles": {
        "default": {"token": {"refresh_token": "Atzr|someone-else"}},
        "work": {"token": {"refresh_token": REFRESH_TOKEN}},
    }}))

    assert evaluate(utterances, "--locale", "en-GB", "--profile", "work") == 0
    assert "en-GB alexa (" in capsys.readouterr().out


def test_a_locale_without_labelled_utterances_is_one_sentence(utterances: Path) -> None:
    with pytest.raises(SystemExit) as stopped:
        evaluate(utterances, "--locale", "en-AU")

    assert str(stopped.value.code) == (
        f"nocontact evaluate: no labelled utterances for en-AU in {utterances}; there are for "
        "en-US, en-GB")


def test_a_rate_that_is_not_positive_is_one_sentence(utterances: Path) -> None:
    with pytest.raises(SystemExit) as stopped:
        evaluate(utterances, "--rate", "0")

    assert str(stopped.value.code) == (
        "nocontact evaluate: --rate: a pace needs a positive number of calls a second, not 0.0")
