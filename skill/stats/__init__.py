"""The skill's live numbers, read back from CloudWatch: what `nocontact stats` prints.

- `numbers` (pure): which statistic of which metric answers each question (requests, errors,
  crisis answers, completions, answer time, the fallback rate per locale, answers by family),
  and the `LiveNumbers` CloudWatch's answers make.
- `cloudwatch` (the edge): GetMetricData through boto3, every failure one sentence.

The metric names and dimensions are the ones skill.runtime.metrics writes. May import
skill.runtime.metrics, content (the locales) and boto3; nothing is shipped to Lambda.
"""

from __future__ import annotations

import logging

logging.getLogger(__name__).addHandler(logging.NullHandler())


class StatsError(RuntimeError):
    """CloudWatch could not be read; the message says what to do."""
