"""Reminders from the terminal: against the simulator's own Alexa APIs with no flags, against a
server `make run` started, and against another API with `--api-endpoint URL --grant reminders`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.cli import main
from tests.simulator_support import serving
from tests.skill.alexa_api import alexa_api, reminders

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow  # five `nocontact say` processes, as a newcomer types them
def test_on_a_fresh_clone_reminders_work_with_no_flags_and_no_stray_warning(
    tmp_path: Path,
) -> None:
    talk = tmp_path / "talk.json"

    def say(*words: str) -> str:
        command = [sys.executable, "-m", "scripts.cli", "say", "--session", str(talk), *words]
        done = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True, timeout=180, check=False
        )
        assert done.returncode == 0, done.stderr
        assert "WARNING" not in done.stderr and "Traceback" not in done.stderr
        return done.stdout

    assert "remind you every day at 8 PM" in say("remind me to reflect every day at 8 pm")
    assert "Alexa asks you for this permission: say yes or no" in say("yes")
    assert "I'll remind you every day at 8 PM" in say("yes")
    (reminder,) = json.loads(talk.read_text())["alexa"]["reminders"].values()
    assert reminder["trigger"]["timeZoneId"] == "America/Los_Angeles"
    assert "every day at 8 PM" in say("what reminders do I have")
    assert "I've turned off your reflection reminders" in say("stop my reflection reminders")
    assert json.loads(talk.read_text())["alexa"]["reminders"] == {}


def test_reminders_work_against_the_server_make_run_starts(
    tmp_path: Path, short_store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with serving(short_store, tmp_path / "positions.sqlite", verify=True) as url:
        base = ["say", "--url", url, "--session", str(tmp_path / "talk.json")]
        for words in ("remind me to reflect every day at 7 am", "yes", "yes"):
            assert main([*base, words]) == 0
        assert "I'll remind you every day at 7 AM" in capsys.readouterr().out
        assert main([*base, "what reminders do I have"]) == 0
    assert "every day at 7 AM" in capsys.readouterr().out


def test_the_command_sets_a_daily_reminder_against_a_local_api(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    talk = tmp_path / "talk.json"
    with alexa_api(any_token=True) as api:
        def say(*words: str) -> str:
            arguments = ["say", "--session", str(talk), "--api-endpoint", api.url,
                         "--grant", "reminders", *words]
            assert main(arguments) == 0
            return capsys.readouterr().out

        asked = say("remind me to reflect every day at 8 pm")
        assert "SetReminderIntent (time: '20:00')" in asked and "every day at 8 PM" in asked
        assert reminders(api) == {}
        assert "I'll remind you every day at 8 PM" in say("yes")
        (reminder,) = reminders(api).values()
        assert "BYHOUR=20;BYMINUTE=0" in reminder["trigger"]["recurrence"]["recurrenceRules"][0]
        assert "every day at 8 PM" in say("what reminders do I have")
        say("stop my reflection reminders")
        assert reminders(api) == {}


def test_a_time_asked_for_alone_is_heard_as_the_slot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    talk = tmp_path / "talk.json"
    with alexa_api(any_token=True) as api:
        base = ["say", "--session", str(talk), "--api-endpoint", api.url]
        assert main([*base, "remind me to reflect"]) == 0
        assert "Dialog.ElicitSlot: time" in capsys.readouterr().out
        assert main([*base, "eight thirty in the evening"]) == 0
        assert "time: '20:30'" in capsys.readouterr().out
        assert main([*base, "yes"]) == 0
        out = capsys.readouterr().out
        assert "Connections.SendRequest AskFor: alexa::alerts:reminders:skill:readwrite" in out
        assert "say yes or no" in out
        assert list(api.calls) == []


@pytest.mark.parametrize(
    ("answer", "status", "heard"),
    [
        ("I approve", "ACCEPTED", "I'll remind you every day at 8:30 PM"),
        ("no", "DENIED", "I won't set a reminder"),
        ("what was that", "NOT_ANSWERED", "Alexa app"),
    ],
)
def test_alexas_permission_question_is_answered_as_a_connections_response(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], answer: str, status: str, heard: str
) -> None:
    talk = tmp_path / "talk.json"
    with alexa_api(any_token=True) as api:
        base = ["say", "--session", str(talk), "--api-endpoint", api.url]
        for words in ("remind me to reflect every day at 8:30 pm", "yes"):
            assert main([*base, words]) == 0
        assert "Connections.SendRequest AskFor" in capsys.readouterr().out
        assert main([*base, "--json", answer]) == 0
        [exchange] = json.loads(capsys.readouterr().out)
        request = exchange["request"]["request"]
        assert (request["type"], request["name"]) == ("Connections.Response", "AskFor")
        assert request["payload"]["status"] == status and request["token"]
        assert exchange["request"]["session"]["new"] is True
        assert heard in exchange["response"]["response"]["outputSpeech"]["ssml"]
        assert len(reminders(api)) == (status == "ACCEPTED")
        saved = json.loads(talk.read_text())
        assert saved.get("asking") is None
        granted = saved["caller"]["granted"]
        scope = "alexa::alerts:reminders:skill:readwrite"
        assert granted == ([scope] if status == "ACCEPTED" else [])


def test_a_bad_api_endpoint_is_refused_in_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="must be an http:// or https:// URL"):
        main(["say", "--api-endpoint", "ftp://x", "what reminders do I have"])
