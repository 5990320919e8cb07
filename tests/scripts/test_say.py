"""`nocontact say`: one utterance, a saved conversation, raw JSON, a server, the terminal."""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from content import default_guide
from scripts import say
from scripts.cli import build_parser, main
from skill.simulator.envelopes import DEVICES
from tests.readme_conversation import readme_conversation, terminal_answers
from tests.simulator_support import serving


@pytest.fixture(scope="module")
def server(short_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(short_store, tmp_path_factory.mktemp("say-server") / "positions.sqlite") as url:
        yield url


def run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["say", *args]) == 0
    return capsys.readouterr().out


def test_an_utterance_prints_what_alexa_would_say_with_the_clip_title_and_url(
    capsys: pytest.CaptureFixture[str], short_store: Path
) -> None:
    out = run(capsys, "help with guilt", "--store", str(short_store))
    guilt = default_guide().section("guilt-trips")
    assert "> GuiltTripsSectionIntent" in out
    assert f"[audio] {guilt.title} <http://127.0.0.1:8000/audio/clips/guilt-trips/" in out
    assert guilt.follow_ups[0].question in out
    assert "Reprompt:" in out and "(listening...)" in out


def test_a_session_file_keeps_the_conversation_across_calls(
    capsys: pytest.CaptureFixture[str], short_store: Path, tmp_path: Path
) -> None:
    session = str(tmp_path / "talk.json")
    run(capsys, "help with guilt", "--store", str(short_store), "--session", session)
    saved = json.loads(Path(session).read_text(encoding="utf-8"))
    assert saved["session"]["open"] is True
    out = run(capsys, "yes", "--store", str(short_store), "--session", session)
    assert f"[audio] {default_guide().section('regret').title}" in out


def test_json_prints_each_raw_request_and_response(
    capsys: pytest.CaptureFixture[str], short_store: Path
) -> None:
    out = run(capsys, "tell me about the holidays", "--json", "--store", str(short_store))
    (exchange,) = json.loads(out)
    assert exchange["request"]["request"]["intent"]["name"] == "HolidaysSectionIntent"
    assert exchange["response"]["version"] == "1.0"


def test_a_text_only_device_sends_no_audio_player(
    capsys: pytest.CaptureFixture[str], short_store: Path
) -> None:
    out = run(capsys, "play the whole guide", "--device", "app-text-only", "--json",
              "--store", str(short_store))
    exchanges = json.loads(out)
    assert [e["request"]["request"]["type"] for e in exchanges] == ["IntentRequest"]
    assert "AudioPlayer" not in exchanges[0]["request"]["context"]


def test_a_device_button_moves_guided_listening_to_the_next_section(
    capsys: pytest.CaptureFixture[str], short_store: Path, tmp_path: Path
) -> None:
    session = str(tmp_path / "listen.json")
    first, second = default_guide().sections[:2]
    out = run(capsys, "play the whole guide", "--store", str(short_store), "--session", session)
    assert f"AudioPlayer.Play REPLACE_ALL: {first.title}" in out
    out = run(capsys, "--event", "next", "--store", str(short_store), "--session", session)
    assert "> PlaybackController.NextCommandIssued" in out
    assert f"AudioPlayer.Play REPLACE_ALL: {second.title}" in out


def test_with_no_utterance_the_terminal_holds_a_conversation(
    capsys: pytest.CaptureFixture[str], short_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("help with guilt\n/wave\nyes\n/quit\n"))
    out = run(capsys, "--store", str(short_store))
    assert out.startswith(say.INTERACTIVE_HELP)
    assert out.count(say.INTERACTIVE_HELP) == 2
    assert default_guide().section("regret").title in out
    assert out.rstrip().endswith("> SessionEndedRequest")


@pytest.mark.slow
def test_the_readmes_conversation_gives_the_answers_it_shows(
    short_store: Path, tmp_path: Path
) -> None:
    conversation = readme_conversation()
    typed = "".join(f"{exchange.typed}\n" for exchange in conversation)
    # The command as the README runs it: .venv/bin/nocontact, beside this interpreter.
    command = [str(Path(sys.executable).parent / "nocontact"), "say", "--store", str(short_store)]
    done = subprocess.run(command, input=typed, capture_output=True, text=True, timeout=600,
                          cwd=tmp_path, check=False)
    assert done.returncode == 0, done.stderr
    answers = terminal_answers(done.stdout)[: len(conversation)]
    assert answers == [exchange.answer for exchange in conversation]


