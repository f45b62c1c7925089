"""`tasker-ctl run` end to end: examples, the JSON report, failure paths and exit codes."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.helpers import build_file_tree

pytestmark = pytest.mark.sdk

EXAMPLES = ROOT / "examples"
FAILING = ROOT / "tests/fixtures/run/failing_project/config/tasks"
BROKEN = ROOT / "tests/fixtures/run/broken_project/config/tasks/import_error.yaml"
SNAPSHOTS = ROOT / "snapshots/run"

EXAMPLE_RUNS = {
    "order_pipeline": (
        "order_pipeline/config/tasks/order_pipeline.yaml",
        "order_pipeline/context.json",
    ),
    "diamond": ("diamond/config/tasks/customer_onboarding.yaml", "diamond/context.json"),
    "refund_approval": (
        "refund_approval/config/tasks/refund_approval.yaml",
        "refund_approval/context.json",
    ),
    "csv_batch": ("csv_batch/config/tasks/csv_batch.yaml", "csv_batch/context.json"),
}
REPORT_KEYS = {"version", "task", "steps", "not_created", "warnings", "timing"}
STEP_KEYS = {
    "name", "type", "status", "attempts", "checkpoint_yields", "result", "error",
    "created_by", "backoff_ms",
}  # fmt: skip


@pytest.fixture(autouse=True)
def _sdk() -> None:
    pytest.importorskip("tasker_core")


def example(name: str) -> tuple[str, str]:
    template, context = EXAMPLE_RUNS[name]
    return str(EXAMPLES / template), str(EXAMPLES / context)


def run_json(cli: Any, *args: str, code: int = 0) -> dict[str, Any]:
    result = cli("run", *args, "--format", "json")
    assert result.exit_code == code, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def write_context(tmp_path: Path, data: Any) -> str:
    path = tmp_path / "context.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def readme_commands() -> list[str]:
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    return re.findall(r"`(tasker-ctl run [^`]+)`", readme)


def test_the_readme_documents_every_example() -> None:
    commands = readme_commands()
    assert len(commands) == len(EXAMPLE_RUNS)
    for name, (template, _) in EXAMPLE_RUNS.items():
        assert any(f"examples/{template}" in command for command in commands), name


@pytest.mark.parametrize("command", readme_commands(), ids=lambda c: c.split("/")[1])
def test_examples_run_to_complete_from_the_readme_command(cli: Any, command: str) -> None:
    args = shlex.split(command)[1:]
    result = cli(*args, cwd=ROOT)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "Task complete." in result.stdout
    assert re.search(r"STEP\s+STATUS\s+ATTEMPTS\s+TIME\s+CREATED BY", result.stdout)


def test_json_report_has_exactly_the_version_1_shape(cli: Any) -> None:
    template, context = example("refund_approval")
    report = run_json(cli, template, "--context", context)
    assert set(report) == REPORT_KEYS and report["version"] == 1
    assert report["task"] == {
        "name": "refund_approval",
        "namespace": "payments",
        "version": "1.0.0",
        "status": "complete",
    }
    assert all(set(step) == STEP_KEYS for step in report["steps"])
    assert [s["name"] for s in report["steps"]] == [
        "validate_refund", "route_refund", "manager_review", "issue_refund",
    ]  # fmt: skip
    assert report["steps"][2]["created_by"] == "route_refund"
    assert report["not_created"] == ["auto_approve", "finance_review"]
    assert report["steps"][3]["result"] == {
        "order_id": "ORD-1042",
        "refunded": 250.0,
        "tier": "manager",
        "approvals": ["manager:j.smith"],
    }
    assert set(report["timing"]) == {"wall_ms", "virtual_ms"}


def test_batch_example_report_matches_the_snapshot(cli: Any, snapshot_update: bool) -> None:
    template, context = example("csv_batch")
    report = run_json(cli, template, "--context", context)
    report["timing"]["wall_ms"] = 0.0
    text = json.dumps(report, indent=2, sort_keys=True) + "\n"
    snapshot = SNAPSHOTS / "csv_batch.json"
    if snapshot_update:
        snapshot.parent.mkdir(parents=True, exist_ok=True)
        snapshot.write_text(text, encoding="utf-8")
    assert text == snapshot.read_text(encoding="utf-8")
    assert report["steps"][-1]["result"]["rows"] == 250
    assert [s["checkpoint_yields"] for s in report["steps"]] == [0, 2, 2, 1, 0]


def test_text_summary_matches_the_snapshot(cli: Any, snapshot_update: bool) -> None:
    template, context = example("order_pipeline")
    result = cli("run", template, "--context", context, cwd=ROOT)
    assert result.exit_code == 0
    timeless = re.sub(r"(\d+\.\d+ (ms|s)|<0\.1 ms)", "T", result.stdout)
    text = "".join(re.sub(" +", " ", line).rstrip() + "\n" for line in timeless.splitlines())
    snapshot = SNAPSHOTS / "order_pipeline.txt"
    if snapshot_update:
        snapshot.parent.mkdir(parents=True, exist_ok=True)
        snapshot.write_text(text, encoding="utf-8")
    assert text == snapshot.read_text(encoding="utf-8")


def test_permanent_failure(cli: Any, tmp_path: Path) -> None:
    template, context = example("order_pipeline")
    data = json.loads(Path(context).read_text(encoding="utf-8"))
    data["payment"] = {"token": "tok_declined_0002", "gateway_timeouts": 0}
    report = run_json(cli, template, "--context", write_context(tmp_path, data), code=1)
    assert report["task"]["status"] == "blocked_by_failures"
    payment = report["steps"][2]
    assert payment["status"] == "error" and payment["attempts"] == 1
    assert payment["error"] == {
        "message": "card declined",
        "error_type": "payment_declined",
        "retryable": False,
        "location": None,
        "exception_type": None,
        "source_line": None,
        "traceback": None,
    }
    assert [s["status"] for s in report["steps"][3:]] == ["pending", "pending"]
    text = cli("run", template, "--context", write_context(tmp_path, data))
    assert text.exit_code == 1
    assert "✗ process_payment: error after 1 attempt" in text.stdout
    assert "payment_declined (permanent): card declined" in text.stdout
    assert "blocked_by_failures" in text.stdout


def test_quiet_prints_the_summary_only_when_the_task_does_not_complete(
    cli: Any, tmp_path: Path
) -> None:
    template, context = example("order_pipeline")
    passed = cli("run", template, "--context", context, "--quiet")
    assert passed.exit_code == 0
    assert passed.stdout == ""
    data = json.loads(Path(context).read_text(encoding="utf-8"))
    data["payment"] = {"token": "tok_declined_0002", "gateway_timeouts": 0}
    failed = cli("run", template, "--context", write_context(tmp_path, data), "-q")
    assert failed.exit_code == 1
    assert "  created" not in failed.stdout and "Running" not in failed.stdout  # no history
    assert "payment_declined (permanent): card declined" in failed.stdout
    assert "blocked_by_failures" in failed.stdout
    as_json = cli("run", template, "--context", context, "--quiet", "--format", "json")
    assert json.loads(as_json.stdout)["task"]["status"] == "complete"  # JSON is the output


def test_retry_exhaustion(cli: Any, tmp_path: Path) -> None:
    template, context = example("order_pipeline")
    data = json.loads(Path(context).read_text(encoding="utf-8"))
    data["payment"]["gateway_timeouts"] = 5
    report = run_json(cli, template, "--context", write_context(tmp_path, data), code=1)
    payment = report["steps"][2]
    assert payment["status"] == "error" and payment["attempts"] == 3
    assert payment["backoff_ms"] == [1000, 2000]
    assert payment["error"]["message"] == "payment gateway timed out (attempt 3)"
    assert report["timing"]["virtual_ms"] == 3000
    assert "backoff_not_applied" in {w["code"] for w in report["warnings"]}


def test_timeout(cli: Any) -> None:
    report = run_json(cli, str(FAILING / "timeout.yaml"), code=1)
    step = report["steps"][1]
    assert step["status"] == "error" and step["attempts"] == 2
    assert step["error"]["error_type"] == "timeout"
    assert "did not finish within timeout_seconds (1 s)" in step["error"]["message"]
    assert step["error"]["location"].startswith("tests/fixtures/run/failing_project/handlers/")
    codes = {w["code"] for w in report["warnings"]}
    assert "timeout_not_enforced" in codes and "handler_abandoned" not in codes


def test_handler_import_error(cli: Any) -> None:
    result = cli("run", str(BROKEN), cwd=ROOT)
    assert result.exit_code == 1
    assert "[handler_import_error]" in result.stdout
    assert "broken_project/handlers/broken.py:3" in result.stdout
    assert "NameError: name 'undefined_rate' is not defined" in result.stdout
    report = run_json(cli, str(BROKEN), code=1)
    assert report["task"]["status"] == "blocked_by_failures"
    bad = report["steps"][1]
    assert bad["error"]["error_type"] == "handler_not_found"
    assert bad["error"]["message"] == "Handler not found: broken.bad"


def test_unknown_callable(cli: Any) -> None:
    report = run_json(cli, str(FAILING / "unknown.yaml"), code=1)
    step = report["steps"][1]
    assert step["error"]["error_type"] == "handler_not_found" and step["attempts"] == 1
    assert step["error"]["message"] == "Handler not found: failing.nowhere"


def test_non_json_result(cli: Any) -> None:
    report = run_json(cli, str(FAILING / "not_json.yaml"), code=1)
    step = report["steps"][1]
    assert step["status"] == "error" and step["attempts"] == 1
    assert step["error"]["error_type"] == "FFI_SERIALIZATION_ERROR"
    assert "Unable to serialize unknown type: <class 'object'>" in step["error"]["message"]
    assert "result_not_json" in {w["code"] for w in report["warnings"]}


def test_ctrl_c_exits_130_with_a_partial_report(cli: Any, tmp_path: Path) -> None:
    events = tmp_path / "events.jsonl"
    report = run_json(cli, str(FAILING / "interrupt.yaml"), "--events", str(events), code=130)
    assert report["task"]["status"] == "steps_in_process"
    assert [s["status"] for s in report["steps"]] == ["complete", "in_progress", "pending"]
    assert "interrupted" in {w["code"] for w in report["warnings"]}
    lines = [json.loads(line) for line in events.read_text(encoding="utf-8").splitlines()]
    assert lines[-1]["type"] == "run_finished" and lines[-1]["interrupted"] is True
    text = cli("run", str(FAILING / "interrupt.yaml"))
    assert text.exit_code == 130
    assert "Interrupted: the report above is partial." in text.stdout


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ('{"order_id": 42,}', "invalid JSON in the context"),
        ("[1, 2]", "must be a JSON object, not list"),
    ],
)
def test_invalid_context(cli: Any, tmp_path: Path, content: str, words: str) -> None:
    context = tmp_path / "ctx.json"
    context.write_text(content, encoding="utf-8")
    template, _ = example("refund_approval")
    result = cli("run", template, "--context", str(context))
    assert result.exit_code == 2
    assert words in result.stderr and str(context) in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_invalid_context_names_line_and_column(cli: Any, tmp_path: Path) -> None:
    context = tmp_path / "ctx.json"
    context.write_text('{\n  "a": 1\n  "b": 2\n}\n', encoding="utf-8")
    template, _ = example("refund_approval")
    result = cli("run", template, "--context", str(context))
    assert result.exit_code == 2
    assert f"{context}:3:3: invalid JSON in the context" in result.stderr


def test_missing_context_file(cli: Any, tmp_path: Path) -> None:
    template, _ = example("refund_approval")
    result = cli("run", template, "--context", str(tmp_path / "nope.json"))
    assert result.exit_code == 2
    assert f"context file {tmp_path / 'nope.json'} does not exist" in result.stderr


def test_missing_template_and_bad_options(cli: Any, tmp_path: Path) -> None:
    missing = cli("run", str(tmp_path / "none.yaml"))
    assert missing.exit_code == 2 and "does not exist" in missing.stderr
    template, _context = example("diamond")
    assert cli("run", template, "--format", "xml").exit_code == 2
    assert cli("run", template, "--concurrency", "0").exit_code == 2


def test_template_with_lint_errors_is_refused(cli: Any, tmp_path: Path) -> None:
    build_file_tree(
        tmp_path,
        {
            "task.yaml": (
                "name: loop\nnamespace_name: t\nversion: 1.0.0\nsteps:\n"
                "  - name: a\n    handler: {callable: x.a}\n    dependencies: [b]\n"
                "  - name: b\n    handler: {callable: x.b}\n    dependencies: [a]\n"
            )
        },
    )
    result = cli("run", str(tmp_path / "task.yaml"))
    assert result.exit_code == 2
    assert "lint error" in result.stderr and "tasker-ctl validate" in result.stderr
    assert "task.yaml:" in result.stderr


def test_strict_input_schema(cli: Any, tmp_path: Path) -> None:
    template, _ = example("refund_approval")
    context = write_context(
        tmp_path, {"refund_id": "R", "order_id": "O", "amount": -5, "reason": "damaged"}
    )
    strict = cli("run", template, "--context", context, "--strict")
    assert strict.exit_code == 2
    assert "does not match input_schema" in strict.stderr and "amount" in strict.stderr
    lenient = run_json(cli, template, "--context", context)
    assert "input_schema_mismatch" in {w["code"] for w in lenient["warnings"]}


def test_events_are_appended_as_json_lines(cli: Any, tmp_path: Path) -> None:
    events = tmp_path / "run.jsonl"
    template, context = example("refund_approval")
    for _ in range(2):
        assert cli("run", template, "--context", context, "--events", str(events)).exit_code == 0
    lines = [json.loads(line) for line in events.read_text(encoding="utf-8").splitlines()]
    assert [line["type"] for line in lines].count("run_started") == 2
    assert all(line["v"] == 1 for line in lines)
    first_run = lines[: [line["type"] for line in lines].index("run_finished") + 1]
    assert [line["seq"] for line in first_run] == list(range(1, len(first_run) + 1))
    moves = [
        (line["step"], line["event"], line["to_state"])
        for line in first_run
        if line["type"] == "step_transition"
    ]
    assert ("issue_refund", "complete", "complete") in moves
    created = [line for line in first_run if line["type"] == "step_created"]
    assert [c["step"] for c in created if c["created_by"]] == ["manager_review", "issue_refund"]


def test_handlers_from_config_file(cli: Any, tmp_path: Path) -> None:
    build_file_tree(
        tmp_path,
        {
            ".tasker-ctl.toml": 'handlers-root = ["src"]\nhandler-packages = ["acme_steps"]\n',
            "src/acme_steps/__init__.py": (
                "from tasker_core.step_handler.functional import step_handler\n"
                "@step_handler('acme.hello')\ndef hello(context):\n"
                "    return {'hello': context.get_input('who')}\n"
            ),
            "workflows/hello.yaml": (
                "name: hello\nnamespace_name: acme\nversion: 0.1.0\nsteps:\n"
                "  - name: greet\n    handler: {callable: acme.hello}\n"
            ),
        },
    )
    context = write_context(tmp_path, {"who": "world"})
    result = cli("run", "workflows/hello.yaml", "--context", context, "-f", "json", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["steps"][0]["result"] == {"hello": "world"}


def test_without_the_sdk_run_names_what_to_install(
    cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tasker_ctl.executor.sdk import load_sdk

    template, context = example("diamond")
    load_sdk.cache_clear()
    monkeypatch.setitem(sys.modules, "tasker_core", None)
    try:
        result = cli("run", template, "--context", context)
    finally:
        load_sdk.cache_clear()
    assert result.exit_code == 2
    assert "install it with: pip install 'tasker-ctl[sdk]'" in result.stderr
    assert "Traceback" not in result.stderr


def test_json_stdout_stays_clean_even_with_rust_logs_on() -> None:
    env = {**os.environ, "RUST_LOG": "info"}
    done = subprocess.run(
        [sys.executable, "-m", "tasker_ctl", "run", str(FAILING / "chatty.yaml"), "-f", "json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)  # nothing but the document
    assert report["task"]["status"] == "complete"
    assert "chatty handler says hello on stdout" in done.stderr
    assert "INFO" in done.stderr  # the SDK's logs went to stderr


def test_handler_package_without_root_is_found_in_the_working_directory(
    cli: Any, tmp_path: Path
) -> None:
    build_file_tree(
        tmp_path,
        {
            "acme_more/__init__.py": (
                "from tasker_core.step_handler.functional import step_handler\n"
                "@step_handler('acme.more')\ndef more(context):\n    return {'more': True}\n"
            ),
            "elsewhere/more.yaml": (
                "name: more\nnamespace_name: acme\nversion: 0.1.0\nsteps:\n"
                "  - name: m\n    handler: {callable: acme.more}\n"
            ),
        },
    )
    result = cli(
        "run", "elsewhere/more.yaml", "--handler-package", "acme_more", "-f", "json", cwd=tmp_path
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["steps"][0]["result"] == {"more": True}


def test_context_from_standard_input(cli: Any) -> None:
    template, context = example("refund_approval")
    data = json.loads(Path(context).read_text(encoding="utf-8"))
    data["amount"] = 40
    result = cli("run", template, "--context", "-", "-f", "json", input=json.dumps(data))
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert [s["name"] for s in report["steps"]][2] == "auto_approve"
    assert report["not_created"] == ["manager_review", "finance_review"]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_an_event_log_that_cannot_be_written_does_not_stop_the_run(cli: Any) -> None:
    template, context = example("diamond")
    result = cli("run", template, "--context", context, "--events", "/dev/full", "-f", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["task"]["status"] == "complete"
    assert "the event log is incomplete: writing /dev/full failed" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_real_sigint_mid_run_exits_130_with_a_partial_report(tmp_path: Path) -> None:
    import signal
    import time

    build_file_tree(
        tmp_path,
        {
            "slow.yaml": (
                "name: slow\nnamespace_name: failing\nversion: 1.0.0\nsteps:\n"
                "  - name: start\n    handler: {callable: failing.ok}\n"
                "  - name: wait\n    dependencies: [start]\n"
                "    handler: {callable: failing.hang, initialization: {seconds: 20}}\n"
                "  - name: after\n    dependencies: [wait]\n    handler: {callable: failing.ok}\n"
            )
        },
    )
    events = tmp_path / "events.jsonl"
    command = [
        sys.executable, "-m", "tasker_ctl", "run", str(tmp_path / "slow.yaml"), "-f", "json",
        "--handlers-root", str(FAILING.parent.parent), "--handler-package", "handlers",
        "--events", str(events),
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 60
    while not _started(events, "wait"):
        assert process.poll() is None and time.monotonic() < deadline, process.stderr
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr[-2000:]
    report = json.loads(stdout)
    assert [s["status"] for s in report["steps"]] == ["complete", "in_progress", "pending"]
    assert "interrupted" in {w["code"] for w in report["warnings"]}
    lines = [json.loads(line) for line in events.read_text(encoding="utf-8").splitlines()]
    assert lines[-1] == {**lines[-1], "type": "run_finished", "interrupted": True}
    assert "Traceback" not in stderr


def _started(events: Path, step: str) -> bool:
    """Whether the event log shows ``step`` in progress (complete lines only)."""
    text = events.read_text(encoding="utf-8") if events.exists() else ""
    lines = [json.loads(line) for line in text.splitlines(keepends=True) if line.endswith("\n")]
    return any(e.get("step") == step and e.get("to_state") == "in_progress" for e in lines)
