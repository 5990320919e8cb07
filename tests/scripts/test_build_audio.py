"""`nocontact build` and `python scripts/build_audio.py`: output, exit codes and error sentences."""

from __future__ import annotations

import fcntl
import json
import logging
import os
import pty
import struct
import subprocess
import sys
import termios
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, BinaryIO, ClassVar

import numpy as np
import pytest

from content import CONTENT_DIR, default_guide
from scripts.build_audio import DEFAULT_STORE
from scripts.cli import build_parser, main

ROOT = CONTENT_DIR.parent
pytestmark = pytest.mark.slow  # real synthesis with the offline voice


@pytest.fixture
def run(
    small_content: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> Callable[..., tuple[int, str, str]]:
    """Runs `nocontact build` on the small guide with this test's cache; (code, out, err)."""

    def invoke(*arguments: str) -> tuple[int, str, str]:
        code = main(
            ["build", "--content", str(small_content), "--cache-dir", str(tmp_path / "cache"),
             *arguments]
        )
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


def test_json_summary_counts_the_work_and_a_rebuild_does_none(
    run: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    store = str(tmp_path / "store")
    code, out, _ = run("--store", store, "--json")
    first = json.loads(out)
    assert code == 0
    assert {"clips", "synthesized", "uploaded", "skipped", "seconds"} <= first.keys()
    assert (first["synthesized"], first["uploaded"], first["skipped"]) == (3, first["clips"], 0)
    assert (tmp_path / "store" / "manifest.json").is_file()

    code, out, _ = run("--store", store, "--json")
    again = json.loads(out)
    assert (code, again["synthesized"], again["uploaded"]) == (0, 0, 0)
    assert again["skipped"] == again["clips"] == first["clips"]


def test_without_a_terminal_progress_is_one_log_line_per_section_and_reflection_clip(
    run: Callable[..., tuple[int, str, str]], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = tmp_path / "store"
    with caplog.at_level(logging.INFO, logger="scripts.build_audio"):
        code, out, _ = run("--store", str(store), "--jobs", "2")
    assert code == 0
    manifest = json.loads((store / "manifest.json").read_text())
    reflections = [entry["id"] for entry in manifest["reflections"]]
    assert sorted(caplog.messages) == sorted([  # with --jobs 2, sections finish in any order
        "first-steps: narrated, 1 of 1 clip uploaded",
        "onward: narrated, 1 of 1 clip uploaded",
        "quiet-days: narrated, 1 of 1 clip uploaded",
        *(f"{clip}: narrated, 1 of 1 clip uploaded" for clip in reflections),
    ])
    clips = 3 + len(reflections)
    parts = [part for entry in manifest["sections"] for part in entry["parts"]]
    audio = round(sum(part["duration"] for part in parts))
    assert out.splitlines() == [
        f"{store}: {clips} clips: 3 sections (0 min {audio} s of audio) in 3 clips, and "
        f"{len(reflections)} reflection clips.",
        f"Sections: 3 narrated, 0 from the cache, 0 already there. Reflection clips: "
        f"{len(reflections)} narrated, 0 from the cache, 0 already there.",
        out.splitlines()[2],
    ]
    assert out.splitlines()[2].startswith(
        f"Uploaded {clips} clips (0 already there); published manifest.json; "
    )
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="scripts.build_audio"):
        code, out, _ = run("--store", str(store))
    assert code == 0 and caplog.messages == []  # nothing built: the summary alone
    kept = f"Reflection clips: 0 narrated, 0 from the cache, {len(reflections)} already there"
    assert kept in out


def test_on_a_terminal_progress_is_a_bar(small_content: Path, tmp_path: Path) -> None:
    controller, terminal = pty.openpty()
    # A new pseudo-terminal is 0 columns wide, where tqdm draws nothing; give it 100 columns.
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    with os.fdopen(controller, "rb", buffering=0) as screen:
        result = subprocess.run(
            [sys.executable, "scripts/build_audio.py", "--content", str(small_content),
             "--store", str(tmp_path / "store"), "--cache-dir", str(tmp_path / "cache")],
            cwd=ROOT, stderr=terminal, stdout=subprocess.PIPE, timeout=120, check=False,
        )
        os.close(terminal)
        shown = _read_all(screen)
    assert result.returncode == 0
    reflections = len(json.loads((tmp_path / "store" / "manifest.json").read_text())["reflections"])
    assert "Narrating: 100%" in shown and f"{3 + reflections}/{3 + reflections}" in shown


def _read_all(screen: BinaryIO) -> str:
    chunks = []
    while True:
        try:
            chunk = screen.read(65536)
        except OSError:  # the terminal closed: everything has been read
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode("utf-8", "replace")


def test_dry_run_of_the_real_guide_lists_every_section_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "store"
    code = main(["build", "--store", str(store), "--cache-dir", str(tmp_path / "cache"),
                 "--dry-run"])
    out = capsys.readouterr().out
    assert code == 0
    for section in default_guide().sections:
        assert f"Would synthesize {section.id} ({section.title})" in out
        assert f"Would upload the clips of {section.id} to {store}" in out
    assert f"Would publish manifest.json to {store}" in out
    assert out.rstrip().endswith("nothing was changed.")
    assert not store.exists() and not (tmp_path / "cache").exists()


def test_python_scripts_build_audio_runs_the_same_command(
    small_content: Path, tmp_path: Path
) -> None:
    result = subprocess.run(
        [sys.executable, "scripts/build_audio.py", "--content", str(small_content),
         "--store", str(tmp_path / "store"), "--cache-dir", str(tmp_path / "cache"),
         "--dry-run", "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["dry_run"], report["synthesized"], report["uploaded"]) == (True, 3, 0)
    assert "Would publish manifest.json to " + str(tmp_path / "store") in report["actions"]


def test_an_upload_refused_by_s3_is_one_sentence_saying_nothing_was_published(
    run: Callable[..., tuple[int, str, str]],
    moto_endpoint: str,
    s3_client: Any,
    make_bucket: Callable[[], str],
    deny_uploads: Callable[[str, str], None],
) -> None:
    bucket = make_bucket()
    deny_uploads(bucket, "audio/clips/quiet-days/*")
    with pytest.raises(SystemExit) as raised:
        run("--store", f"s3://{bucket}/audio", "--endpoint-url", moto_endpoint)
    message = str(raised.value.code)
    assert message.startswith("nocontact build: could not upload clips/quiet-days/")
    assert f"to s3://{bucket}/audio: " in message
    assert message.endswith(". Nothing was published.")
    listed = s3_client.list_objects_v2(Bucket=bucket, Prefix="audio/")
    assert "audio/manifest.json" not in {item["Key"] for item in listed.get("Contents", [])}


@pytest.mark.parametrize(
    ("arguments", "complaint"),
    [
        (["--store", "gs://bucket/audio"], "nocontact build: unsupported store 'gs://bucket"),
        (["--store", "audio", "--endpoint-url", "http://127.0.0.1:9"],
         "nocontact build: an endpoint URL applies only to s3:// stores"),
        (["--content", "/nonexistent/content"], "nocontact build: /nonexistent/content/sections"),
        (["--store", "s3://bucket/audio", "--endpoint-url", "notaurl"],
         "nocontact build: 'notaurl' is not an endpoint URL"),
    ],
)
def test_unusable_options_are_explained_in_one_line(arguments: list[str], complaint: str) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["build", *arguments])
    assert str(raised.value.code).startswith(complaint)


def test_a_dry_run_that_cannot_read_the_store_says_so_without_talk_of_publishing(
    run: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    (tmp_path / "not-a-folder").write_text("a file where the store should be")
    with pytest.raises(SystemExit) as raised:
        run("--store", str(tmp_path / "not-a-folder"), "--dry-run")
    message = str(raised.value.code)
    assert message.startswith("nocontact build: could not read manifest.json from ")
    assert "published" not in message


def test_every_build_option_has_help_and_the_store_defaults_to_the_local_folder() -> None:
    (subparsers,) = [a for a in build_parser()._actions if a.dest == "command"]
    parser = subparsers.choices["build"]
    assert parser.description
    for action in parser._actions:
        assert action.help, f"{action.option_strings} has no help"
    args = build_parser().parse_args(["build"])
    assert (args.store, args.voice, args.jobs) == (DEFAULT_STORE, "piper", 1)
    assert not (args.force or args.dry_run or args.prune or args.json)


class FakePolly(BaseHTTPRequestHandler):
    """Polly's SynthesizeSpeech over HTTP: records each request, answers with a 1 s tone."""

    requests: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append({"path": self.path, **body})
        rate = int(body["SampleRate"])
        tone = 0.3 * np.sin(2 * np.pi * 220 * np.arange(rate) / rate)
        pcm = (tone * 32767).astype("<i2").tobytes()
        self.send_response(200)
        self.send_header("Content-Type", "audio/pcm")
        self.send_header("x-amzn-RequestCharacters", str(len(body["Text"])))
        self.send_header("Content-Length", str(len(pcm)))
        self.end_headers()
        self.wfile.write(pcm)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def polly_endpoint(polly_on_loopback: Callable[[type[BaseHTTPRequestHandler]], str]) -> str:
    """A fake Polly on loopback that boto3 reaches through AWS's own endpoint variable."""
    FakePolly.requests = []
    return polly_on_loopback(FakePolly)


def test_a_polly_build_speaks_with_the_chosen_voice_and_publishes_alexa_clips(
    run: Callable[..., tuple[int, str, str]], polly_endpoint: str, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    code, out, _ = run("--store", str(store), "--voice", "polly", "--polly-voice", "Joanna",
                       "--json")
    assert code == 0
    assert json.loads(out)["synthesized"] == 3
    assert FakePolly.requests
    assert {(r["path"], r["VoiceId"], r["Engine"], r["OutputFormat"]) for r in FakePolly.requests} \
        == {("/v1/speech", "Joanna", "neural", "pcm")}
    spoken = " ".join(r["Text"] for r in FakePolly.requests)
    assert "Take one small step today." in spoken and "You can begin again tomorrow." in spoken
    manifest = json.loads((store / "manifest.json").read_text())
    assert manifest["voice"] == "polly:Joanna:neural"
    assert main(["check", "--store", str(store)]) == 0


def test_polly_voice_is_refused_for_other_voices(run: Callable[..., tuple[int, str, str]]) -> None:
    with pytest.raises(SystemExit) as raised:
        run("--voice", "piper", "--polly-voice", "Joanna", "--dry-run")
    assert str(raised.value.code) == "nocontact build: --polly-voice applies only to --voice polly"
