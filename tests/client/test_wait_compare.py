"""``task create --wait`` and ``task compare`` end to end, against a fake that plays a lifecycle.

The fake orchestration server answers with a task that goes pending -> steps_in_process
(its steps pending -> in_progress -> complete) -> complete or error, in the documented
``TaskResponse``/``StepResponse`` shapes. The CLI runs in a subprocess, as users meet it.
"""

from __future__ import annotations

import json
import os
import pty
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tasker_ctl.client.openapi import check_response
from tests.client.fake_server import FakeTasker, Reply, clean_env, run_cli, tasker
from tests.client.lifecycle import (
    DIAMOND_RESULTS,
    LIFE_TASK,
    StepState,
    diamond_phases,
    execution_result,
    play,
    step_doc,
    task_doc,
)
from tests.conftest import ROOT

SECRET = "tk-live-77aa3c0ffee1b2d9"
DIAMOND_YAML = ROOT / "examples/diamond/config/tasks/customer_onboarding.yaml"
DIAMOND_CONTEXT = ROOT / "examples/diamond/context.json"
CREATE = ["task", "create", "--name", "customer_onboarding", "-n", "banking", "-i", "{}"]


def _env(home: Path, orch: FakeTasker, worker: FakeTasker, **extra: str) -> dict[str, str]:
    return clean_env(
        home,
        TASKER_ORCHESTRATION_URL=orch.url,
        TASKER_WORKER_URL=worker.url,
        TASKER_AUTH_TOKEN=SECRET,
        **extra,
    )


def _polls(orch: FakeTasker) -> int:
    return sum(1 for s in orch.seen if s.method == "GET" and s.path == f"/v1/tasks/{LIFE_TASK}")


@pytest.mark.parametrize("end", ["complete", "error"])
def test_lifecycle_documents_match_the_openapi_document(end: str) -> None:
    phases, final = diamond_phases(end)
    for phase in phases:
        assert check_response("orchestration", "/v1/tasks/{uuid}", "GET", 200, phase) is None
    steps = [step_doc(i, s) for i, s in enumerate(final)]
    assert (
        check_response("orchestration", "/v1/tasks/{uuid}/workflow_steps", "GET", 200, steps)
        is None
    )


# --- task create --wait ------------------------------------------------------------------


def test_wait_follows_the_task_to_complete(tmp_path: Path) -> None:
    phases, _ = diamond_phases("complete")
    with tasker() as (orch, worker):
        play(orch, phases, diamond_phases("complete")[1])
        started = time.monotonic()
        proc = run_cli([*CREATE, "--wait"], cwd=tmp_path, env=_env(tmp_path, orch, worker))
        elapsed = time.monotonic() - started
        polls = _polls(orch)
        steps_calls = [s for s in orch.seen if s.path.endswith("/workflow_steps")]
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert f"Task created: {LIFE_TASK}" in out
    # plain lines (not a terminal): each change once, in order
    lines = out.splitlines()
    task_lines = [line for line in lines if line.startswith("task ")]
    assert [line.split()[3] for line in task_lines] == ["pending", "steps_in_process", "complete"]
    assert "banking/customer_onboarding 1.0.0" in task_lines[0]
    assert "  step load_applicant  in_progress  attempt 1/3" in lines
    assert "  step check_credit  complete  attempt 1/3" in lines
    assert out.rstrip().endswith("Task complete.")
    assert polls == 3 and len(steps_calls) == 1
    assert elapsed < 20
    assert SECRET not in out + proc.stderr


def test_wait_exits_1_when_the_task_ends_in_error(tmp_path: Path) -> None:
    phases, final = diamond_phases("error")
    with tasker() as (orch, worker):
        play(orch, phases, final)
        proc = run_cli([*CREATE, "--wait"], cwd=tmp_path, env=_env(tmp_path, orch, worker))
        json_run = run_cli(
            [*CREATE, "--wait", "--format", "json"], cwd=tmp_path, env=_env(tmp_path, orch, worker)
        )
    assert proc.returncode == 1, proc.stderr
    assert "  step check_credit  error  attempt 3/3" in proc.stdout.splitlines()
    assert "Task ended error. See: tasker-ctl task steps " + LIFE_TASK in proc.stdout
    assert json_run.returncode == 1
    doc = json.loads(json_run.stdout)
    assert doc["task"]["status"] == "error" and doc["timed_out"] is False
    assert [s["current_state"] for s in doc["steps"]] == ["complete", "complete", "error"]


