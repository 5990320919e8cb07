"""Which metric statistics answer which question, and the numbers they make (pure).

Every question is one GetMetricData query over the whole time range, as a single period: sums
and sample counts over the range, and the percentiles of every answer time in it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from skill.runtime.metrics import COUNTS, DURATION, NAMESPACE, SERVICE

LAMBDA_NAMESPACE = "AWS/Lambda"
PERCENTILES = ("p50", "p99")


@dataclass(frozen=True)
class Query:
    """One statistic of one metric: a MetricDataQuery."""

    id: str
    metric: str
    dimensions: tuple[tuple[str, str], ...]
    stat: str
    namespace: str = NAMESPACE

    def request(self, period: int) -> dict[str, Any]:
        """The query as GetMetricData takes it."""
        dimensions = [{"Name": name, "Value": value} for name, value in self.dimensions]
        metric = {"Namespace": self.namespace, "MetricName": self.metric, "Dimensions": dimensions}
        return {"Id": self.id, "ReturnData": True,
                "MetricStat": {"Metric": metric, "Period": period, "Stat": self.stat}}


def _slug(name: str) -> str:
    """A query id part: CloudWatch takes lower-case letters, digits and underscores."""
    return "".join(c if c.isalnum() else "_" for c in name.lower())


def queries(
    locales: Sequence[str], families: Sequence[str], function_name: str
) -> tuple[Query, ...]:
    """Every query `nocontact stats` asks."""
    service = (("service", SERVICE),)
    return (
        Query("requests", DURATION, service, "SampleCount"),
        *(Query(f"total_{_slug(name)}", name, service, "Sum") for name in COUNTS),
        *(Query(f"duration_{p}", DURATION, service, p) for p in PERCENTILES),
        *(Query(f"{kind}_{_slug(locale)}", metric, (*service, ("locale", locale)), "Sum")
          for locale in locales for kind, metric in (("fallbacks", "Fallbacks"),
                                                     ("answers", "Answers"))),
        *(Query(f"family_{_slug(family)}", "Answers", (*service, ("family", family)), "Sum")
          for family in families),
        Query("throttles", "Throttles", (("FunctionName", function_name),), "Sum",
              namespace=LAMBDA_NAMESPACE),
    )


@dataclass(frozen=True)
class LocaleNumbers:
    """How one locale's answers went: how many, and how many were Alexa's fallback."""

    locale: str
    answers: float
    fallbacks: float

    @property
    def fallback_rate(self) -> float | None:
        """The share of answers that were the fallback, the live understanding signal."""
        return self.fallbacks / self.answers if self.answers else None


@dataclass(frozen=True)
class LiveNumbers:
    """The skill's numbers over a time range."""

    requests: float
    totals: Mapping[str, float]
    percentiles: Mapping[str, float | None]
    throttles: float
    locales: tuple[LocaleNumbers, ...]
    families: Mapping[str, float]

    @property
    def error_rate(self) -> float | None:
        """The share of requests answered with the skill's apology."""
        return self.totals["Errors"] / self.requests if self.requests else None

    @property
    def empty(self) -> bool:
        return not self.requests and not self.throttles

    def as_dict(self) -> dict[str, Any]:
        """Plain values, for `--json`."""
        return {
            "requests": self.requests, "error_rate": self.error_rate, **self.totals,
            "answer_time_ms": dict(self.percentiles), "throttles": self.throttles,
            "locales": {n.locale: {"answers": n.answers, "fallbacks": n.fallbacks,
                                   "fallback_rate": n.fallback_rate} for n in self.locales},
            "families": dict(self.families),
        }


def live_numbers(
    values: Mapping[str, Sequence[float]], locales: Sequence[str], families: Sequence[str]
) -> LiveNumbers:
    """The numbers from CloudWatch's values per query id (a query with no data has none).

    Sums and counts add up over the datapoints; a percentile split over more than one (the
    range crossed a period boundary) is the largest, never an understatement.
    """
    def total(query_id: str) -> float:
        return float(sum(values.get(query_id, ())))

    def percentile(query_id: str) -> float | None:
        found = values.get(query_id, ())
        return max(found) if found else None

    return LiveNumbers(
        requests=total("requests"),
        totals={name: total(f"total_{_slug(name)}") for name in COUNTS},
        percentiles={p: percentile(f"duration_{p}") for p in PERCENTILES},
        throttles=total("throttles"),
        locales=tuple(LocaleNumbers(locale, total(f"answers_{_slug(locale)}"),
                                    total(f"fallbacks_{_slug(locale)}")) for locale in locales),
        families={family: total(f"family_{_slug(family)}") for family in families},
    )
