"""Where the test suite's time goes: each test's wall time and CPU time, summed by folder.

Runs pytest in this process, one test at a time (no `-n`, so each test's CPU is its own),
with any pytest arguments given, and prints two Markdown tables for CONTRIBUTING.md: time per
folder and the slowest tests. CPU time is this process's (every thread) plus the processes a
test started and waited for (servers, `nocontact` runs, uv); a fixture's setup counts in the
first test that needs it. On a shared machine wall time moves with the load; CPU time much
less, and CPU time over two is about what two workers take.

    .venv/bin/python bench/suite.py [--slowest 30] [--json FILE] [pytest arguments]
    .venv/bin/python bench/suite.py -m "not slow and not browser"
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Timing:
    """One test: its node id, wall seconds and CPU seconds (setup, call and teardown)."""

    nodeid: str
    wall: float
    cpu: float

    @property
    def folder(self) -> str:
        return self.nodeid.split("::", 1)[0].rsplit("/", 1)[0]


def _cpu() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


class Recorder:
    """A pytest plugin timing each test's whole protocol."""

    def __init__(self) -> None:
        self.timings: list[Timing] = []

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Iterator[None]:
        wall, cpu = time.perf_counter(), _cpu()
        yield
        self.timings.append(Timing(item.nodeid, time.perf_counter() - wall, _cpu() - cpu))


def folder_table(timings: list[Timing]) -> list[str]:
    """Tests, wall and CPU seconds per folder, the costliest first, with the total."""
    by_folder: dict[str, list[Timing]] = defaultdict(list)
    for timing in timings:
        by_folder[timing.folder].append(timing)
    rows = sorted(by_folder.items(), key=lambda row: -sum(t.cpu for t in row[1]))
    lines = ["| folder | tests | wall s | CPU s |", "| --- | ---: | ---: | ---: |"]
    for folder, group in [*rows, ("**total**", timings)]:
        wall, cpu = sum(t.wall for t in group), sum(t.cpu for t in group)
        lines.append(f"| {folder} | {len(group):,} | {wall:,.1f} | {cpu:,.1f} |")
    return lines


def slowest_table(timings: list[Timing], count: int) -> list[str]:
    """The `count` tests that took the most CPU."""
    lines = ["| test | wall s | CPU s |", "| --- | ---: | ---: |"]
    for timing in sorted(timings, key=lambda t: -t.cpu)[:count]:
        lines.append(f"| `{timing.nodeid}` | {timing.wall:.1f} | {timing.cpu:.1f} |")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slowest", type=int, default=30, help="How many tests to list.")
    parser.add_argument("--json", type=Path, help="Also write every test's timing here.")
    args, pytest_args = parser.parse_known_args()
    os.chdir(ROOT)
    recorder = Recorder()
    load, started = os.getloadavg()[0], (time.perf_counter(), _cpu())
    code = pytest.main(["-q", "-p", "no:cacheprovider", *pytest_args], plugins=[recorder])
    wall, cpu = time.perf_counter() - started[0], _cpu() - started[1]
    timings = recorder.timings
    print(f"\n{len(timings)} tests; the whole run {wall:.1f} s wall, {cpu:.1f} s CPU; "
          f"load average {load:.2f} at the start, {os.getloadavg()[0]:.2f} at the end\n")
    print("\n".join(folder_table(timings)), end="\n\n")
    print("\n".join(slowest_table(timings, args.slowest)))
    if args.json:
        args.json.write_text(json.dumps([asdict(t) for t in timings], indent=1), encoding="utf-8")
    return int(code)


if __name__ == "__main__":
    sys.exit(main())
