"""Text that is not clean UTF-8, from the server or from the command line.

Found by the adversarial sweep: a JSON answer holding a lone surrogate escape
(``"\\ud800"``, valid JSON) made ``--format json`` crash with exit 3, and so did
any non-ASCII answer on an ASCII stdout; a command-line value holding bytes that
are not UTF-8 (or a JSON flag holding a lone surrogate) crashed every command that
sends it with exit 3 instead of a usage error.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from tests.client.fake_server import (
    ROOT,
    TASK,
    TASK_RESPONSE,
    FakeTasker,
    Reply,
    clean_env,
    run_cli,
    tasker,
)

PATH = f"/v1/tasks/{TASK}"
LONE = json.dumps({**TASK_RESPONSE, "name": "@"}).replace('"@"', '"a\\ud800b"').encode()


def _env(tmp: Path, orch: FakeTasker, **extra: str) -> dict[str, str]:
    return clean_env(
        tmp, TASKER_ORCHESTRATION_URL=orch.url, TASKER_WORKER_URL="http://127.0.0.1:9", **extra
    )


@pytest.mark.parametrize("fmt", ["json", "yaml", "table"])
def test_a_lone_surrogate_in_an_answer_is_printed_escaped(tmp_path: Path, fmt: str) -> None:
    with FakeTasker() as orch:
        orch.reply("GET", PATH, Reply(200, raw=LONE))
        run = run_cli(
            ["task", "get", TASK, "--format", fmt], cwd=tmp_path, env=_env(tmp_path, orch)
        )
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    if fmt == "json":
        assert json.loads(run.stdout)["name"] == "a\ud800b"  # the server's value, escaped
    elif fmt == "yaml":
        assert yaml.safe_load(run.stdout)["name"] == "a\ud800b"
    else:
        assert "ecommerce/a\\ud800b v1.0.0" in run.stdout


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_non_ascii_answers_on_an_ascii_stdout_are_escaped(tmp_path: Path, fmt: str) -> None:
    with FakeTasker() as orch:
        orch.reply("GET", PATH, Reply(200, {**TASK_RESPONSE, "reason": "Bestellung für Zoë"}))
        run = run_cli(
            ["task", "get", TASK, "--format", fmt],
            cwd=tmp_path,
            env=_env(tmp_path, orch, PYTHONIOENCODING="ascii"),
        )
    assert run.returncode == 0, run.stderr
    assert run.stdout.isascii()
    loaded = json.loads(run.stdout) if fmt == "json" else yaml.safe_load(run.stdout)
    assert loaded["reason"] == "Bestellung für Zoë"


BAD = os.fsdecode(b"caf\xe9")  # Latin-1 bytes on a UTF-8 command line
STEP = "0190f3a4-8c1e-7b2a-9d4e-5f6a7b8c9d02"


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["task", "list", "--namespace", BAD], "the namespace"),
        (["task", "create", "--name", BAD, "--input", "{}"], "a value in the request body"),
        (
            ["task", "complete-step", TASK, STEP, "-r", "x", "--result", '{"k": "\\udc00"}'],
            "a value in the request body",
        ),
        (["worker", "list", "--namespace", BAD], "the namespace"),
    ],
    ids=["query", "create", "json-flag", "worker-query"],
)
def test_text_that_is_not_utf8_is_a_usage_error_before_any_request(
    tmp_path: Path, args: list[str], named: str
) -> None:
    with tasker() as (orch, worker):
        env = clean_env(tmp_path, TASKER_ORCHESTRATION_URL=orch.url, TASKER_WORKER_URL=worker.url)
        run = run_cli(args, cwd=tmp_path, env=env)
        sent = len(orch.seen) + len(worker.seen)
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr and sent == 0
    assert f"error: {named} " in run.stderr and "is not valid UTF-8 text" in run.stderr


def test_a_registered_template_name_that_is_not_utf8_is_a_usage_error(tmp_path: Path) -> None:
    template = ROOT / "examples/diamond/config/tasks/customer_onboarding.yaml"
    with tasker() as (orch, worker):
        env = clean_env(tmp_path, TASKER_ORCHESTRATION_URL=orch.url, TASKER_WORKER_URL=worker.url)
        run = run_cli(
            ["template", "diff", "-t", str(template), f"banking/{BAD}/1.0.0"], cwd=tmp_path, env=env
        )
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert "error: the name " in run.stderr