def test_wait_stops_when_the_task_is_blocked_by_failures(tmp_path: Path) -> None:
    phases, _ = diamond_phases("complete")
    blocked = [StepState("load_applicant", "error", 3)]
    with tasker() as (orch, worker):
        play(orch, [phases[0], task_doc("blocked_by_failures", blocked)], blocked)
        proc = run_cli(
            [*CREATE, "--wait", "--timeout", "30"], cwd=tmp_path, env=_env(tmp_path, orch, worker)
        )
    assert proc.returncode == 1, proc.stderr
    assert "Task blocked by failed steps." in proc.stdout
    assert f"tasker-ctl task steps {LIFE_TASK}" in proc.stdout


def test_wait_gives_up_at_the_timeout(tmp_path: Path) -> None:
    running = task_doc("steps_in_process", [StepState("load_applicant", "in_progress", 1)])
    with tasker() as (orch, worker):
        play(orch, [running, running], [StepState("load_applicant", "in_progress", 1)])
        started = time.monotonic()
        proc = run_cli(
            [*CREATE, "--wait", "--timeout", "1.5"], cwd=tmp_path, env=_env(tmp_path, orch, worker)
        )
        elapsed = time.monotonic() - started
        polls = _polls(orch)
    assert proc.returncode == 1, proc.stderr
    assert "Still steps_in_process after 1.5 s" in proc.stdout
    assert f"tasker-ctl task get {LIFE_TASK}" in proc.stdout
    # polled with backoff (0.25, 0.4, 0.64 s ...), not in a busy loop, and stopped in time
    assert 2 <= polls <= 6
    assert elapsed < 15


