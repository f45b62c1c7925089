"""Generated Python handlers and task templates run to completion under ``tasker-ctl run``.

Each test scaffolds a small project the way a user would (``template generate`` for the
handlers and the task template), wires the generated callables into a workflow, and runs
it in-process through the real ``tasker_core`` SDK.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.sdk

STYLES = ["dsl", "class"]


@pytest.fixture(autouse=True)
def _sdk() -> None:
    pytest.importorskip("tasker_core")


def generate(cli: Any, project: Path, kind: str, *params: str) -> None:
    args = [item for p in params for item in ("--param", p)]
    result = cli("template", "generate", kind, "--language", "python", *args, "-o", str(project))
    assert result.exit_code == 0, result.output


def run(cli: Any, template: Path, context: dict[str, Any]) -> dict[str, Any]:
    context_file = template.parent / "context.json"
    context_file.write_text(json.dumps(context))
    result = cli("run", str(template), "--context", str(context_file), "--format", "json")
    assert result.exit_code == 0, result.stdout + result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    assert report["task"]["status"] == "complete"
    return report


def results(report: dict[str, Any]) -> dict[str, Any]:
    return {s["name"]: s["result"] for s in report["steps"]}


def callable_of(style: str, module: str, function: str, cls: str) -> str:
    return f"handlers.{module}.{function if style == 'dsl' else cls}"


def write_template(project: Path, name: str, steps: str) -> Path:
    path = project / "config" / "tasks" / f"{name}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"name: {name}\nnamespace_name: generated\nversion: 1.0.0\n"
        "metadata:\n  tags: [language:python]\nsteps:\n" + steps
    )
    return path


@pytest.mark.parametrize("style", STYLES)
def test_generated_step_handler_and_task_template_run(cli: Any, tmp_path: Path, style: str) -> None:
    generate(cli, tmp_path, "step_handler", "name=ProcessOrder", f"style={style}")
    callable_name = callable_of(
        style, "process_order_handler", "process_order", "ProcessOrderHandler"
    )
    generate(
        cli, tmp_path, "task_template", "name=ProcessOrder", f"handler_callable={callable_name}"
    )
    report = run(cli, tmp_path / "config/tasks/process_order.yaml", {"input_value": 7})
    (step,) = report["steps"]
    assert step["status"] == "complete"
    assert step["attempts"] == 1
    assert step["result"]["input_received"] == 7
    assert step["result"]["handler"] == callable_name


@pytest.mark.parametrize("style", STYLES)
def test_generated_decision_handler_routes_a_workflow(cli: Any, tmp_path: Path, style: str) -> None:
    generate(cli, tmp_path, "step_handler_decision", "name=RouteOrder", f"style={style}")
    generate(cli, tmp_path, "step_handler", "name=Work")
    decide = callable_of(style, "route_order_handler", "route_order", "RouteOrderHandler")
    work = "handlers.work_handler.work"
    steps = f"""\
  - {{name: validate_request, handler: {{callable: {work}}}}}
  - name: route_order
    type: decision
    dependencies: [validate_request]
    handler: {{callable: {decide}}}
  - {{name: fast_track_processing, dependencies: [route_order], handler: {{callable: {work}}}}}
  - {{name: manual_review, dependencies: [route_order], handler: {{callable: {work}}}}}
  - {{name: approval_gate, dependencies: [manual_review], handler: {{callable: {work}}}}}
  - {{name: standard_processing, dependencies: [route_order], handler: {{callable: {work}}}}}
  - name: finalize
    type: deferred_convergence
    dependencies: [fast_track_processing, approval_gate, standard_processing]
    handler: {{callable: {work}}}
"""
    template = write_template(tmp_path, "route_order_flow", steps)
    report = run(cli, template, {"route_key": "review"})
    created = [s["name"] for s in report["steps"]]
    assert created == [
        "validate_request",
        "route_order",
        "manual_review",
        "approval_gate",
        "finalize",
    ]
    assert sorted(report["not_created"]) == ["fast_track_processing", "standard_processing"]
    skipped = run(cli, template, {"route_key": "skip"})
    assert [s["name"] for s in skipped["steps"]] == ["validate_request", "route_order"]


@pytest.mark.parametrize("style", STYLES)
def test_generated_batch_handlers_fan_out_and_aggregate(
    cli: Any, tmp_path: Path, style: str
) -> None:
    generate(cli, tmp_path, "step_handler_batchable", "name=ProcessCsv", f"style={style}")
    prefix = "handlers.process_csv_handler."
    names = (
        ("process_csv_analyzer", "process_csv_worker", "process_csv_aggregator")
        if style == "dsl"
        else ("ProcessCsvAnalyzerHandler", "ProcessCsvWorkerHandler", "ProcessCsvAggregatorHandler")
    )
    analyzer, worker, aggregator = (prefix + n for n in names)
    # The steps exactly as the generated module's docstring tells the user to register them.
    steps = f"""\
  - name: process_csv_analyze
    type: batchable
    handler:
      callable: {analyzer}
      initialization: {{worker_template_name: process_csv_batch}}
  - name: process_csv_batch
    type: batch_worker
    dependencies: [process_csv_analyze]
    handler: {{callable: {worker}}}
    batch_config:
      batch_size: 100
      parallelism: 4
      cursor_field: item_index
      worker_template: process_csv_batch
      failure_strategy: continue_on_failure
  - name: process_csv_aggregate
    type: deferred_convergence
    dependencies: [process_csv_batch]
    handler: {{callable: {aggregator}}}
"""
    template = write_template(tmp_path, "process_csv_flow", steps)
    assert f"callable: {analyzer}" in (tmp_path / "handlers/process_csv_handler.py").read_text()
    report = run(cli, template, {"total_items": 250})
    assert [s["name"] for s in report["steps"]] == [
        "process_csv_analyze",
        "process_csv_batch_001",
        "process_csv_batch_002",
        "process_csv_batch_003",
        "process_csv_aggregate",
    ]
    assert results(report)["process_csv_aggregate"]["total_processed"] == 250
    empty = run(cli, template, {"total_items": 0})
    assert "process_csv_batch_000" in results(empty)
    assert results(empty)["process_csv_aggregate"]["scenario"] == "no_batches"


class _UserApi(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = json.dumps({"path": self.path, "name": "Ada"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output quiet."""


@pytest.fixture
def api_url() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _UserApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("style", STYLES)
def test_generated_api_handler_calls_its_api(
    cli: Any, tmp_path: Path, style: str, api_url: str
) -> None:
    generate(
        cli, tmp_path, "step_handler_api", "name=FetchUser", f"style={style}", f"base_url={api_url}"
    )
    callable_name = callable_of(style, "fetch_user_handler", "fetch_user", "FetchUserHandler")
    generate(cli, tmp_path, "task_template", "name=FetchUser", f"handler_callable={callable_name}")
    report = run(cli, tmp_path / "config/tasks/fetch_user.yaml", {"endpoint": "/users/42"})
    assert report["steps"][0]["result"] == {"path": "/users/42", "name": "Ada"}