def test_requests_can_go_over_http_to_a_running_server(
    capsys: pytest.CaptureFixture[str], server: str
) -> None:
    out = run(capsys, "help with guilt", "--url", server)
    assert f"<{server}/audio/clips/guilt-trips/" in out


@pytest.mark.parametrize("path", ["", "/", "/alexa"])
def test_the_server_make_run_starts_is_reached_through_its_simulator_route(
    capsys: pytest.CaptureFixture[str], short_store: Path, tmp_path: Path, path: str
) -> None:
    database = tmp_path / "positions.sqlite"
    with serving(short_store, database, verify=True) as url:
        out = run(capsys, "help with guilt", "--url", url + path)
    assert f"<{url}/audio/clips/guilt-trips/" in out


def test_a_server_that_verifies_requests_without_the_simulator_is_explained(
    capsys: pytest.CaptureFixture[str], short_store: Path, tmp_path: Path
) -> None:
    database = tmp_path / "positions.sqlite"
    with serving(short_store, database, verify=True, simulator=False) as url, pytest.raises(
        SystemExit
    ) as stopped:
        main(["say", "help with guilt", "--url", url])
    assert "refused the request" in str(stopped.value)
    assert "nocontact serve --no-verify" in str(stopped.value)


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["hi", "--event", "next"], "not both"),
        (["hi", "--url", "http://127.0.0.1:9"], "cannot reach"),
        (["hi", "--url", "ftp://example.org"], "not an http(s) address"),
        ([""], 'the utterance is empty; say something, e.g. nocontact say "help with guilt"'),
        (["  ", " "], "or give no utterance at all to talk in the terminal"),
    ],
)
def test_mistakes_end_with_a_sentence_saying_what_to_do(args: list[str], reason: str) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["say", *args])
    assert str(stopped.value).startswith("nocontact say: ") and reason in str(stopped.value)


def test_a_file_that_is_not_a_conversation_is_refused(
    tmp_path: Path, short_store: Path
) -> None:
    broken = tmp_path / "notes.json"
    broken.write_text("shopping list", encoding="utf-8")
    with pytest.raises(SystemExit) as stopped:
        main(["say", "hi", "--store", str(short_store), "--session", str(broken)])
    assert "is not a saved conversation" in str(stopped.value)


def test_a_skill_setting_that_is_not_usable_is_one_sentence(
    short_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOCONTACT_MANIFEST_REFRESH_SECONDS", "abc")
    with pytest.raises(SystemExit) as stopped:
        main(["say", "hi", "--store", str(short_store)])
    message = str(stopped.value)
    assert message.startswith("nocontact say: NOCONTACT_MANIFEST_REFRESH_SECONDS='abc'")
    assert "\n" not in message


def test_every_device_can_hold_a_conversation(
    capsys: pytest.CaptureFixture[str], short_store: Path
) -> None:
    for device in DEVICES:
        out = run(capsys, "open no contact companion", "--device", device,
                  "--store", str(short_store))
        assert out.startswith("> LaunchRequest")


def test_every_option_of_say_has_help_text() -> None:
    subparsers = next(
        action for action in build_parser()._actions
        if isinstance(action, argparse._SubParsersAction)
    )
    parser = subparsers.choices["say"]
    assert all(action.help for action in parser._actions)


def test_a_guided_reflection_prints_its_clips_and_each_quiet_space(
    capsys: pytest.CaptureFixture[str], short_store: Path
) -> None:
    out = run(capsys, "guide me through a reflection on guilt", "--device", "app-text-only",
              "--store", str(short_store))
    from content import default_guide

    prompts = default_guide().section("guilt-trips").reflections
    assert out.count("[quiet for ") == len(prompts) and "s, to think]" in out
    assert "/clips/reflect-guilt-trips-1/" in out and "/clips/reflect-opening/" in out
