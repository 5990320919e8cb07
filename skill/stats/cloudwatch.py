"""CloudWatch at the edge: the client, and GetMetricData asked every query of `numbers`.

boto3 is imported here only, inside the client factory; a failure is a StatsError saying what
to do (credentials, region, permissions, an unreachable endpoint).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from skill.stats import StatsError
from skill.stats.numbers import LiveNumbers, Query, live_numbers, queries

# GetMetricData takes at most 500 queries a call.
MAX_QUERIES = 500


def make_client(region: str | None, profile: str | None, endpoint_url: str | None) -> Any:
    """A CloudWatch client from the usual AWS configuration, optionally for one profile,
    region or endpoint."""
    import boto3
    from botocore.exceptions import BotoCoreError

    try:
        session = boto3.Session(profile_name=profile, region_name=region)
        return session.client("cloudwatch", endpoint_url=endpoint_url)
    except BotoCoreError as error:
        raise StatsError(_sentence(error)) from None


def read_live_numbers(
    client: Any, *, days: int, now: datetime, locales: Sequence[str], families: Sequence[str],
    function_name: str,
) -> LiveNumbers:
    """The skill's numbers over the `days` before `now`, as one period."""
    asked = queries(locales, families, function_name)
    period = days * 86400
    values = fetch(client, asked, now - timedelta(seconds=period), now, period)
    return live_numbers(values, locales, families)


def fetch(
    client: Any, asked: Sequence[Query], start: datetime, end: datetime, period: int
) -> dict[str, list[float]]:
    """Every query's values, page after page."""
    from botocore.exceptions import BotoCoreError, ClientError

    values: dict[str, list[float]] = {}
    try:
        for first in range(0, len(asked), MAX_QUERIES):
            batch = [query.request(period) for query in asked[first:first + MAX_QUERIES]]
            pages = client.get_paginator("get_metric_data").paginate(
                MetricDataQueries=batch, StartTime=start, EndTime=end,
            )
            for page in pages:
                for result in page["MetricDataResults"]:
                    values.setdefault(result["Id"], []).extend(result["Values"])
    except ClientError as error:
        details = error.response.get("Error", {})
        code = details.get("Code", "error")
        needs = ("; the credentials need cloudwatch:GetMetricData"
                 if code in ("AccessDenied", "AccessDeniedException") else "")
        raise StatsError(
            f"CloudWatch refused the query ({code}: {details.get('Message', '')}){needs}"
        ) from None
    except BotoCoreError as error:
        raise StatsError(_sentence(error)) from None
    return values


def _sentence(error: Exception) -> str:
    """What to do about a botocore failure that happened before CloudWatch could answer."""
    from botocore.exceptions import (
        EndpointConnectionError,
        NoCredentialsError,
        NoRegionError,
        ProfileNotFound,
    )

    if isinstance(error, NoCredentialsError):
        return ("no AWS credentials; run `aws configure` or `aws sso login`, or pass "
                "--profile")
    if isinstance(error, NoRegionError):
        return "no AWS region; pass --region with the stack's region"
    if isinstance(error, ProfileNotFound):
        return f"{error}; pass --profile with one of your AWS profiles"
    if isinstance(error, EndpointConnectionError):
        return f"CloudWatch could not be reached ({error}); check the network and --region"
    return f"CloudWatch could not be read ({error})"
