"""The transport against servers that misbehave on the wire.

Found by the adversarial sweep (each test names what used to happen).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from tests.client.fake_server import TASK, TASK_RESPONSE, FakeTasker, Reply, clean_env, run_cli

PATH = f"/v1/tasks/{TASK}"


def test_a_server_that_answers_a_byte_at_a_time_is_cut_off_at_the_timeout(tmp_path: Path) -> None:
    """httpx's timeout bounds each read, not the answer: the command waited for ever."""
    with FakeTasker() as orch:
        orch.reply("GET", PATH, Reply(200, TASK_RESPONSE, trickle=0.05))
        env = clean_env(
            tmp_path,
            TASKER_ORCHESTRATION_URL=orch.url,
            TASKER_ORCHESTRATION_TIMEOUT_MS="1000",
        )
        started = time.monotonic()
        run = run_cli(["task", "get", TASK], cwd=tmp_path, env=env)
        took = time.monotonic() - started
    assert run.returncode == 4, run.stderr
    assert took < 10  # the whole answer takes the trickling server over a minute
    assert f"GET {orch.url}{PATH} timed out after 1s" in run.stderr
    assert "raise timeout_ms in the profile" in run.stderr


def test_https_to_a_plain_http_port_says_so_rather_than_blaming_the_certificate(
    tmp_path: Path,
) -> None:
    """The hint said the certificate was not trusted and suggested SSL_CERT_FILE."""
    with FakeTasker() as orch:
        url = orch.url.replace("http://", "https://")
        env = clean_env(tmp_path, TASKER_ORCHESTRATION_URL=url)
        run = run_cli(["task", "get", TASK], cwd=tmp_path, env=env)
    assert run.returncode == 4, run.stderr
    assert f"error: TLS handshake with {url} failed" in run.stderr
    assert f"if it serves plain HTTP, set base_url to {orch.url}" in run.stderr
    assert "SSL_CERT_FILE" not in run.stderr


def test_a_number_too_large_for_a_double_is_refused_not_printed_as_infinity(
    tmp_path: Path,
) -> None:
    """Python read 1e400 as inf, and --format json printed ``Infinity`` (not JSON)."""
    body = json.dumps({**TASK_RESPONSE, "completion_percentage": 0.5}).replace("0.5", "1e400")
    with FakeTasker() as orch:
        orch.reply("GET", PATH, Reply(200, raw=body.encode()))
        env = clean_env(tmp_path, TASKER_ORCHESTRATION_URL=orch.url)
        run = run_cli(["task", "get", TASK, "--format", "json"], cwd=tmp_path, env=env)
    assert run.returncode == 4, run.stdout
    assert "Infinity" not in run.stdout
    assert "the number 1e400 is too large for a double" in run.stderr
