"""Start-up cost of the CLI, side by side with a bare interpreter (product target: <= 2.5x).

    .venv/bin/python benchmarks/bench_cli_startup.py [--runs 30]

Times ``tasker-ctl --version`` and ``tasker-ctl --help`` against ``python -c pass`` with
the same interpreter, and reports the median of each and the ratios.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET_VERSION_RATIO = 2.5
ROOT = Path(__file__).resolve().parent.parent
# Run from byte-compiled modules, as `pip install` leaves them.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def median_seconds(cmd: list[str], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV
        )
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "tasker_ctl")], check=True, env=ENV
    )
    script = Path(sys.executable).with_name("tasker-ctl")
    cli = [str(script)] if script.exists() else [sys.executable, "-m", "tasker_ctl"]
    baseline = median_seconds([sys.executable, "-c", "pass"], args.runs)
    version = median_seconds([*cli, "--version"], args.runs)
    helptext = median_seconds([*cli, "--help"], max(5, args.runs // 3))
    print(f"python -c pass          {baseline * 1000:8.1f} ms")
    print(
        f"tasker-ctl --version    {version * 1000:8.1f} ms   ratio {version / baseline:5.2f}x"
        f"   (target <= {TARGET_VERSION_RATIO}x)"
    )
    print(f"tasker-ctl --help       {helptext * 1000:8.1f} ms   ratio {helptext / baseline:5.2f}x")
    return 0 if version / baseline <= TARGET_VERSION_RATIO else 1


if __name__ == "__main__":
    raise SystemExit(main())
