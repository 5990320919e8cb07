"""How fast the simulator answers: `nocontact say` once the model is learned, the page's first
answer after the server starts, and learning a model the first time.

    .venv/bin/python bench/simulator.py [--runs 5]

Each figure is measured against a baseline in the same run: a `nocontact say` process against
a bare Python interpreter starting (the least any command can cost), the page's first answer
against the same server's /healthz, and learning the model against reading it back from the
cache. The cache is the user's own (what `make run` and `nocontact say` use), learned first if
it is cold; learning is timed in a scratch folder.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PYTHON = sys.executable
SAID = "my mom keeps guilt tripping me about christmas"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="Runs of each process.")
    args = parser.parse_args()
    learning, reading = learn_and_read()
    print(f"learning the en-US model: {learning:.1f} s; reading it back: {reading:.2f} s "
          f"({learning / reading:.0f}x)")
    bare = median_seconds([PYTHON, "-c", "pass"], args.runs)
    say = median_seconds([PYTHON, "-m", "scripts.cli", "say", SAID], args.runs)
    print(f"nocontact say, model learned: {say:.2f} s (target < 1.5 s); a bare interpreter "
          f"{bare:.2f} s ({say / bare:.1f}x)")
    health, first = first_answer()
    print(f"the page's first answer after the server starts: {first:.2f} s (target < 2 s); "
          f"/healthz {health * 1000:.0f} ms")
    return 0


def learn_and_read() -> tuple[float, float]:
    """Seconds to learn the en-US model into an empty folder, and to read it back."""
    from skill.simulator.simulation import interaction_model, understanding
    from skill.simulator.understanding import Understanding

    understanding("en-US")  # the user's cache warm for the processes below
    model = interaction_model("en-US")
    with tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        Understanding.train(model, Path(scratch))
        learned = time.perf_counter() - started
        started = time.perf_counter()
        Understanding.load(model, Path(scratch))
        return learned, time.perf_counter() - started


def median_seconds(command: list[str], runs: int) -> float:
    """The median wall time of a command run `runs` times from the project's root."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def first_answer() -> tuple[float, float]:
    """A server started as `nocontact serve` does it: /healthz, then the page's first answer."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [PYTHON, "-m", "scripts.cli", "serve", "--port", str(port)], cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        for line in server.stdout or ():
            if line.startswith("Serving"):
                break
        base = f"http://127.0.0.1:{port}"
        started = time.perf_counter()
        urllib.request.urlopen(f"{base}/healthz").read()
        health = time.perf_counter() - started
        body = json.dumps({"utterance": SAID, "state": None}).encode()
        request = urllib.request.Request(
            f"{base}/simulator/say", body, {"Content-Type": "application/json"}
        )
        started = time.perf_counter()
        urllib.request.urlopen(request).read()
        return health, time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    raise SystemExit(main())
