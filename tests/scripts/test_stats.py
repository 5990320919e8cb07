"""`nocontact stats`: what the skill logged, put into a loopback CloudWatch (moto's server),
read back and printed as the dashboard shows it; no data and bad input are one sentence."""

from __future__ import annotations

import json
from typing import Any

import pytest

from scripts.cli import main
from tests.moto_server import put_emf
from tests.skill.emf import EXPECTED, conversations


def stats(endpoint: str, *options: str) -> int:
    return main(["stats", "--endpoint-url", endpoint, *options])


def test_the_numbers_the_skill_logged_are_printed(
    cloudwatch: Any, moto_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    put_emf(cloudwatch, conversations())

    assert stats(moto_endpoint, "--days", "7") == 0

    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("The last 7 days, to ")
    requests, answers = EXPECTED["requests"], EXPECTED["answers"]
    assert f"  requests            {requests} ({answers} answered" in lines[1]
    assert lines[2].startswith("  errors              0 (0.0% of requests")
    assert lines[3] == f"  crisis lines given  {EXPECTED['crisis']}"
    assert lines[4].startswith("  answer time         p50 ") and "p99 " in lines[4]
    assert "sections started 1, finished 0" in lines[6]
    assert "  en-US   50.0% (2 of 4 answers)" in lines
    assert "  en-GB   33.3% (1 of 3 answers)" in lines
    assert "  en-IN       - (0 of 0 answers)" in lines
    assert lines[-1] == "Answers by family: fallback 3, launch 2, topic 1, crisis 1"


def test_json_gives_the_same_numbers(
    cloudwatch: Any, moto_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    put_emf(cloudwatch, conversations())

    assert stats(moto_endpoint, "--json") == 0

    numbers = json.loads(capsys.readouterr().out)
    assert numbers["days"] == 7 and numbers["requests"] == EXPECTED["requests"]
    assert numbers["locales"]["en-US"] == {"answers": 4, "fallbacks": 2, "fallback_rate": 0.5}
    assert numbers["CrisisAnswers"] == EXPECTED["crisis"] and numbers["throttles"] == 0


def test_a_region_with_no_numbers_says_what_to_check(
    cloudwatch: Any, moto_endpoint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert stats(moto_endpoint, "--days", "1") == 0

    out = capsys.readouterr().out
    assert out.startswith(f"No requests in the last 1 days in {cloudwatch.meta.region_name}")
    assert "is --region the stack's?" in out


@pytest.mark.parametrize("days", ["0", "456", "a week"])
def test_days_out_of_range_are_refused(days: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["stats", "--days", days])

    assert f"{days!r} is not a number of days from 1 to 455" in capsys.readouterr().err


def test_an_unreachable_cloudwatch_is_one_sentence(aws_environment: None) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["stats", "--endpoint-url", "http://127.0.0.1:9", "--region", "eu-west-1"])

    assert str(stopped.value.code).startswith("nocontact stats: CloudWatch could not be reached")
