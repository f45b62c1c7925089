"""Start-up cost of the CLI, side by side with a bare interpreter.

    .venv/bin/python benchmarks/bench_cli_startup.py [--runs 30]

Times ``tasker-ctl --version``, ``--help``, ``template --help``, ``validate --help`` and
``template list`` against ``python -c pass`` with the same interpreter, interleaved
(one sample of each command per round, so a busy machine slows all of them alike), and
reports the median of each and its ratio. Product targets: ``--version`` <= 2.5x,
``--help`` <= 5x, ``template list`` <= 8x; the exit status is 1 when one is missed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGETS = {"--version": 2.5, "--help": 5.0, "template list": 8.0}
ROOT = Path(__file__).resolve().parent.parent
# Run from byte-compiled modules, as `pip install` leaves them.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def sample(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "tasker_ctl")], check=True, env=ENV
    )
    script = Path(sys.executable).with_name("tasker-ctl")
    cli = [str(script)] if script.exists() else [sys.executable, "-m", "tasker_ctl"]
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "--version": [*cli, "--version"],
        "--help": [*cli, "--help"],
        "template --help": [*cli, "template", "--help"],
        "validate --help": [*cli, "validate", "--help"],
        "template list": [*cli, "template", "list"],
    }
    for cmd in commands.values():  # warm the file cache and the byte code
        sample(cmd)
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, cmd in commands.items():
            samples[name].append(sample(cmd))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    baseline = medians["python -c pass"]
    missed = False
    for name, value in medians.items():
        line = f"{name:<18} {value * 1000:8.1f} ms"
        if name != "python -c pass":
            ratio = value / baseline
            line += f"   ratio {ratio:5.2f}x"
            if name.removeprefix("tasker-ctl ") in TARGETS:
                target = TARGETS[name]
                missed |= ratio > target
                line += f"   (target <= {target}x{'' if ratio <= target else ', MISSED'})"
        print(line)
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
