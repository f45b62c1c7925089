"""Failures between the CLI and the server: each one line, naming the URL, exit 4, no secret.

All through the real CLI in a subprocess against fake servers on 127.0.0.1.
"""

from __future__ import annotations

import socket
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from tests.client.fake_server import (
    TASK,
    TASK_RESPONSE,
    TLS_CERT,
    FakeTasker,
    Reply,
    clean_env,
    run_cli,
    tasker,
)

SECRET = "sk-3b9d1f7a0c5e48c2b6"
GET = ["task", "get", TASK]


def _env(home: Path, orch: str, worker: str = "http://127.0.0.1:9", **extra: str) -> dict[str, str]:
    return clean_env(
        home,
        TASKER_ORCHESTRATION_URL=orch,
        TASKER_WORKER_URL=worker,
        TASKER_API_KEY=SECRET,
        **extra,
    )


def _one_line_error(stderr: str, url: str) -> str:
    lines = stderr.strip().splitlines()
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 1 and url in errors[0], stderr
    assert all(line.startswith(("error: ", "hint: ", "note: ")) for line in lines), stderr
    assert "Traceback" not in stderr and SECRET not in stderr
    return errors[0]


def test_429_with_retry_after_seconds_then_success(tmp_path: Path) -> None:
    with FakeTasker() as orch:
        orch.reply(
            "GET",
            f"/v1/tasks/{TASK}",
            Reply(
                429,
                {"error": {"code": "RATE_LIMITED", "message": "slow down"}},
                {"Retry-After": "1"},
            ),
            Reply(200, TASK_RESPONSE),
        )
        run = run_cli([*GET, "--format", "json"], cwd=tmp_path, env=_env(tmp_path, orch.url))
        seen = list(orch.seen)
    assert run.returncode == 0, run.stderr
    assert len(seen) == 2 and seen[1].at - seen[0].at >= 0.95  # the server's wait was honoured
    assert all(s.headers["x-api-key"] == SECRET for s in seen)
    assert "HTTP 429, retrying in 1.0s (retry 1 of 3)" in run.stderr
    assert SECRET not in run.stdout + run.stderr


def test_503_with_an_http_date_then_success(tmp_path: Path) -> None:
    moment = (datetime.now(UTC) + timedelta(seconds=2)).replace(microsecond=0)
    when = format_datetime(moment, usegmt=True)
    with FakeTasker() as orch:
        orch.reply(
            "GET",
            f"/v1/tasks/{TASK}",
            Reply(
                503, {"error": {"code": "BACKPRESSURE", "message": "busy"}}, {"Retry-After": when}
            ),
            Reply(200, TASK_RESPONSE),
        )
        run = run_cli(GET, cwd=tmp_path, env=_env(tmp_path, orch.url))
        seen = list(orch.seen)
    # the retry waited for the date itself (however long the CLI took to start, which
    # a loaded machine stretches past the date: then there is no wait at all)
    retried_at = time.time() - (time.monotonic() - seen[1].at)
    assert run.returncode == 0, run.stderr
    assert len(seen) == 2 and retried_at >= moment.timestamp() - 0.05


def test_503_exhausted_stops_after_max_retries(tmp_path: Path) -> None:
    (tmp_path / ".config").mkdir()
    (tmp_path / ".config" / "tasker.toml").write_text(
        "[profile.default.orchestration]\nmax_retries = 2\n"
    )
    busy = Reply(
        503, {"error": {"code": "SERVICE_UNAVAILABLE", "message": "down"}}, {"Retry-After": "0"}
    )
    with FakeTasker() as orch:
        orch.reply("POST", "/v1/tasks", busy)
        run = run_cli(
            ["task", "create", "--name", "x", "-i", "{}"],
            cwd=tmp_path,
            env=_env(tmp_path, orch.url),
        )
        calls = len(orch.seen)
    assert run.returncode == 4
    assert calls == 3  # the first attempt and max_retries = 2 retries, then it stops
    line = _one_line_error(run.stderr, f"{orch.url}/v1/tasks")
    assert (
        "failed after 3 attempts: HTTP 503 Service Unavailable: down (SERVICE_UNAVAILABLE)" in line
    )
    assert "raise max_retries" in run.stderr


