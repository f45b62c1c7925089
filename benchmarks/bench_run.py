"""Benchmark of `tasker-ctl run`: per-step overhead and how it scales.

Times the in-process runner (the real tasker_core SDK calling no-op DSL
handlers) on a 1,000- and a 10,000-step chain and on a 1,000-worker batch
fan-out, and prints the per-step overhead (wall time minus the handlers' own
time, divided by the number of handler calls) and the 10k/1k ratio, next to
the targets of product.md (<= 0.2 ms per step; 10k <= 12 x 1k).

    .venv/bin/python benchmarks/bench_run.py [--repeat N] [--cli]

``--cli`` also times the whole command (`tasker-ctl run --format json`) on the
1,000-step chain in a subprocess, including interpreter start and SDK import.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("RUST_LOG", "off")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HANDLERS = """
from tasker_core.batch_processing import Batchable
from tasker_core.step_handler import StepHandler
from tasker_core.step_handler.functional import step_handler


@step_handler("bench.noop")
def noop(context):
    return {}


class Analyzer(StepHandler, Batchable):
    handler_name = "bench.Analyzer"

    def call(self, context):
        total = context.get_input("workers")
        ranges = self.create_cursor_ranges(total_items=total, batch_size=1)
        return self.batch_analyzer_success(
            cursor_configs=ranges, total_items=total, worker_template_name="work"
        )
"""


def chain(n: int) -> dict[str, Any]:
    steps = [{"name": "s0", "handler": {"callable": "bench.noop"}}]
    steps += [
        {"name": f"s{i}", "handler": {"callable": "bench.noop"}, "dependencies": [f"s{i - 1}"]}
        for i in range(1, n)
    ]
    return {"name": f"chain_{n}", "namespace_name": "bench", "version": "1.0.0", "steps": steps}


def batch() -> dict[str, Any]:
    return {
        "name": "fanout",
        "namespace_name": "bench",
        "version": "1.0.0",
        "steps": [
            {"name": "analyze", "type": "batchable", "handler": {"callable": "bench.Analyzer"}},
            {
                "name": "work",
                "type": "batch_worker",
                "dependencies": ["analyze"],
                "handler": {"callable": "bench.noop"},
                "batch_config": {
                    "batch_size": 1,
                    "parallelism": 1,
                    "cursor_field": "id",
                    "worker_template": "work",
                    "failure_strategy": "continue_on_failure",
                },
            },
            {
                "name": "aggregate",
                "type": "deferred_convergence",
                "dependencies": ["work"],
                "handler": {"callable": "bench.noop"},
            },
        ],
    }


def measure(
    data: dict[str, Any], context: dict[str, Any], catalog: Any
) -> tuple[float, float, int]:
    from tasker_ctl.executor import run_workflow
    from tasker_ctl.model import TaskTemplate

    template = TaskTemplate.model_validate(data)
    started = time.perf_counter()
    result = run_workflow(template, context, catalog)
    wall_ms = (time.perf_counter() - started) * 1000.0
    assert result.complete, result.status
    calls = sum(s.attempts for s in result.steps)
    return wall_ms, result.handler_ms, calls


def best(runs: list[tuple[float, float, int]]) -> tuple[float, float, int]:
    return min(runs, key=lambda r: r[0])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per case (best is kept)")
    parser.add_argument("--cli", action="store_true", help="also time the CLI in a subprocess")
    args = parser.parse_args()

    from tasker_ctl.executor import open_handlers
    from tasker_ctl.model import TaskTemplate

    with tempfile.TemporaryDirectory() as tmp:
        package = Path(tmp) / "bench_handlers"
        package.mkdir()
        (package / "__init__.py").write_text(HANDLERS, encoding="utf-8")
        probe = TaskTemplate.model_validate(chain(1))
        with open_handlers(probe, roots=[Path(tmp)], packages=["bench_handlers"]) as catalog:
            cases = {
                "chain 1,000": (chain(1000), {}),
                "chain 10,000": (chain(10000), {}),
                "batch 1,000 workers": (batch(), {"workers": 1000}),
            }
            measure(chain(200), {}, catalog)  # warm up imports and pydantic schemas
            results = {}
            for label, (data, context) in cases.items():
                runs = [measure(data, context, catalog) for _ in range(args.repeat)]
                results[label] = best(runs)
        print(f"{'case':<22}{'calls':>8}{'wall ms':>11}{'handler ms':>12}{'overhead/step':>16}")
        for label, (wall, handler, calls) in results.items():
            per_step = (wall - handler) / calls
            print(f"{label:<22}{calls:>8}{wall:>11.1f}{handler:>12.1f}{per_step:>13.3f} ms")
        ratio = results["chain 10,000"][0] / results["chain 1,000"][0]
        worst = max((w - h) / c for w, h, c in results.values())
        print()
        print(f"10k/1k wall-time ratio: {ratio:.2f}  (target <= 12)")
        print(f"worst overhead per step: {worst:.3f} ms  (target <= 0.2 ms)")
        if args.cli:
            _time_cli(Path(tmp))
    return 0


def _time_cli(tmp: Path) -> None:
    import yaml

    template = tmp / "chain.yaml"
    template.write_text(yaml.safe_dump(chain(1000)), encoding="utf-8")
    context = tmp / "context.json"
    context.write_text("{}", encoding="utf-8")
    command = [
        sys.executable, "-m", "tasker_ctl", "run", str(template), "--context", str(context),
        "--handlers-root", str(tmp), "--handler-package", "bench_handlers", "--format", "json",
    ]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=tmp)
    elapsed = (time.perf_counter() - started) * 1000.0
    report = json.loads(done.stdout) if done.stdout.strip().startswith("{") else {}
    status = report.get("task", {}).get("status", f"exit {done.returncode}")
    print(f"CLI, 1,000-step chain, --format json: {elapsed:.0f} ms end to end ({status})")


if __name__ == "__main__":
    raise SystemExit(main())
