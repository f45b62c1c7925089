"""Benchmark of `tasker-ctl run`: per-step overhead across the worker boundary.

Runs no-op DSL handlers through the real tasker_core SDK in a worker process
(as `tasker-ctl run` does) on a 1,000- and a 10,000-step chain, a 1,000-wide
fan-out and a 1,000-worker batch, and prints for each the median per-step
overhead (wall time minus the handlers' own time, divided by the handler
calls) over several runs with its spread, next to the SDK floor measured in
the same process: building the SDK's event and context and calling the same
no-op handler through the registry, with nothing else. Also the 10k/1k ratio,
the peak RSS of the orchestrator and of the worker at 10,000 steps, and the
start-up of the CLI (process start to the first step running), next to its floor:
a bare interpreter and one that imports the SDK, as the worker must before any step.

    .venv/bin/python benchmarks/bench_run.py [--repeat N] [--no-cli]

Targets (issue 9): <= 0.1 ms/step median on the 1k chain and the 1k fan-out,
10k/1k <= 10.5, peak RSS <= 100 MiB at 10k steps, start-up <= 200 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

os.environ.setdefault("RUST_LOG", "off")
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # byte-compiled, as pip installs leave it

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


def _task(name: str, steps: list[dict[str, Any]]) -> dict[str, Any]:
    return {"name": name, "namespace_name": "bench", "version": "1.0.0", "steps": steps}


def chain(n: int) -> dict[str, Any]:
    steps = [{"name": "s0", "handler": {"callable": "bench.noop"}}]
    steps += [
        {"name": f"s{i}", "handler": {"callable": "bench.noop"}, "dependencies": [f"s{i - 1}"]}
        for i in range(1, n)
    ]
    return _task(f"chain_{n}", steps)


def fanout(n: int) -> dict[str, Any]:
    steps = [{"name": "root", "handler": {"callable": "bench.noop"}}]
    steps += [
        {"name": f"leaf{i}", "handler": {"callable": "bench.noop"}, "dependencies": ["root"]}
        for i in range(n)
    ]
    return _task(f"fanout_{n}", steps)


def batch() -> dict[str, Any]:
    return _task(
        "batch",
        [
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
    )


def measure(data: dict[str, Any], context: dict[str, Any], workers: Any) -> float:
    """Per-step overhead of one run, in ms."""
    from tasker_ctl.executor import run_workflow
    from tasker_ctl.model import TaskTemplate

    template = TaskTemplate.model_validate(data)
    started = time.perf_counter()
    result = run_workflow(template, context, workers)
    wall_ms = (time.perf_counter() - started) * 1000.0
    assert result.complete, result.status
    calls = sum(s.attempts for s in result.steps)
    return (wall_ms - result.handler_ms) / calls


def sdk_floor(package_root: Path, calls: int = 2000) -> float:
    """ms per call: the SDK's event and context, and the no-op handler through the registry."""
    from tasker_ctl.executor.discovery import HandlerSources, load_handlers
    from tasker_ctl.executor.payload import IdSource, PayloadBuilder, TaskPayload
    from tasker_ctl.executor.sdk import load_sdk
    from tasker_ctl.model import TaskTemplate

    sdk = load_sdk()
    catalog = load_handlers(sdk, HandlerSources((package_root,), ("bench_handlers",)))
    template = TaskTemplate.model_validate(chain(1))
    ids = IdSource()
    task = TaskPayload(template, {}, ids)
    builder = PayloadBuilder(task.task, {"s0": task.definition("s0")})
    row = {
        "uuid": ids.new(), "named_step_uuid": ids.new(), "name": "s0",
        "template_step_name": "s0", "retryable": True, "max_attempts": 3, "attempts": 0,
        "last_attempted_at": None, "created_at": "2026-01-01T00:00:00.000000Z",
        "inputs": None, "results": None, "checkpoint": None,
    }  # fmt: skip
    handler = catalog.registry.resolve("bench.noop")
    payload = builder.build(row, "s0")
    event_ids = (ids.new(), task.task_uuid, str(row["uuid"]), task.correlation_id)
    samples = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(calls):
            event = sdk.event(event_ids, payload)
            context = sdk.StepContext.from_ffi_event(event, handler.name)
            handler.call(context)
        samples.append((time.perf_counter() - started) * 1000.0 / calls)
    return statistics.median(samples)


def worker_peak_rss_mib(workers: Any) -> float:
    peaks = []
    for pid in workers.pids():
        status = Path(f"/proc/{pid}/status")
        if status.exists():
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
    return max(peaks, default=float("nan"))


