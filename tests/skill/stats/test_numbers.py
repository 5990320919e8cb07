"""skill/stats/numbers.py: one valid query per question, each of a metric the skill writes;
CloudWatch's values become the numbers, rates and percentiles."""

from __future__ import annotations

import re

import pytest

from skill.runtime import metrics
from skill.stats.numbers import LAMBDA_NAMESPACE, live_numbers, queries

LOCALES = ("en-US", "en-GB")
FAMILIES = ("launch", "topic")


def test_every_query_has_its_own_valid_id_and_reads_a_metric_the_skill_writes() -> None:
    asked = queries(LOCALES, FAMILIES, "no-contact-companion-skill")
    ids = [query.id for query in asked]
    sets = {tuple(sorted(s)) for s in metrics.DIMENSION_SETS}

    assert len(set(ids)) == len(ids) <= 500
    assert all(re.fullmatch(r"[a-z][a-zA-Z0-9_]*", query_id) for query_id in ids)
    for query in asked:
        if query.namespace == LAMBDA_NAMESPACE:
            assert query.dimensions == (("FunctionName", "no-contact-companion-skill"),)
            continue
        assert query.metric in (*metrics.COUNTS, metrics.DURATION)
        assert tuple(sorted(name for name, _ in query.dimensions)) in sets
        assert dict(query.dimensions)["service"] == metrics.SERVICE


def test_a_query_is_asked_for_the_whole_range_as_one_period() -> None:
    (p99,) = [q for q in queries(LOCALES, FAMILIES, "f") if q.stat == "p99"]

    assert p99.request(604800) == {
        "Id": "duration_p99", "ReturnData": True,
        "MetricStat": {"Metric": {"Namespace": metrics.NAMESPACE, "MetricName": "Duration",
                                  "Dimensions": [{"Name": "service", "Value": "skill"}]},
                       "Period": 604800, "Stat": "p99"},
    }


def test_values_become_totals_rates_and_percentiles() -> None:
    values = {"requests": [40.0, 10.0], "total_errors": [1.0], "total_answers": [45.0],
              "duration_p99": [900.0, 1200.0], "answers_en_us": [20.0],
              "fallbacks_en_us": [5.0], "family_topic": [12.0], "throttles": []}

    numbers = live_numbers(values, LOCALES, FAMILIES)

    assert numbers.requests == 50 and numbers.totals["Answers"] == 45
    assert numbers.error_rate == pytest.approx(0.02)
    assert numbers.percentiles == {"p50": None, "p99": 1200.0}
    us, gb = numbers.locales
    assert (us.locale, us.answers, us.fallbacks, us.fallback_rate) == ("en-US", 20, 5, 0.25)
    assert (gb.answers, gb.fallback_rate) == (0, None)
    assert numbers.families == {"launch": 0, "topic": 12}
    assert not numbers.empty


def test_no_values_at_all_is_empty() -> None:
    numbers = live_numbers({}, LOCALES, FAMILIES)

    assert numbers.empty and numbers.error_rate is None
    assert numbers.as_dict()["locales"]["en-GB"] == {"answers": 0, "fallbacks": 0,
                                                    "fallback_rate": None}