def test_a_retry_after_beyond_a_minute_is_not_waited_for(tmp_path: Path) -> None:
    with FakeTasker() as orch:
        orch.reply("GET", f"/v1/tasks/{TASK}", Reply(429, {}, {"Retry-After": "3600"}))
        started = time.monotonic()
        run = run_cli(GET, cwd=tmp_path, env=_env(tmp_path, orch.url))
        calls = len(orch.seen)
    assert run.returncode == 4 and calls == 1 and time.monotonic() - started < 20
    assert "HTTP 429 Too Many Requests" in run.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_connection_refused(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_free_port()}"
    run = run_cli(GET, cwd=tmp_path, env=_env(tmp_path, url))
    assert run.returncode == 4
    line = _one_line_error(run.stderr, url)
    assert line == f"error: cannot connect to the orchestration API at {url}: connection refused"
    assert "TASKER_ORCHESTRATION_URL" in run.stderr


def test_dns_failure(tmp_path: Path) -> None:
    url = "http://no-such-host.invalid:8080"
    run = run_cli(["worker", "status"], cwd=tmp_path, env=_env(tmp_path, "http://127.0.0.1:9", url))
    assert run.returncode == 4
    assert "cannot resolve the host of http://no-such-host.invalid:8080" in _one_line_error(
        run.stderr, url
    )


def test_timeout(tmp_path: Path) -> None:
    with FakeTasker() as orch:
        orch.reply("GET", f"/v1/tasks/{TASK}", Reply(200, TASK_RESPONSE, delay=2.0))
        env = _env(tmp_path, orch.url, TASKER_ORCHESTRATION_TIMEOUT_MS="300")
        run = run_cli(GET, cwd=tmp_path, env=env)
    assert run.returncode == 4
    assert "timed out after 0.3s (waiting for the answer)" in _one_line_error(run.stderr, orch.url)
    assert "timeout_ms" in run.stderr


def test_a_self_signed_certificate_is_refused_by_default(tmp_path: Path) -> None:
    with FakeTasker(tls=True) as orch:
        run = run_cli(GET, cwd=tmp_path, env=_env(tmp_path, orch.url))
        calls = len(orch.seen)
    assert run.returncode == 4 and calls == 0
    line = _one_line_error(run.stderr, orch.url)
    assert line.startswith(f"error: TLS handshake with {orch.url} failed: self-signed certificate")
    assert "SSL_CERT_FILE" in run.stderr


def test_a_self_signed_certificate_is_accepted_when_named_by_ssl_cert_file(tmp_path: Path) -> None:
    with tasker(tls=True) as (orch, worker):
        env = _env(tmp_path, orch.url, worker.url, SSL_CERT_FILE=str(TLS_CERT))
        run = run_cli([*GET, "--format", "json"], cwd=tmp_path, env=env)
        health = run_cli(["system", "health"], cwd=tmp_path, env=env)
    assert run.returncode == 0, run.stderr
    assert health.returncode == 0, health.stdout


def test_plain_http_to_a_tls_port_is_explained(tmp_path: Path) -> None:
    with FakeTasker(tls=True) as orch:
        url = orch.url.replace("https://", "http://")
        run = run_cli(GET, cwd=tmp_path, env=_env(tmp_path, url))
    assert run.returncode == 4
    _one_line_error(run.stderr, url)
    assert "check the scheme (http/https)" in run.stderr