def test_ctrl_c_stops_following_and_says_the_task_goes_on(tmp_path: Path) -> None:
    running = task_doc("steps_in_process", [StepState("load_applicant", "in_progress", 1)])
    with tasker() as (orch, worker):
        play(orch, [running, running], [])
        proc = subprocess.Popen(
            [sys.executable, "-m", "tasker_ctl", *CREATE, "--wait"],
            cwd=tmp_path,
            env=_env(tmp_path, orch, worker),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 30
        while _polls(orch) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert "Task created" in out
    assert proc.returncode == 130, err
    assert f"stopped following; the task goes on: tasker-ctl task get {LIFE_TASK}" in err
    assert "Traceback" not in err


def test_timeout_without_wait_is_a_usage_error(tmp_path: Path) -> None:
    with tasker() as (orch, worker):
        proc = run_cli([*CREATE, "--timeout", "5"], cwd=tmp_path, env=_env(tmp_path, orch, worker))
        sent = list(orch.seen)
    assert proc.returncode == 2 and "--timeout applies only with --wait" in proc.stderr
    assert sent == []


def test_wait_reports_a_failed_poll_with_exit_4(tmp_path: Path) -> None:
    phases, _ = diamond_phases("complete")
    with tasker() as (orch, worker):
        play(orch, phases, [])
        orch.reply(
            "GET",
            f"/v1/tasks/{LIFE_TASK}",
            Reply(500, {"error": f"database down (token {SECRET})"}),
        )
        proc = run_cli([*CREATE, "--wait"], cwd=tmp_path, env=_env(tmp_path, orch, worker))
    assert proc.returncode == 4
    assert "Traceback" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and f"/v1/tasks/{LIFE_TASK}" in errors[0]
    assert SECRET not in proc.stdout + proc.stderr


def test_wait_shows_a_live_view_on_a_terminal(tmp_path: Path) -> None:
    phases, final = diamond_phases("complete")
    with tasker() as (orch, worker):
        play(orch, phases, final)
        env = _env(tmp_path, orch, worker)
        env.pop("NO_COLOR")
        leader, follower = pty.openpty()
        proc = subprocess.Popen(
            [sys.executable, "-m", "tasker_ctl", *CREATE, "--wait"],
            cwd=tmp_path,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=follower,
            stderr=subprocess.PIPE,
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        code = proc.wait(timeout=60)
        os.close(leader)
        assert proc.stderr is not None
        stderr = proc.stderr.read().decode()
        proc.stderr.close()
    screen = b"".join(chunks).decode("utf-8", "replace")
    assert code == 0, stderr
    assert "Waiting for" in screen  # the live display, drawn while polling
    assert "\x1b[" in screen  # with cursor control and colour
    assert "Task complete." in screen
    assert "task banking/customer_onboarding" not in screen  # no plain lines on a terminal


# --- task compare ------------------------------------------------------------------------


def _compare(
    tmp_path: Path, orch: FakeTasker, worker: FakeTasker, *extra: str
) -> subprocess.CompletedProcess[str]:
    return run_cli(
        [
            "task",
            "compare",
            LIFE_TASK,
            "--template",
            str(DIAMOND_YAML),
            "--context",
            str(DIAMOND_CONTEXT),
            *extra,
        ],
        cwd=tmp_path,
        env=_env(tmp_path, orch, worker),
    )


@pytest.fixture
def _sdk() -> None:
    pytest.importorskip("tasker_core")


@pytest.mark.usefixtures("_sdk")
def test_compare_agrees_with_a_cluster_that_did_what_run_predicts(tmp_path: Path) -> None:
    phases, final = diamond_phases("complete")
    with tasker() as (orch, worker):
        play(orch, phases[-1:], final)
        table = _compare(tmp_path, orch, worker)
        as_json = _compare(tmp_path, orch, worker, "--format", "json")
    assert table.returncode == 0, table.stderr
    assert "The cluster did what the local run predicts." in table.stdout
    assert table.stdout.count("same") == 4
    assert as_json.returncode == 0, as_json.stderr
    report = json.loads(as_json.stdout)
    assert report["agree"] is True and report["differences"] == 0
    assert [s["name"] for s in report["steps"]] == list(DIAMOND_RESULTS)
    assert report["steps"][3]["cluster"]["result"] == DIAMOND_RESULTS["approve_account"]
    assert SECRET not in table.stdout + table.stderr + as_json.stdout + as_json.stderr


@pytest.mark.usefixtures("_sdk")
def test_compare_shows_each_difference_and_exits_1(tmp_path: Path) -> None:
    _, final = diamond_phases("error")
    # the cluster's identity check answered differently, too
    final[1] = StepState(
        "verify_identity", "complete", 1, execution_result({"verified": False, "method": "manual"})
    )
    with tasker() as (orch, worker):
        play(orch, [task_doc("error", final)], final)
        table = _compare(tmp_path, orch, worker)
        as_json = _compare(tmp_path, orch, worker, "--format", "json")
    assert table.returncode == 1, table.stderr
    out = table.stdout
    assert "local run complete, cluster error" in out
    assert 'check_credit: status: local "complete", cluster "error"' in out
    assert "check_credit: attempts: local 1, cluster 3" in out
    assert "approve_account: created locally only" in out
    assert 'verify_identity: result: local {"confidence": 0.97' in out
    assert "5 differences between the local run and the cluster." in out
    report = json.loads(as_json.stdout)
    assert as_json.returncode == 1 and report["agree"] is False and report["differences"] == 5
    by_name = {s["name"]: s for s in report["steps"]}
    assert by_name["load_applicant"]["agree"] is True
    assert by_name["approve_account"]["cluster"] is None
    assert {d["field"] for d in by_name["check_credit"]["differences"]} == {"status", "attempts"}
    assert report["task"]["differences"] == [
        {"field": "status", "local": "complete", "cluster": "error"}
    ]


@pytest.mark.usefixtures("_sdk")
def test_compare_names_a_different_template_and_a_task_in_progress(tmp_path: Path) -> None:
    _, final = diamond_phases("complete")
    running = task_doc("steps_in_process", final, version="2.0.0")
    with tasker() as (orch, worker):
        play(orch, [running], final)
        proc = _compare(tmp_path, orch, worker, "--format", "json")
    report = json.loads(proc.stdout)
    assert proc.returncode == 1
    expected = {
        "field": "template",
        "local": "banking/customer_onboarding/1.0.0",
        "cluster": "banking/customer_onboarding/2.0.0",
    }
    assert expected in report["task"]["differences"]
    assert report["task"]["cluster_final"] is False
    assert "still steps_in_process on the cluster" in report["notes"][0]


def test_compare_input_and_server_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nsteps: [\n", encoding="utf-8")
    with tasker() as (orch, worker):
        env = _env(tmp_path, orch, worker)
        missing = run_cli(
            ["task", "compare", LIFE_TASK, "--template", str(tmp_path / "nope.yaml")],
            cwd=tmp_path,
            env=env,
        )
        broken = run_cli(
            ["task", "compare", LIFE_TASK, "--template", str(bad)], cwd=tmp_path, env=env
        )
        not_uuid = run_cli(
            ["task", "compare", "42", "--template", str(DIAMOND_YAML)], cwd=tmp_path, env=env
        )
        sent = list(orch.seen)
        # no such task on the cluster: 404, before any local run
        unknown = run_cli(
            ["task", "compare", LIFE_TASK, "--template", str(DIAMOND_YAML)], cwd=tmp_path, env=env
        )
    for proc in (missing, broken, not_uuid):
        assert proc.returncode == 2, proc.stderr
        assert "error: " in proc.stderr and "Traceback" not in proc.stderr
    assert "nope.yaml does not exist" in missing.stderr
    # the lint gate of 'run': the finding with its line and column, then why it stops
    assert f"{bad}:3:1: error YAML syntax error" in broken.stderr
    assert "fix them first; see: tasker-ctl validate" in broken.stderr
    assert "task UUID '42' is not a UUID" in not_uuid.stderr
    assert sent == []  # nothing was asked of the server for bad input
    assert unknown.returncode == 4 and "404" in unknown.stderr
    assert "no task has that UUID" in unknown.stderr


def _secret_sweep(*procs: subprocess.CompletedProcess[str]) -> list[str]:
    return [p.stdout + p.stderr for p in procs if SECRET in p.stdout + p.stderr]


def test_no_secret_in_any_output_of_the_new_commands(tmp_path: Path) -> None:
    """A server that echoes the credential in errors: nothing prints it."""
    phases, final = diamond_phases("complete")
    echo: dict[str, Any] = {"error": {"code": "UNAUTHORIZED", "message": f"bad token {SECRET}"}}
    with tasker() as (orch, worker):
        play(orch, phases, final)
        ok = run_cli([*CREATE, "--wait"], cwd=tmp_path, env=_env(tmp_path, orch, worker))
        orch.reply("GET", f"/v1/tasks/{LIFE_TASK}", Reply(401, echo))
        orch.reply("POST", "/v1/tasks", Reply(201, phases[0]))
        denied = run_cli(
            [*CREATE, "--wait", "--format", "json"], cwd=tmp_path, env=_env(tmp_path, orch, worker)
        )
        compare_denied = run_cli(
            ["task", "compare", LIFE_TASK, "--template", str(DIAMOND_YAML)],
            cwd=tmp_path,
            env=_env(tmp_path, orch, worker),
        )
        worker.reply("GET", "/v1/templates/banking/customer_onboarding/1.0.0", Reply(403, echo))
        diff_denied = run_cli(
            [
                "template",
                "diff",
                "banking/customer_onboarding/1.0.0",
                "--template",
                str(DIAMOND_YAML),
            ],
            cwd=tmp_path,
            env=_env(tmp_path, orch, worker),
        )
    assert ok.returncode == 0
    assert denied.returncode == 4 and compare_denied.returncode == 4
    assert diff_denied.returncode == 4, diff_denied.stderr
    assert "401" in denied.stderr and "403" in diff_denied.stderr
    assert _secret_sweep(ok, denied, compare_denied, diff_denied) == []


@pytest.mark.usefixtures("_sdk")
def test_compare_runs_with_the_clusters_context_and_lists_the_runs_warnings(
    tmp_path: Path,
) -> None:
    # no --context: the local run gets the context the cluster task holds, which lacks
    # the 'applicant' the template's input_schema requires (and load_applicant reads)
    _, final = diamond_phases("complete")
    with tasker() as (orch, worker):
        play(orch, [task_doc("complete", final, context={"applicant_id": "APP-1"})], final)
        proc = run_cli(
            ["task", "compare", LIFE_TASK, "-t", str(DIAMOND_YAML), "--format", "json"],
            cwd=tmp_path,
            env=_env(tmp_path, orch, worker),
        )
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert any("(input_schema_mismatch)" in note for note in report["notes"]), report["notes"]
    by_name = {s["name"]: s for s in report["steps"]}
    assert by_name["load_applicant"]["local"]["status"] == "error"
    assert by_name["load_applicant"]["cluster"]["status"] == "complete"
