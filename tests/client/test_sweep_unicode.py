"""Text that is not clean UTF-8, from the server or from the command line.

Found by the adversarial sweep: a JSON answer holding a lone surrogate escape
(``"\\ud800"``, valid JSON) made ``--format json`` crash with exit 3, and so did
any non-ASCII answer on an ASCII stdout.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.client.fake_server import TASK, TASK_RESPONSE, FakeTasker, Reply, clean_env, run_cli

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