@pytest.mark.parametrize(
    ("status", "body", "expected", "hint"),
    [
        (
            401,
            "Unauthorized",
            "HTTP 401 Unauthorized: Unauthorized",
            "credentials from TASKER_API_KEY were refused",
        ),
        (
            403,
            {"error": {"code": "FORBIDDEN", "message": "Access denied"}},
            "HTTP 403 Forbidden: Access denied (FORBIDDEN)",
            "lack the permission",
        ),
        (
            404,
            {"error": {"code": "NOT_FOUND", "message": "Task not found"}},
            "HTTP 404 Not Found: Task not found (NOT_FOUND)",
            "task list",
        ),
        (
            409,
            {"Conflict": {"message": "duplicate identity hash"}},
            "HTTP 409 Conflict: Conflict: duplicate identity hash",
            "conflicts",
        ),
        (422, {"message": "context: missing field"}, "HTTP 422 Unprocessable", "check the flags"),
        (
            500,
            b"<html>upstream exploded</html>",
            "HTTP 500 Internal Server Error: '<html>upstream exploded</html>'",
            "its logs",
        ),
        (
            302,
            b"",
            "the server redirects (HTTP 302) to https://elsewhere.example/login",
            "redirects are not followed",
        ),
    ],
)
def test_http_error_statuses(
    tmp_path: Path, status: int, body: object, expected: str, hint: str
) -> None:
    raw = body if isinstance(body, bytes) else None
    headers = {"Location": "https://elsewhere.example/login"} if status == 302 else {}
    with FakeTasker() as orch:
        orch.reply("GET", f"/v1/tasks/{TASK}", Reply(status, body, headers, raw=raw))
        run = run_cli(GET, cwd=tmp_path, env=_env(tmp_path, orch.url))
        calls = len(orch.seen)
    assert run.returncode == 4 and calls == 1
    line = _one_line_error(run.stderr, f"{orch.url}/v1/tasks/{TASK}")
    assert expected in line
    assert hint in run.stderr


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"<html><body>Welcome to nginx!</body></html>", "is not JSON"),
        (b"", "is empty; a JSON document was expected"),
        (b'{"task_uuid": 5}', "does not match the Tasker API: at $: 'name' is a required property"),
        (b'{"status": NaN}', "is not JSON"),
        (b"[" * 5000 + b"]" * 5000, "is not JSON"),
    ],
)
def test_answers_that_are_not_the_api_are_clear_errors(
    tmp_path: Path, raw: bytes, expected: str
) -> None:
    with FakeTasker() as orch:
        orch.reply("GET", f"/v1/tasks/{TASK}", Reply(200, raw=raw))
        run = run_cli(GET, cwd=tmp_path, env=_env(tmp_path, orch.url))
    assert run.returncode == 4
    assert expected in _one_line_error(run.stderr, orch.url)


def test_secrets_never_appear_even_when_the_server_echoes_them(tmp_path: Path) -> None:
    """A server (or proxy) that echoes the credential in an error body or a redirect."""
    token_file = tmp_path / "token"
    token_file.write_text("tok-FILE-7a6b5c4d3e2f\n")
    with FakeTasker() as orch:
        orch.reply(
            "GET",
            f"/v1/tasks/{TASK}",
            Reply(
                400,
                {
                    "error": {
                        "code": "BAD_REQUEST",
                        "message": "bad header Bearer tok-FILE-7a6b5c4d3e2f",
                    }
                },
            ),
        )
        orch.reply(
            "GET", "/v1/tasks", Reply(200, raw=b"<p>X-API-Key: " + SECRET.encode() + b"</p>")
        )
        orch.reply(
            "GET",
            "/v1/dlq/stats",
            Reply(301, b"", {"Location": f"http://evil/?k={SECRET}"}, raw=b""),
        )
        base = clean_env(
            tmp_path, TASKER_ORCHESTRATION_URL=orch.url, TASKER_WORKER_URL="http://127.0.0.1:9"
        )
        runs = [
            run_cli(GET, cwd=tmp_path, env={**base, "TASKER_AUTH_TOKEN_FILE": str(token_file)}),
            run_cli(["task", "list"], cwd=tmp_path, env={**base, "TASKER_API_KEY": SECRET}),
            run_cli(["dlq", "stats"], cwd=tmp_path, env={**base, "TASKER_API_KEY": SECRET}),
            run_cli(
                ["profile", "show", "--format", "json"],
                cwd=tmp_path,
                env={**base, "TASKER_API_KEY": SECRET},
            ),
            run_cli(
                ["profile", "show"],
                cwd=tmp_path,
                env={**base, "TASKER_AUTH_TOKEN_FILE": str(token_file)},
            ),
            run_cli(
                ["system", "info", "--format", "yaml"],
                cwd=tmp_path,
                env={**base, "TASKER_API_KEY": SECRET},
            ),
        ]
        sent = [s.headers.get("authorization") or s.headers.get("x-api-key") for s in orch.seen]
    assert sent[0] == "Bearer tok-FILE-7a6b5c4d3e2f" and sent[1] == SECRET  # the secrets were used
    for run in runs:
        assert "tok-FILE-7a6b5c4d3e2f" not in run.stdout + run.stderr
        assert SECRET not in run.stdout + run.stderr
        assert "Traceback" not in run.stderr
    assert [r.returncode for r in runs] == [4, 4, 4, 0, 0, 0]
    assert "<redacted>" in runs[0].stderr and "<redacted>" in runs[1].stderr
    assert (
        '"value": "<redacted>"' in runs[3].stdout and '"source": "TASKER_API_KEY"' in runs[3].stdout
    )
    assert f"TASKER_AUTH_TOKEN_FILE ({token_file})" in runs[4].stdout
