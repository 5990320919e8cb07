"""`nocontact check`: exit 0 for a sound store, 1 with a list of problems, for folders and S3."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from audio.reflections import reflection_clips
from content import Guide
from scripts.cli import build_parser, main

pytestmark = pytest.mark.slow  # real synthesis with the offline voice


def check(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str]:
    code = main(["check", *arguments])
    return code, capsys.readouterr().out


def test_a_sound_store_passes_with_a_one_line_summary(
    build: Callable[..., None], tmp_path: Path, capsys: pytest.CaptureFixture[str],
    small_guide: Guide,
) -> None:
    store = str(tmp_path / "store")
    build("--store", store)
    code, out = check(capsys, "--store", store)
    assert (code, out.count("\n")) == (0, 1)
    clips = 3 + len(reflection_clips(small_guide))
    assert out.startswith(f"{store}: 3 sections, {clips} clips; all present")


def test_problems_exit_1_and_are_listed_one_per_line(
    build: Callable[..., None], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "store"
    build("--store", str(store))
    (lost,) = (store / "clips" / "onward").iterdir()
    lost.unlink()
    code, out = check(capsys, "--store", str(store))
    assert code == 1
    assert f"  clips/onward/{lost.name}: missing from the store" in out.splitlines()

    code, out = check(capsys, "--store", str(store), "--json")
    report = json.loads(out)
    assert (code, report["ok"]) == (1, False)
    missing = {"key": f"clips/onward/{lost.name}", "message": "missing from the store"}
    assert missing in report["problems"]


def test_an_s3_store_is_checked_through_the_endpoint(
    small_guide: Guide,
    build: Callable[..., None],
    moto_endpoint: str,
    make_bucket: Callable[[], str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    store = f"s3://{make_bucket()}/audio"
    build("--store", store, "--endpoint-url", moto_endpoint)
    code, out = check(capsys, "--store", store, "--endpoint-url", moto_endpoint, "--json")
    report = json.loads(out)
    clips = 3 + len(reflection_clips(small_guide))
    assert (code, report["ok"], report["clips"], report["store"]) == (0, True, clips, store)


def test_an_empty_store_says_to_build_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = check(capsys, "--store", str(tmp_path))
    assert code == 1
    assert out.splitlines() == [
        f"{tmp_path}: 1 problem in 0 clips:",
        "  manifest.json: missing; build the audio into this store first",
    ]


def test_an_unreachable_bucket_is_one_sentence(
    moto_endpoint: str, aws_environment: None, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["check", "--store", "s3://no-such-bucket-anywhere/audio",
              "--endpoint-url", moto_endpoint])
    assert str(raised.value.code).startswith(
        "nocontact check: could not read manifest.json from s3://no-such-bucket-anywhere/audio: "
        "NoSuchBucket"
    )


def test_every_check_option_has_help() -> None:
    (subparsers,) = [a for a in build_parser()._actions if a.dest == "command"]
    parser: Any = subparsers.choices["check"]
    assert parser.description
    assert all(action.help for action in parser._actions)
