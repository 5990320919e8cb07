"""How long a newcomer waits for `make run`: the first run on a fresh clone, and each run after.

A fresh clone of this checkout's committed state, in a temporary folder with an empty clip
cache, gets `make run PORT=<free port>`; the time until the server answers /healthz is
measured, with when the environment was ready (make prints the `nocontact run` line) and when
the narration ended (the build's summary). Then the server is stopped and `make run` starts
again with nothing changed: a restart. The baseline, in the same run and the same clone, is
`nocontact serve` of the built store: the server's own start, which no restart can beat.

Targets: a restart serves in under 5 s; the first run narrates in what the README says. uv
installs packages from its cache on this machine; where they were never downloaded, the first
install also waits on PyPI. The load average is printed with the figures: the machine is shared.

    .venv/bin/python bench/make_run.py [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESTART_TARGET = 5.0
STARTUP_LIMIT = 1800.0


@dataclass
class Run:
    """One server start: seconds from launch until each milestone, and the CPU it took."""

    ready: float | None = None  # make prints the `nocontact run` line: the environment is set
    narrated: float | None = None  # the build's summary
    serving: float | None = None  # /healthz answers
    cpu: float = 0.0  # CPU seconds of every process it started
    lines: list[str] = field(default_factory=list, repr=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
    args = parser.parse_args()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="nocontact-make-run-") as temporary:
        clone = _clone(Path(temporary))
        environ = {**os.environ, "NOCONTACT_CACHE": str(Path(temporary) / "cache")}
        first = _serve(["make", "run", "PORT={port}"], clone, environ)
        restart = _serve(["make", "run", "PORT={port}"], clone, environ)
        baseline = _serve([".venv/bin/nocontact", "serve", "--port", "{port}"], clone, environ)
    figures = {
        "first_run": asdict(first) | {"lines": None},
        "restart": asdict(restart) | {"lines": None},
        "baseline_serve": asdict(baseline) | {"lines": None},
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "cores": os.cpu_count(),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        _print(first, restart, baseline, load_before)
    return 0 if restart.serving is not None and restart.serving < RESTART_TARGET else 1


def _clone(folder: Path) -> Path:
    """This checkout's committed state, cloned as a newcomer would."""
    branch = subprocess.run(
        ["git", "rev-parse", "--abbrev-ref", "HEAD"], cwd=ROOT, capture_output=True, text=True,
        check=True,
    ).stdout.strip()
    clone = folder / "clone"
    subprocess.run(["git", "clone", "--quiet", "--branch", branch, str(ROOT), str(clone)],
                   check=True)
    return clone


def _serve(command: list[str], cwd: Path, environ: dict[str, str]) -> Run:
    """Start `command` (with a free port), time it until it serves, then stop it."""
    port = _free_port()
    run = Run()
    cpu_before = _children_cpu()
    started = time.perf_counter()
    process = subprocess.Popen(
        [part.format(port=port) for part in command], cwd=cwd, env=environ,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )
    reader = threading.Thread(target=_read, args=(process, run, started), daemon=True)
    reader.start()
    try:
        while run.serving is None and process.poll() is None:
            if time.perf_counter() - started > STARTUP_LIMIT:
                raise SystemExit(f"{' '.join(command)} did not serve in {STARTUP_LIMIT:.0f} s")
            if _answers(port):
                run.serving = time.perf_counter() - started
            else:
                time.sleep(0.05)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)  # the group this run started: make and its child
        process.wait(60)
        reader.join(10)
    run.cpu = round(_children_cpu() - cpu_before, 2)
    if run.serving is None:
        raise SystemExit("the server stopped before it served:\n" + "\n".join(run.lines[-20:]))
    return run


def _read(process: subprocess.Popen, run: Run, started: float) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        now = time.perf_counter() - started
        run.lines.append(line.rstrip())
        if run.ready is None and "nocontact run" in line:
            run.ready = round(now, 2)
        if run.narrated is None and "reflection clips." in line:
            run.narrated = round(now, 2)


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as reply:
            return reply.status == 200
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _print(first: Run, restart: Run, baseline: Run, load: tuple[float, float, float]) -> None:
    print(f"Load average before: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on "
          f"{os.cpu_count()} cores; after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"first make run on a fresh clone: environment {first.ready:.1f} s, narrated "
          f"{first.narrated:.1f} s (narration {first.narrated - first.ready:.1f} s), serving "
          f"{first.serving:.1f} s; {first.cpu:.1f} CPU s")
    print(f"make run again, nothing changed: serving {restart.serving:.2f} s "
          f"(target < {RESTART_TARGET:g} s); {restart.cpu:.1f} CPU s")
    print(f"baseline, nocontact serve alone: serving {baseline.serving:.2f} s; "
          f"restart = {restart.serving / baseline.serving:.2f}x the baseline")


if __name__ == "__main__":
    sys.exit(main())
