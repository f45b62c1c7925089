"""Every connected command, through the real CLI in a subprocess, against a fake Tasker.

For each command and each --format (table, json, yaml) the fake records what was sent
(method, path, query, body, auth header) and the output is checked: json/yaml are the
server's documents, table shows the values a person looks for. The runs go four at a
time, each with its own fake servers, so the matrix costs a few seconds.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.client.fake_server import (
    AUDIT,
    CORR,
    DLQ_ENTRY,
    DLQ_STATS,
    ENTRY,
    SAMPLES,
    STEP2,
    STEP_RESPONSE,
    TASK,
    TASK_RESPONSE,
    TEMPLATES,
    WORKER_DETAILED,
    Seen,
    clean_env,
    run_cli,
    tasker,
)

SECRET = "tk-live-8f3a1c9e7d2b4a6f"
FORMATS = ("table", "json", "yaml")


@dataclass
class Case:
    name: str
    args: list[str]
    calls: list[tuple[str, str, str]]
    """(api, method, path) in the order they must be made."""
    query: dict[str, list[str]] = field(default_factory=dict)
    body: Callable[[Any], None] | None = None
    document: Any = None
    """What --format json/yaml must print (None: checked by ``shape``)."""
    shape: Callable[[Any], None] | None = None
    table: tuple[str, ...] = ()
    code: int = 0


def _create_body(body: Any) -> None:
    assert body["name"] == "process_order" and body["namespace"] == "ecommerce"
    assert body["version"] == "2.1.0" and body["context"] == {"order_id": 42, "rush": True}
    assert body["priority"] == 7 and body["tags"] == [] and body["options"] is None
    assert body["initiator"] == "tasker-ctl" and body["source_system"] == "cli"
    assert body["reason"] == "CLI task creation"
    assert uuid.UUID(body["correlation_id"]).version == 7
    assert datetime.fromisoformat(body["requested_at"]).tzinfo is None  # NaiveDateTime, as serde


def _health_shape(doc: Any) -> None:
    assert doc["orchestration"]["healthy"] is True and doc["worker"]["healthy"] is True
    assert doc["orchestration"]["detailed"]["info"]["version"] == "0.9.1"
    assert doc["worker"]["detailed"]["worker_id"] == "worker-py-1"


def _info_shape(doc: Any) -> None:
    assert doc["cli_version"] and doc["profile"] == "default"
    assert doc["orchestration"]["detailed"]["status"] == "healthy"
    assert doc["worker"]["timeout_ms"] == 30000 and doc["worker"]["error"] is None


def _worker_health_shape(doc: Any) -> None:
    assert doc["basic"]["worker_id"] == "worker-py-1"
    assert doc["detailed"] == WORKER_DETAILED


ORCH, WORK = "orchestration", "worker"
STEPS = f"/v1/tasks/{TASK}/workflow_steps"

CASES = [
    Case(
        "task create",
        [
            "task",
            "create",
            "--name",
            "process_order",
            "-n",
            "ecommerce",
            "-v",
            "2.1.0",
            "--input",
            '{"order_id": 42, "rush": true}',
            "-p",
            "7",
        ],
        [(ORCH, "POST", "/v1/tasks")],
        body=_create_body,
        document=TASK_RESPONSE,
        table=("Task created", TASK, "ecommerce/process_order v1.0.0", "50.0%", "charge_card"),
    ),
    Case(
        "task get",
        ["task", "get", TASK],
        [(ORCH, "GET", f"/v1/tasks/{TASK}")],
        document=TASK_RESPONSE,
        table=(TASK, "in_progress", "1/2 complete", "validate_cart", "execute_ready_steps"),
    ),
    Case(
        "task list",
        ["task", "list", "-n", "ecommerce", "-s", "in_progress", "-l", "5"],
        [(ORCH, "GET", "/v1/tasks")],
        query={
            "page": ["1"],
            "per_page": ["5"],
            "namespace": ["ecommerce"],
            "status": ["in_progress"],
        },
        document=SAMPLES[(ORCH, "GET", "/v1/tasks", 200)],
        table=(TASK, "ecommerce/process_order", "page 1 of 1, 1 tasks in all"),
    ),
    Case(
        "task cancel",
        ["task", "cancel", TASK],
        [(ORCH, "DELETE", f"/v1/tasks/{TASK}")],
        document={**TASK_RESPONSE, "status": "cancelled"},
        table=("Task cancelled", "cancelled"),
    ),
    Case(
        "task steps",
        ["task", "steps", TASK],
        [(ORCH, "GET", STEPS)],
        document=[STEP_RESPONSE],
        table=("charge_card", STEP2, "error", "3/3"),
    ),
    Case(
        "task step",
        ["task", "step", TASK, STEP2],
        [(ORCH, "GET", f"{STEPS}/{STEP2}")],
        document=STEP_RESPONSE,
        table=("charge_card", "card declined", "3/3"),
    ),
    Case(
        "task step-audit",
        ["task", "step-audit", TASK, STEP2],
        [(ORCH, "GET", f"{STEPS}/{STEP2}/audit")],
        document=AUDIT,
        table=("in_progress -> error", "worker-abc-123", "150"),
    ),
    Case(
        "task reset-step",
        ["task", "reset-step", TASK, STEP2, "-r", "database is back", "-b", "ops@example.com"],
        [(ORCH, "PATCH", f"{STEPS}/{STEP2}")],
        body=lambda b: _eq(
            b,
            {
                "action_type": "reset_for_retry",
                "reason": "database is back",
                "reset_by": "ops@example.com",
            },
        ),
        document={**STEP_RESPONSE, "current_state": "pending"},
        table=("Step reset for retry; the step is now pending",),
    ),
    Case(
        "task resolve-step",
        ["task", "resolve-step", TASK, STEP2, "--reason", "bypass"],
        [(ORCH, "PATCH", f"{STEPS}/{STEP2}")],
        body=lambda b: _eq(
            b,
            {"action_type": "resolve_manually", "reason": "bypass", "resolved_by": "cli-operator"},
        ),
        document={**STEP_RESPONSE, "current_state": "pending"},
        table=("Step resolved manually",),
    ),
    Case(
        "task complete-step",
        [
            "task",
            "complete-step",
            TASK,
            STEP2,
            "--result",
            '{"charged": true, "amount": 9.5}',
            "--metadata",
            '{"ticket": "OPS-1"}',
            "-r",
            "charged by hand",
            "-b",
            "ops",
        ],
        [(ORCH, "PATCH", f"{STEPS}/{STEP2}")],
        body=lambda b: _eq(
            b,
            {
                "action_type": "complete_manually",
                "reason": "charged by hand",
                "completed_by": "ops",
                "completion_data": {
                    "result": {"charged": True, "amount": 9.5},
                    "metadata": {"ticket": "OPS-1"},
                },
            },
        ),
        document={**STEP_RESPONSE, "current_state": "pending"},
        table=("Step completed manually",),
    ),
    Case(
        "worker list",
        ["worker", "list", "-n", "ecommerce"],
        [(WORK, "GET", "/v1/templates")],
        query={"namespace": ["ecommerce"], "include_cache_stats": ["true"]},
        document=TEMPLATES,
        table=("ecommerce, billing", "python, batch", "Template cache"),
    ),
    Case(
        "worker status",
        ["worker", "status"],
        [(WORK, "GET", "/health/detailed")],
        document=WORKER_DETAILED,
        table=("worker-py-1", "queue_processing", "python"),
    ),
    Case(
        "worker health",
        ["worker", "health"],
        [(WORK, "GET", "/health"), (WORK, "GET", "/health/detailed")],
        shape=_worker_health_shape,
        table=("Worker health", "worker-py-1", "circuit_breakers"),
    ),
    Case(
        "system health",
        ["system", "health"],
        [
            (ORCH, "GET", "/health"),
            (ORCH, "GET", "/health/detailed"),
            (WORK, "GET", "/health"),
            (WORK, "GET", "/health/detailed"),
        ],
        shape=_health_shape,
        table=("Orchestration: healthy", "Worker: healthy", "channel_saturation"),
    ),
    Case(
        "system info",
        ["system", "info"],
        [
            (ORCH, "GET", "/health"),
            (ORCH, "GET", "/health/detailed"),
            (WORK, "GET", "/health"),
            (WORK, "GET", "/health/detailed"),
        ],
        shape=_info_shape,
        table=("Orchestration API", "0.9.1", "staging", "30000"),
    ),
    Case(
        "dlq list",
        ["dlq", "list", "-s", "PENDING", "-l", "10", "-o", "5"],
        [(ORCH, "GET", "/v1/dlq")],
        query={"resolution_status": ["Pending"], "limit": ["10"], "offset": ["5"]},
        document=[DLQ_ENTRY],
        table=(ENTRY, "MaxRetriesExceeded", "Pending"),
    ),
    Case(
        "dlq get",
        ["dlq", "get", TASK],
        [(ORCH, "GET", f"/v1/dlq/task/{TASK}")],
        document=DLQ_ENTRY,
        table=(ENTRY, "Task snapshot", '"process_order"'),
    ),
    Case(
        "dlq update",
        ["dlq", "update", ENTRY, "-s", "manually_resolved", "-n", "fixed the card", "-b", "ops"],
        [(ORCH, "PATCH", f"/v1/dlq/entry/{ENTRY}")],
        body=lambda b: _eq(
            b,
            {
                "resolution_status": "ManuallyResolved",
                "resolution_notes": "fixed the card",
                "resolved_by": "ops",
                "metadata": None,
            },
        ),
        document=SAMPLES[(ORCH, "PATCH", "/v1/dlq/entry/{dlq_entry_uuid}", 200)],
        table=("updated", "Investigation updated"),
    ),
    Case(
        "dlq stats",
        ["dlq", "stats"],
        [(ORCH, "GET", "/v1/dlq/stats")],
        document=DLQ_STATS,
        table=("MaxRetriesExceeded", "DLQ statistics by reason"),
    ),
]


def _eq(actual: Any, expected: Any) -> None:
    assert actual == expected


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str
    seen: list[tuple[str, Seen]]


def _run(case: Case, fmt: str, home: Path) -> Outcome:
    with tasker() as (orch, worker):
        env = clean_env(
            home,
            TASKER_ORCHESTRATION_URL=orch.url,
            TASKER_WORKER_URL=worker.url,
            TASKER_AUTH_TOKEN=SECRET,
        )
        proc = run_cli([*case.args, "--format", fmt], cwd=home, env=env)
        seen = sorted(
            [(ORCH, s) for s in orch.seen] + [(WORK, s) for s in worker.seen], key=lambda p: p[1].at
        )
    return Outcome(proc.returncode, proc.stdout, proc.stderr, seen)


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Outcome]:
    home = tmp_path_factory.mktemp("home")
    jobs = [(case, fmt) for case in CASES for fmt in FORMATS]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda job: _run(job[0], job[1], home), jobs))
    return {(case.name, fmt): out for (case, fmt), out in zip(jobs, results, strict=True)}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_command_request_and_output(
    case: Case, fmt: str, outcomes: dict[tuple[str, str], Outcome]
) -> None:
    out = outcomes[(case.name, fmt)]
    assert out.code == case.code, out.stderr
    assert "Traceback" not in out.stderr
    # the requests, in order, each with the bearer token
    assert [(api, s.method, s.path) for api, s in out.seen] == case.calls
    for _, seen in out.seen:
        assert seen.headers["authorization"] == f"Bearer {SECRET}"
        assert seen.headers["user-agent"].startswith("tasker-ctl-py/")
    first = out.seen[0][1]
    assert first.query == case.query
    if case.body is not None:
        case.body(first.body)
    else:
        assert first.body is None
    # the output
    if fmt == "table":
        for snippet in case.table:
            assert snippet in out.stdout, f"{snippet!r} not in:\n{out.stdout}"
    else:
        doc = json.loads(out.stdout) if fmt == "json" else yaml.safe_load(out.stdout)
        if case.document is not None:
            assert doc == case.document
        else:
            assert case.shape is not None
            case.shape(doc)
    assert SECRET not in out.stdout + out.stderr


def test_create_reads_the_context_file_as_run_does(tmp_path: Path) -> None:
    context = tmp_path / "ctx.json"
    context.write_text('{"order_id": 42, "items": [1, 2]}\n')
    bad = tmp_path / "bad.json"
    bad.write_text('{"order_id": NaN}')
    with tasker() as (orch, worker):
        env = clean_env(tmp_path, TASKER_ORCHESTRATION_URL=orch.url, TASKER_WORKER_URL=worker.url)
        ok = run_cli(
            [
                "task",
                "create",
                "--name",
                "x",
                "--context",
                str(context),
                "-c",
                CORR,
                "-d",
                "backfill 2026-11",
                "--format",
                "json",
            ],
            cwd=tmp_path,
            env=env,
        )
        refused = run_cli(
            ["task", "create", "--name", "x", "--context", str(bad)], cwd=tmp_path, env=env
        )
        stdin = run_cli(
            ["task", "create", "--name", "x", "--context", "-"],
            cwd=tmp_path,
            env=env,
            stdin='{"from": "stdin"}',
        )
        (tmp_path / "ctx.yaml").write_text("order_id: 42\nitems: [1, 2]\n")
        as_yaml = run_cli(
            ["task", "create", "--name", "x", "--context", "ctx.yaml"], cwd=tmp_path, env=env
        )
        inline = run_cli(
            ["task", "create", "--name", "x", "--context", '{"inline": true}'],
            cwd=tmp_path,
            env=env,
        )
        neither = run_cli(["task", "create", "--name", "x"], cwd=tmp_path, env=env)
        bad_input = run_cli(["task", "create", "--name", "x", "-i", "[1, 2"], cwd=tmp_path, env=env)
        bad_corr = run_cli(
            ["task", "create", "--name", "x", "-i", "{}", "-c", "nope"], cwd=tmp_path, env=env
        )
        sent = [s.body for s in orch.seen]
    assert ok.returncode == 0, ok.stderr
    assert sent[0]["context"] == {"order_id": 42, "items": [1, 2]}
    assert sent[0]["correlation_id"] == CORR and sent[0]["reason"] == "backfill 2026-11"
    assert sent[0]["namespace"] == "default" and sent[0]["version"] == "1.0.0"
    assert sent[0]["priority"] == 5
    assert stdin.returncode == 0 and sent[1]["context"] == {"from": "stdin"}
    assert as_yaml.returncode == 0 and sent[2]["context"] == {"order_id": 42, "items": [1, 2]}
    assert inline.returncode == 0 and sent[3]["context"] == {"inline": True}
    assert len(sent) == 4  # nothing was sent for the refused inputs
    assert refused.returncode == 2 and f"{bad}:1:14" in refused.stderr and "NaN" in refused.stderr
    assert (
        neither.returncode == 2
        and "exactly one of --input JSON and --context FILE" in neither.stderr
    )
    assert bad_input.returncode == 2 and "--input:1:" in bad_input.stderr
    assert bad_corr.returncode == 2 and "correlation ID 'nope' is not a UUID" in bad_corr.stderr


def test_bad_arguments_are_usage_errors_before_any_request(tmp_path: Path) -> None:
    with tasker() as (orch, worker):
        env = clean_env(tmp_path, TASKER_ORCHESTRATION_URL=orch.url, TASKER_WORKER_URL=worker.url)
        runs = {
            "uuid": run_cli(["task", "get", "12345"], cwd=tmp_path, env=env),
            "step": run_cli(["task", "step", TASK, "x"], cwd=tmp_path, env=env),
            "status": run_cli(["dlq", "list", "-s", "lost"], cwd=tmp_path, env=env),
            "format": run_cli(["task", "get", TASK, "--format", "xml"], cwd=tmp_path, env=env),
            "result": run_cli(
                ["task", "complete-step", TASK, STEP2, "--result", "{x}", "-r", "r"],
                cwd=tmp_path,
                env=env,
            ),
            "nothing": run_cli(["dlq", "update", ENTRY], cwd=tmp_path, env=env),
        }
        assert orch.seen == [] and worker.seen == []
    for name, run in runs.items():
        assert run.returncode == 2, (name, run.stderr)
        assert "Traceback" not in run.stderr and run.stderr.startswith("error: "), name
    assert "task UUID '12345' is not a UUID" in runs["uuid"].stderr
    assert "unknown DLQ resolution status 'lost'" in runs["status"].stderr
    assert "pending, manually_resolved" in runs["status"].stderr
    assert "unknown --format 'xml'" in runs["format"].stderr
    assert "--result is not valid JSON" in runs["result"].stderr
    assert "nothing to update" in runs["nothing"].stderr


def test_unhealthy_and_unsuccessful_answers_exit_1(tmp_path: Path) -> None:
    from tests.client.fake_server import Reply

    with tasker() as (orch, worker):
        worker.reply(
            "GET", "/health/detailed", Reply(200, {**WORKER_DETAILED, "status": "degraded"})
        )
        orch.reply(
            "PATCH",
            f"/v1/dlq/entry/{ENTRY}",
            Reply(200, {"success": False, "message": "entry is closed", "dlq_entry_uuid": ENTRY}),
        )
        env = clean_env(tmp_path, TASKER_ORCHESTRATION_URL=orch.url, TASKER_WORKER_URL=worker.url)
        health = run_cli(["system", "health"], cwd=tmp_path, env=env)
        only_orch = run_cli(["system", "health", "--orchestration"], cwd=tmp_path, env=env)
        worker_health = run_cli(["worker", "health"], cwd=tmp_path, env=env)
        update = run_cli(["dlq", "update", ENTRY, "-n", "x"], cwd=tmp_path, env=env)
    assert health.returncode == 1 and "Worker: NOT HEALTHY" in health.stdout
    assert only_orch.returncode == 0 and "Worker" not in only_orch.stdout
    assert worker_health.returncode == 1 and "degraded" in worker_health.stdout
    assert update.returncode == 1 and "NOT updated" in update.stdout
    assert "entry is closed" in update.stdout


def test_profile_and_format_before_the_command_as_upstream_takes_them(tmp_path: Path) -> None:
    # `tasker-ctl -p staging --format json task list`: upstream's global flags
    with tasker() as (orch, worker):
        (tmp_path / ".config").mkdir()
        (tmp_path / ".config" / "tasker.toml").write_text(
            "[profile.default.orchestration]\nbase_url = 'http://127.0.0.1:9'\n"
            f"[profile.staging.orchestration]\nbase_url = '{orch.url}'\n"
            f"[profile.staging.worker]\nbase_url = '{worker.url}'\n"
        )
        env = clean_env(tmp_path)
        before = run_cli(
            ["-p", "staging", "--format", "json", "task", "list"], cwd=tmp_path, env=env
        )
        after = run_cli(
            ["task", "list", "--profile", "staging", "--format", "json"], cwd=tmp_path, env=env
        )
        # the command's own option wins over the global one
        table = run_cli(
            ["--format", "json", "task", "list", "-p", "staging", "--format", "table"],
            cwd=tmp_path,
            env=env,
        )
        refused = run_cli(
            ["--format", "xml", "task", "list", "-p", "staging"], cwd=tmp_path, env=env
        )
        hits = len(orch.seen)
    assert before.returncode == 0, before.stderr
    assert json.loads(before.stdout) == json.loads(after.stdout)
    assert table.returncode == 0 and not table.stdout.lstrip().startswith("{")
    assert refused.returncode == 2 and "xml" in refused.stderr
    assert hits == 3  # the refused format sent nothing