def startup_ms(tmp: Path, runs: int) -> float:
    """Median time from launching the CLI to its first step running (events log)."""
    import yaml

    template = tmp / "one.yaml"
    template.write_text(yaml.safe_dump(chain(1)), encoding="utf-8")
    samples = []
    for _ in range(runs):
        events = tmp / "events.jsonl"
        events.unlink(missing_ok=True)
        command = [
            sys.executable, "-m", "tasker_ctl", "run", str(template), "--format", "json",
            "--handlers-root", str(tmp), "--handler-package", "bench_handlers",
            "--events", str(events),
        ]  # fmt: skip
        launched = time.time()
        subprocess.run(command, capture_output=True, check=True, cwd=tmp)
        for line in events.read_text(encoding="utf-8").splitlines():
            event = json.loads(line)
            if event["type"] == "step_transition" and event["to_state"] == "in_progress":
                first = datetime.fromisoformat(event["time"].replace("Z", "+00:00")).timestamp()
                samples.append((first - launched) * 1000.0)
                break
    return statistics.median(samples)


def import_floor_ms(runs: int) -> tuple[float, float]:
    """Median wall time of a bare interpreter, and of one that imports the SDK as a worker does.

    The worker imports ``tasker_core`` (quietly, without httpx's command-line client)
    before it can run the first step: no start-up can be shorter than that import.
    """
    env = {**os.environ, "RUST_LOG": "off"}
    sdk = "import sys; sys.modules['httpx._main'] = None; import tasker_core"
    timings: dict[str, list[float]] = {"pass": [], "sdk": []}
    for _ in range(runs):
        for key, code in (("pass", "pass"), ("sdk", sdk)):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True, env=env)
            timings[key].append((time.perf_counter() - started) * 1000.0)
    return statistics.median(timings["pass"]), statistics.median(timings["sdk"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs per case (median kept)")
    parser.add_argument("--no-cli", action="store_true", help="skip the CLI start-up timing")
    args = parser.parse_args()

    from tasker_ctl.executor import open_handlers
    from tasker_ctl.model import TaskTemplate

    with tempfile.TemporaryDirectory() as tmp:
        package = Path(tmp) / "bench_handlers"
        package.mkdir()
        (package / "__init__.py").write_text(HANDLERS, encoding="utf-8")
        probe = TaskTemplate.model_validate(chain(1))
        cases = {
            "chain 1,000": (chain(1000), {}),
            "fan-out 1,000": (fanout(1000), {}),
            "batch 1,000 workers": (batch(), {"workers": 1000}),
            "chain 10,000": (chain(10000), {}),
        }
        results: dict[str, list[float]] = {}
        with open_handlers(probe, roots=[Path(tmp)], packages=["bench_handlers"]) as workers:
            measure(chain(300), {}, workers)  # warm up both processes
            for label, (data, context) in cases.items():
                repeat = args.repeat if "10,000" not in label else max(3, args.repeat // 2)
                results[label] = [measure(data, context, workers) for _ in range(repeat)]
            worker_rss = worker_peak_rss_mib(workers)
        own_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        floor = sdk_floor(Path(tmp))
        print(f"SDK floor (event + context + no-op handler, in-process): {floor:.3f} ms/call")
        print()
        print(f"{'case':<22}{'median ms/step':>16}{'min':>9}{'max':>9}{'x floor':>9}")
        for label, samples in results.items():
            median = statistics.median(samples)
            print(
                f"{label:<22}{median:>16.3f}{min(samples):>9.3f}{max(samples):>9.3f}"
                f"{median / floor:>9.1f}"
            )
        ratio = (statistics.median(results["chain 10,000"]) * 10000) / (
            statistics.median(results["chain 1,000"]) * 1000
        )
        print()
        print(f"10k/1k ratio (overhead): {ratio:.2f}  (target <= 10.5)")
        print(
            f"peak RSS: orchestrator {own_rss:.0f} MiB (includes the floor's in-process SDK), "
            f"worker {worker_rss:.0f} MiB  (target <= 100 MiB at 10k steps)"
        )
        if not args.no_cli:
            bare, sdk_import = import_floor_ms(7)
            print(f"CLI start-up to the first step: {startup_ms(Path(tmp), 7):.0f} ms  "
                  "(target <= 200 ms)")  # fmt: skip
            print(
                f"  its floor: python -c pass {bare:.0f} ms; python -c 'import tasker_core' "
                f"(what the worker imports before any step) {sdk_import:.0f} ms"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
