"""Benchmark `tasker-ctl validate` against yamllint and check-jsonschema on the same files.

Targets (product.md, issue 10): validating one file takes at most as long as
`yamllint` on it (ratio <= 1.0); 1,000 and 10,000 templates in one call take at
most 0.2 x `check-jsonschema` (which checks only the schema) and peak at 64 MiB;
time is linear in files and in steps (one template of 1k/10k/28k/100k steps;
28,000 steps well under a second).

The templates are generated into a temporary directory (nothing is written to the
repository): ten-step templates with a decision, a batch pipeline, retries, events
and schemas, and single templates of N chained steps. check-jsonschema validates
them against tasker-ctl's own shipped JSON Schema. The comparison tools are dev-only
dependencies:

    .venv/bin/pip install yamllint check-jsonschema
    .venv/bin/python benchmarks/bench_validate.py [--runs 5] [--quick]

Each command runs as a subprocess (cold start included, as a user or CI sees it);
the median of the runs is reported, and the peak RSS of the child (``wait4``); the
single-file commands take turns, at least 15 runs each. Every
tool runs from byte-compiled modules, as ``pip install`` leaves them: the package is
compiled first and the subprocesses run without ``PYTHONDONTWRITEBYTECODE`` (which
would make tasker-ctl recompile its own sources on every run while the comparison
tools use their installed ``.pyc`` files).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SCHEMA = ROOT / "tasker_ctl" / "schemas" / "task-template.json"
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

TEMPLATE = """\
name: order_flow_{i}
namespace_name: bench_{ns}
version: 1.{i}.0
description: Benchmark template {i}
metadata:
  author: bench
  tags: [language:python, pattern:mixed]
input_schema:
  type: object
  required: [order_id]
  properties:
    order_id: {{type: string}}
    amount: {{type: number, minimum: 0}}
steps:
  - name: validate_order
    handler:
      callable: shop.handlers.validate_order
      initialization: {{strict: true}}
    retry: {{retryable: true, max_attempts: 3, backoff: exponential}}
    timeout_seconds: 30
    result_schema:
      type: object
      properties: {{valid: {{type: boolean}}}}
  - name: route_order
    type: decision
    dependencies: [validate_order]
    handler: {{callable: shop.handlers.route_order}}
    result_schema: {{type: object}}
  - name: express
    dependencies: [route_order]
    handler: {{callable: shop.handlers.express}}
    result_schema: {{type: object}}
  - name: standard
    dependencies: [route_order]
    handler: {{callable: shop.handlers.standard}}
    result_schema: {{type: object}}
  - name: converge
    type: deferred_convergence
    dependencies: [express, standard]
    handler: {{callable: shop.handlers.converge}}
    result_schema: {{type: object}}
  - name: analyze_items
    type: batchable
    dependencies: [validate_order]
    handler:
      callable: shop.handlers.analyze_items
      initialization: {{worker_template_name: process_items}}
    result_schema: {{type: object}}
  - name: process_items
    type: batch_worker
    dependencies: [analyze_items]
    handler: {{callable: shop.handlers.process_items}}
    batch_config:
      batch_size: 100
      parallelism: 4
      cursor_field: item_index
      worker_template: process_items
      failure_strategy: continue_on_failure
    result_schema: {{type: object}}
  - name: aggregate_items
    type: deferred_convergence
    dependencies: [process_items]
    handler: {{callable: shop.handlers.aggregate_items}}
    result_schema: {{type: object}}
  - name: notify
    dependencies: [validate_order]
    handler: {{callable: shop.handlers.notify}}
    publishes_events:
      - name: order.notified
        description: The customer was notified
        schema: {{type: object, properties: {{channel: {{type: string}}}}}}
    result_schema: {{type: object}}
  - name: archive
    dependencies: [notify]
    handler: {{callable: shop.handlers.archive}}
    result_schema: {{type: object}}
"""


STEP = """\
  - name: step_{i:06d}
    handler: {{callable: chain.handlers.step_{i:06d}}}
    dependencies: [step_{p:06d}]
    retry: {{retryable: true, max_attempts: 3, backoff_base_ms: 1000}}
    result_schema: {{type: object, properties: {{n: {{type: integer}}}}}}
