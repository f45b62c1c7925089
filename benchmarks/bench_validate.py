"""Benchmark `tasker-ctl validate` against yamllint and check-jsonschema on the same files.

Targets (product.md): validating one file takes at most as long as `yamllint` on
it (ratio <= 1.0), and validating 1,000 templates in one call is faster than
`check-jsonschema` on the same files (ratio < 1.0).

The templates are generated into a temporary directory (nothing is written to the
repository): ten-step templates with a decision, a batch pipeline, retries, events
and schemas. check-jsonschema validates them against tasker-ctl's own shipped JSON
Schema. The comparison tools are dev-only dependencies:

    .venv/bin/pip install yamllint check-jsonschema
    .venv/bin/python benchmarks/bench_validate.py [--runs 7] [--files 1000]

Each command runs as a subprocess (cold start included, as a user or CI sees it);
the median of the runs is reported. Every tool runs from byte-compiled modules, as
``pip install`` leaves them: the package is compiled first and the subprocesses run
without ``PYTHONDONTWRITEBYTECODE`` (which would make tasker-ctl recompile its own
sources on every run while the comparison tools use their installed ``.pyc`` files).
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


def write_templates(directory: Path, count: int) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = directory / f"template_{i:04d}.yaml"
        path.write_text(TEMPLATE.format(i=i, ns=i % 7), encoding="utf-8")
        paths.append(path)
    return paths


def tool(name: str) -> str:
    path = BIN / name
    if path.exists():
        return str(path)
    found = shutil.which(name)
    if found is None:
        sys.exit(f"{name} is not installed: .venv/bin/pip install yamllint check-jsonschema")
    return found


def median_seconds(command: list[str], runs: int, cwd: Path) -> float:
    subprocess.run(command, cwd=cwd, capture_output=True, check=False, env=ENV)  # warm caches
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, capture_output=True, check=False, env=ENV)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--files", type=int, default=1000)
    args = parser.parse_args()
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "tasker_ctl")], check=True, env=ENV
    )
    with tempfile.TemporaryDirectory(prefix="tasker-ctl-bench-") as tmp:
        work = Path(tmp)
        one = write_templates(work / "one", 1)[0]
        many_dir = work / "many"
        many = write_templates(many_dir, args.files)
        (work / ".yamllint").write_text("extends: relaxed\n", encoding="utf-8")
        tasker = tool("tasker-ctl")
        results = {
            "python -c pass": median_seconds([sys.executable, "-c", "pass"], args.runs, work),
            "tasker-ctl --version": median_seconds([tasker, "--version"], args.runs, work),
            "tasker-ctl validate (1 file)": median_seconds(
                [tasker, "validate", str(one)], args.runs, work
            ),
            "yamllint (1 file)": median_seconds([tool("yamllint"), str(one)], args.runs, work),
            f"tasker-ctl validate ({args.files} files)": median_seconds(
                [tasker, "validate", str(many_dir)], max(3, args.runs // 2), work
            ),
            f"check-jsonschema ({args.files} files)": median_seconds(
                [tool("check-jsonschema"), "--schemafile", str(SCHEMA), *map(str, many)],
                max(3, args.runs // 2),
                work,
            ),
            f"yamllint ({args.files} files)": median_seconds(
                [tool("yamllint"), str(many_dir)], max(3, args.runs // 2), work
            ),
        }
        check = subprocess.run(
            [tasker, "validate", str(one)], cwd=work, capture_output=True, text=True, env=ENV
        )
    width = max(len(k) for k in results)
    for name, seconds in results.items():
        print(f"{name:<{width}}  {seconds * 1000:9.1f} ms")
    one_ratio = results["tasker-ctl validate (1 file)"] / results["yamllint (1 file)"]
    many_ratio = (
        results[f"tasker-ctl validate ({args.files} files)"]
        / results[f"check-jsonschema ({args.files} files)"]
    )
    version_ratio = results["tasker-ctl --version"] / results["python -c pass"]
    print()
    print(f"validate 1 file / yamllint            = {one_ratio:.2f}  (target <= 1.0)")
    print(f"validate {args.files} files / check-jsonschema = {many_ratio:.2f}  (target < 1.0)")
    print(f"--version / python -c pass            = {version_ratio:.2f}  (target <= 2.5)")
    print(
        f"(validate exit code on the sample: {check.returncode}; output: "
        f"{check.stdout.strip().splitlines()[-1] if check.stdout.strip() else '-'})"
    )


if __name__ == "__main__":
    main()
