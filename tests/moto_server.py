"""A pytest plugin: moto's AWS server on loopback for the whole test session.

Tests that need it name the plugin (`pytest_plugins = ("tests.moto_server",)`) and take the
`moto_endpoint` fixture; boto3 clients point at it with `endpoint_url` and fake credentials,
so nothing ever reaches AWS. `moto_s3_client` is one S3 client for the session, `cloudwatch`
a client for its CloudWatch, and `put_emf` turns the skill's EMF log records into metrics
there, as CloudWatch Logs does.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

REGION = "us-east-1"


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """The URL of a moto server on 127.0.0.1, on a free port."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def fake_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials and a region in the environment, so boto3 never looks for real ones."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture
def aws_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials and a region, so boto3 never looks for real ones."""
    fake_credentials(monkeypatch)


@pytest.fixture(scope="session")
def moto_s3_client(moto_endpoint: str) -> Any:
    """A boto3 S3 client for moto's server, made once per session by the same factory the
    build uses: each new client reads botocore's service models, a tenth of a second. It holds
    the fake credentials it was made with; tests take it through `s3_client`."""
    from audio.stores import make_client

    with pytest.MonkeyPatch.context() as monkeypatch:
        fake_credentials(monkeypatch)
        return make_client(moto_endpoint)


def _with_percentiles(get_statistics_for_type: Any) -> Any:
    """moto's statistic, or CloudWatch's pNN (nearest rank over every value) for a
    percentile, which moto does not compute."""

    def statistic(self: Any, stat: str) -> Any:
        percentile = re.fullmatch(r"p(\d+(?:\.\d+)?)", stat)
        if percentile is None:
            return get_statistics_for_type(self, stat)
        values = sorted(self.metric_single_values_list)
        rank = math.ceil(float(percentile[1]) / 100 * len(values))
        return values[max(rank, 1) - 1]

    return statistic


@pytest.fixture
def cloudwatch(moto_endpoint: str, aws_environment: None, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A boto3 CloudWatch client for moto's server, in a region no other test writes to (the
    server lives all session), its percentiles computed as CloudWatch does."""
    import boto3
    from moto.cloudwatch import models

    monkeypatch.setattr(models.Statistics, "get_statistics_for_type",
                        _with_percentiles(models.Statistics.get_statistics_for_type))
    region = _CLOUDWATCH_REGIONS[next(_cloudwatch_tests) % len(_CLOUDWATCH_REGIONS)]
    monkeypatch.setenv("AWS_DEFAULT_REGION", region)
    return boto3.client("cloudwatch", endpoint_url=moto_endpoint, region_name=region)


_CLOUDWATCH_REGIONS = (
    "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1", "ap-south-1",
    "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "ca-central-1", "sa-east-1",
    "us-west-1", "us-west-2", "us-east-2",
)
_cloudwatch_tests = itertools.count()


def put_emf(client: Any, records: Iterable[dict[str, Any]]) -> int:
    """Turn EMF records into metrics as CloudWatch Logs does, and put them; how many data.

    Each directive of a record's `_aws.CloudWatchMetrics` gives, for each of its dimension sets
    and each of its metrics, one datum: the metric's value (or values) from the record's root,
    with the dimensions' values from the root too, at the record's timestamp.
    """
    data: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        stamp = datetime.fromtimestamp(record["_aws"]["Timestamp"] / 1000, UTC)
        for directive in record["_aws"]["CloudWatchMetrics"]:
            for dimension_set in directive["Dimensions"]:
                dimensions = [{"Name": name, "Value": record[name]} for name in dimension_set]
                for metric in directive["Metrics"]:
                    value = record[metric["Name"]]
                    data.setdefault(directive["Namespace"], []).append({
                        "MetricName": metric["Name"], "Dimensions": dimensions,
                        "Values": value if isinstance(value, list) else [value],
                        "Unit": metric.get("Unit", "None"), "Timestamp": stamp,
                    })
    for namespace, items in data.items():
        for first in range(0, len(items), 500):
            client.put_metric_data(Namespace=namespace, MetricData=items[first:first + 500])
    return sum(len(items) for items in data.values())