"""


def write_templates(directory: Path, count: int) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = directory / f"template_{i:05d}.yaml"
        path.write_text(TEMPLATE.format(i=i, ns=i % 7), encoding="utf-8")
        paths.append(path)
    return paths


def write_chain(path: Path, steps: int) -> Path:
    """One template of ``steps`` chained steps (each depends on the one before)."""
    head = (
        f"name: chain_{steps}\nnamespace_name: bench\nversion: 1.0.0\nsteps:\n"
        "  - name: step_000000\n    handler: {callable: chain.handlers.step_000000}\n"
        "    result_schema: {type: object}\n"
    )
    body = "".join(STEP.format(i=i, p=i - 1) for i in range(1, steps))
    path.write_text(head + body, encoding="utf-8")
    return path


def tool(name: str) -> str:
    path = BIN / name
    if path.exists():
        return str(path)
    found = shutil.which(name)
    if found is None:
        sys.exit(f"{name} is not installed: .venv/bin/pip install yamllint check-jsonschema")
    return found


def measure(command: list[str], cwd: Path) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MiB) and exit code of one run of ``command``."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss / 1024, process.returncode


def interleaved(
    commands: dict[str, list[str]], runs: int, cwd: Path
) -> dict[str, tuple[float, float]]:
    """Like :func:`median` for several quick commands, run in turn (A B C A B C ...).

    Start-up comparisons are a few milliseconds apart: taking turns keeps a change
    in the machine's load from favouring whichever command happened to run first.
    """
    for command in commands.values():
        measure(command, cwd)
    samples: dict[str, list[tuple[float, float, int]]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            samples[name].append(measure(command, cwd))
    return {
        name: (statistics.median(s[0] for s in got), max(s[1] for s in got))
        for name, got in samples.items()
    }


def median(command: list[str], runs: int, cwd: Path) -> tuple[float, float]:
    """Median wall seconds and the largest peak RSS (MiB) over ``runs`` runs (after a warm-up)."""
    measure(command, cwd)
    samples = [measure(command, cwd) for _ in range(runs)]
    return statistics.median(s[0] for s in samples), max(s[1] for s in samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="1k files, up to 28k steps")
    args = parser.parse_args()
    file_counts = (1000,) if args.quick else (1000, 10000)
    step_counts = (1000, 10000, 28000) if args.quick else (1000, 10000, 28000, 100000)
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "tasker_ctl")], check=True, env=ENV
    )
    tasker, yamllint, cjs = tool("tasker-ctl"), tool("yamllint"), tool("check-jsonschema")
    rows: list[tuple[str, float, float]] = []
    ratios: list[str] = []

    def record(name: str, command: list[str], runs: int, cwd: Path) -> float:
        seconds, rss = median(command, runs, cwd)
        rows.append((name, seconds, rss))
        print(f"  {name:<42} {seconds * 1000:10.1f} ms {rss:8.1f} MiB", flush=True)
        return seconds

    with tempfile.TemporaryDirectory(prefix="tasker-ctl-bench-") as tmp:
        work = Path(tmp)
        (work / ".yamllint").write_text("extends: relaxed\n", encoding="utf-8")
        one = write_templates(work / "one", 1)[0]
        quick = interleaved(
            {
                "python -c pass": [sys.executable, "-c", "pass"],
                "tasker-ctl --version": [tasker, "--version"],
                "tasker-ctl validate (1 file)": [tasker, "validate", str(one)],
                "yamllint (1 file)": [yamllint, str(one)],
            },
            max(15, args.runs * 5),
            work,
        )
        for name, (seconds, rss) in quick.items():
            rows.append((name, seconds, rss))
            print(f"  {name:<42} {seconds * 1000:10.1f} ms {rss:8.1f} MiB", flush=True)
        base, version = quick["python -c pass"][0], quick["tasker-ctl --version"][0]
        ours, theirs = quick["tasker-ctl validate (1 file)"][0], quick["yamllint (1 file)"][0]
        ratios.append(f"--version / python -c pass = {version / base:.2f} (target <= 2.5)")
        ratios.append(f"validate 1 file / yamllint = {ours / theirs:.2f} (target <= 1.0)")
        per_file: dict[int, float] = {}
        for count in file_counts:
            directory = work / f"files_{count}"
            files = write_templates(directory, count)
            runs = max(1, args.runs // (2 if count <= 1000 else 5))
            ours = record(
                f"tasker-ctl validate ({count} files)",
                [tasker, "validate", str(directory)],
                runs,
                work,
            )
            cj = record(
                f"check-jsonschema ({count} files)",
                [cjs, "--schemafile", str(SCHEMA), *map(str, files)],
                runs,
                work,
            )
            yl = record(f"yamllint ({count} files)", [yamllint, str(directory)], runs, work)
            per_file[count] = ours
            ratios.append(
                f"validate {count} files / check-jsonschema = {ours / cj:.2f} (target <= 0.2); "
                f"/ yamllint = {ours / yl:.2f}; peak {rows[-3][2]:.1f} MiB (target <= 64)"
            )
        if len(per_file) > 1:
            ratios.append(
                f"10k files / 1k files = {per_file[10000] / per_file[1000]:.2f} (linear: ~10)"
            )
        per_steps: dict[int, float] = {}
        for steps in step_counts:
            path = write_chain(work / f"chain_{steps}.yaml", steps)
            runs = max(1, args.runs // (1 if steps <= 10000 else 3))
            ours = record(
                f"tasker-ctl validate ({steps} steps)", [tasker, "validate", str(path)], runs, work
            )
            cj = record(
                f"check-jsonschema ({steps} steps)",
                [cjs, "--schemafile", str(SCHEMA), str(path)],
                runs,
                work,
            )
            yl = record(f"yamllint ({steps} steps)", [yamllint, str(path)], runs, work)
            per_steps[steps] = ours
            ratios.append(
                f"validate {steps} steps: {ours * 1000:.0f} ms; "
                f"/ check-jsonschema = {ours / cj:.2f}; "
                f"/ yamllint = {ours / yl:.2f}; peak {rows[-3][2]:.1f} MiB"
            )
        ratios.append(
            f"10k steps / 1k steps = {per_steps[10000] / per_steps[1000]:.2f} (linear: ~10)"
        )
        if 100000 in per_steps:
            ratios.append(
                f"100k steps / 10k steps = {per_steps[100000] / per_steps[10000]:.2f} (linear: ~10)"
            )
        check = subprocess.run(
            [tasker, "validate", str(one)], cwd=work, capture_output=True, text=True, env=ENV
        )
    print()
    for line in ratios:
        print(line)
    print(
        f"(validate exit code on the sample: {check.returncode}; output: "
        f"{check.stdout.strip().splitlines()[-1] if check.stdout.strip() else '-'})"
    )


if __name__ == "__main__":
    main()
