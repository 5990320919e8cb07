"""skill/stats/cloudwatch.py against moto's CloudWatch on loopback: what the skill logged comes
back as its numbers; failures are one sentence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from content.models import LOCALES
from skill.runtime import metrics
from skill.stats import StatsError
from skill.stats.cloudwatch import fetch, make_client, read_live_numbers
from skill.stats.numbers import queries
from tests.moto_server import put_emf
from tests.skill.emf import EXPECTED, conversations


def read(client: Any, days: int = 7) -> Any:
    return read_live_numbers(client, days=days, now=datetime.now(UTC) + timedelta(minutes=1),
                             locales=LOCALES, families=metrics.FAMILIES,
                             function_name="no-contact-companion-skill")


def test_what_the_skill_logged_comes_back_as_its_numbers(cloudwatch: Any) -> None:
    put_emf(cloudwatch, conversations())

    numbers = read(cloudwatch)

    assert numbers.requests == EXPECTED["requests"]
    assert numbers.totals["Answers"] == EXPECTED["answers"]
    assert numbers.totals["CrisisAnswers"] == EXPECTED["crisis"]
    assert numbers.totals["SectionsStarted"] == EXPECTED["sections_started"]
    assert numbers.totals["Errors"] == 0 and numbers.error_rate == 0
    by_locale = {n.locale: (n.answers, n.fallbacks) for n in numbers.locales if n.answers}
    assert by_locale == {locale: (EXPECTED[locale]["answers"], EXPECTED[locale]["fallbacks"])
                         for locale in ("en-US", "en-GB")}
    assert {f: n for f, n in numbers.families.items() if n} == EXPECTED["families"]
    assert numbers.percentiles["p99"] is not None and numbers.percentiles["p99"] >= 0


def test_the_answer_time_percentiles_are_cloudwatchs(cloudwatch: Any) -> None:
    put_emf(cloudwatch, [
        {"_aws": {"Timestamp": int(datetime.now(UTC).timestamp() * 1000), "CloudWatchMetrics": [
            {"Namespace": metrics.NAMESPACE, "Dimensions": [["service"]],
             "Metrics": [{"Name": "Duration", "Unit": "Milliseconds"}]}]},
         "service": metrics.SERVICE, "Duration": [float(ms)]}
        for ms in range(1, 101)
    ])

    numbers = read(cloudwatch)

    assert numbers.percentiles == {"p50": 50.0, "p99": 99.0}
    assert numbers.requests == 100


def test_numbers_older_than_the_range_are_left_out(cloudwatch: Any) -> None:
    old = conversations()
    for record in old:
        record["_aws"]["Timestamp"] -= 3 * 86400 * 1000
    put_emf(cloudwatch, old)

    assert read(cloudwatch, days=2).empty
    assert read(cloudwatch, days=4).requests == EXPECTED["requests"]


def test_a_query_cloudwatch_refuses_is_one_sentence(cloudwatch: Any) -> None:
    now = datetime.now(UTC)
    with pytest.raises(StatsError, match=r"^CloudWatch refused the query \(ValidationError: "):
        fetch(cloudwatch, queries(LOCALES, metrics.FAMILIES, "f"), now, now, 60)


def test_an_unreachable_endpoint_is_one_sentence(aws_environment: None) -> None:
    client = make_client("eu-west-1", None, "http://127.0.0.1:9")

    with pytest.raises(StatsError, match=r"^CloudWatch could not be reached"):
        read(client)


def test_missing_credentials_say_how_to_configure_them(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    client = make_client("eu-west-1", None, "http://127.0.0.1:9")

    with pytest.raises(StatsError, match=r"^no AWS credentials; run `aws configure`"):
        read(client)
