"""A fake Tasker orchestration + worker server on 127.0.0.1, and a subprocess CLI runner.

The answers are shaped by upstream's OpenAPI documents (``test_samples_match_the_openapi
_documents`` holds every sample against its schema). The server records each request
(method, path, query, headers, JSON body, time) so tests can assert what the CLI sent.
"""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "client"
TLS_CERT = FIXTURES / "tls" / "server.crt"
TLS_KEY = FIXTURES / "tls" / "server.key"

TASK = "0190f3a4-8c1e-7b2a-9d4e-5f6a7b8c9d0e"
STEP = "0190f3a4-8c1e-7b2a-9d4e-5f6a7b8c9d01"
STEP2 = "0190f3a4-8c1e-7b2a-9d4e-5f6a7b8c9d02"
ENTRY = "0190f3a4-8c1e-7b2a-9d4e-5f6a7b8c9dee"
CORR = "0190f3a4-8c1e-7b2a-9d4e-5f6a7b8c9dcc"
NOW = "2026-12-01T10:00:00Z"


def step_readiness(name: str, uuid: str, state: str) -> dict[str, Any]:
    return {
        "workflow_step_uuid": uuid,
        "task_uuid": TASK,
        "named_step_uuid": "0190f3a4-8c1e-7b2a-9d4e-5f6a7b8c9d99",
        "name": name,
        "current_state": state,
        "dependencies_satisfied": True,
        "retry_eligible": False,
        "ready_for_execution": False,
        "total_parents": 0,
        "completed_parents": 0,
        "attempts": 1,
        "max_attempts": 3,
        "next_retry_at": None,
    }


TASK_RESPONSE: dict[str, Any] = {
    "task_uuid": TASK,
    "name": "process_order",
    "namespace": "ecommerce",
    "version": "1.0.0",
    "status": "in_progress",
    "created_at": NOW,
    "updated_at": NOW,
    "completed_at": None,
    "context": {"order_id": 42},
    "initiator": "tasker-ctl",
    "source_system": "cli",
    "reason": "CLI task creation",
    "correlation_id": CORR,
    "total_steps": 2,
    "pending_steps": 1,
    "in_progress_steps": 0,
    "completed_steps": 1,
    "failed_steps": 0,
    "ready_steps": 1,
    "execution_status": "has_ready_steps",
    "recommended_action": "execute_ready_steps",
    "completion_percentage": 50.0,
    "health_status": "healthy",
    "priority": 5,
    "steps": [
        step_readiness("validate_cart", STEP, "complete"),
        step_readiness("charge_card", STEP2, "pending"),
    ],
}

STEP_RESPONSE: dict[str, Any] = {
    "step_uuid": STEP2,
    "task_uuid": TASK,
    "name": "charge_card",
    "created_at": NOW,
    "updated_at": NOW,
    "current_state": "error",
    "dependencies_satisfied": True,
    "retry_eligible": True,
    "ready_for_execution": False,
    "total_parents": 1,
    "completed_parents": 1,
    "attempts": 3,
    "max_attempts": 3,
    "last_failure_at": NOW,
    "next_retry_at": None,
    "results": {"error": "card declined"},
}

AUDIT = [
    {
        "audit_uuid": "0190f3a4-8c1e-7b2a-9d4e-5f6a7b8c9daa",
        "workflow_step_uuid": STEP2,
        "transition_uuid": "0190f3a4-8c1e-7b2a-9d4e-5f6a7b8c9dab",
        "task_uuid": TASK,
        "recorded_at": NOW,
        "worker_uuid": "worker-abc-123",
        "correlation_id": CORR,
        "success": False,
        "execution_time_ms": 150,
        "step_name": "charge_card",
        "from_state": "in_progress",
        "to_state": "error",
    }
]

DLQ_ENTRY: dict[str, Any] = {
    "dlq_entry_uuid": ENTRY,
    "task_uuid": TASK,
    "original_state": "error",
    "dlq_reason": "MaxRetriesExceeded",
    "dlq_timestamp": NOW,
    "resolution_status": "Pending",
    "task_snapshot": {"task": {"name": "process_order"}},
    "created_at": NOW,
    "updated_at": NOW,
    "resolution_notes": None,
    "resolved_by": None,
}

DLQ_STATS = [
    {
        "dlq_reason": "MaxRetriesExceeded",
        "total_entries": 3,
        "pending": 2,
        "manually_resolved": 1,
        "permanent_failures": 0,
        "cancelled": 0,
        "oldest_entry": NOW,
        "newest_entry": NOW,
    }
]


def _check(status: str = "healthy") -> dict[str, Any]:
    return {"status": status, "duration_ms": 3, "message": None, "last_checked": NOW}


ORCH_DETAILED = {
    "status": "healthy",
    "timestamp": NOW,
    "checks": {
        name: {"status": "healthy", "duration_ms": 2, "message": None}
        for name in (
            "web_database",
            "orchestration_database",
            "circuit_breaker",
            "orchestration_system",
            "command_processor",
            "pool_utilization",
            "queue_depth",
            "channel_saturation",
        )
    },
    "info": {
        "version": "0.9.1",
        "environment": "staging",
        "operational_state": "normal",
        "web_database_pool_size": 10,
        "orchestration_database_pool_size": 20,
        "circuit_breaker_state": "closed",
    },
}

WORKER_DETAILED = {
    "status": "healthy",
    "timestamp": NOW,
    "worker_id": "worker-py-1",
    "checks": {
        name: _check()
        for name in (
            "database",
            "command_processor",
            "queue_processing",
            "event_system",
            "step_processing",
            "circuit_breakers",
        )
    },
    "system_info": {
        "version": "0.9.1",
        "environment": "staging",
        "uptime_seconds": 3600,
        "worker_type": "python",
        "database_pool_size": 5,
        "command_processor_active": True,
        "supported_namespaces": ["ecommerce", "billing"],
    },
}

TEMPLATES = {
    "supported_namespaces": ["ecommerce", "billing"],
    "template_count": 4,
    "worker_capabilities": ["python", "batch"],
    "cache_stats": {
        "total_cached": 4,
        "cache_hits": 10,
        "cache_misses": 2,
        "cache_evictions": 0,
        "oldest_entry_age_seconds": 60,
        "average_access_count": 2.5,
        "supported_namespaces": ["ecommerce"],
    },
}

# (api, method, OpenAPI path, status) -> sample answer; the fake serves these by default.
SAMPLES: dict[tuple[str, str, str, int], Any] = {
    ("orchestration", "GET", "/health", 200): {"status": "healthy", "timestamp": NOW},
    ("orchestration", "GET", "/health/detailed", 200): ORCH_DETAILED,
    ("orchestration", "POST", "/v1/tasks", 201): TASK_RESPONSE,
    ("orchestration", "GET", "/v1/tasks", 200): {
        "tasks": [TASK_RESPONSE],
        "pagination": {
            "page": 1,
            "per_page": 20,
            "total_count": 1,
            "total_pages": 1,
            "has_next": False,
            "has_previous": False,
        },
    },
    ("orchestration", "GET", "/v1/tasks/{uuid}", 200): TASK_RESPONSE,
    ("orchestration", "DELETE", "/v1/tasks/{uuid}", 200): {**TASK_RESPONSE, "status": "cancelled"},
    ("orchestration", "GET", "/v1/tasks/{uuid}/workflow_steps", 200): [STEP_RESPONSE],
    ("orchestration", "GET", "/v1/tasks/{uuid}/workflow_steps/{step_uuid}", 200): STEP_RESPONSE,
    ("orchestration", "PATCH", "/v1/tasks/{uuid}/workflow_steps/{step_uuid}", 200): {
        **STEP_RESPONSE,
        "current_state": "pending",
    },
    ("orchestration", "GET", "/v1/tasks/{uuid}/workflow_steps/{step_uuid}/audit", 200): AUDIT,
    ("orchestration", "GET", "/v1/dlq", 200): [DLQ_ENTRY],
    ("orchestration", "GET", "/v1/dlq/task/{task_uuid}", 200): DLQ_ENTRY,
    ("orchestration", "PATCH", "/v1/dlq/entry/{dlq_entry_uuid}", 200): {
        "success": True,
        "message": "Investigation updated",
        "dlq_entry_uuid": ENTRY,
    },
    ("orchestration", "GET", "/v1/dlq/stats", 200): DLQ_STATS,
    ("worker", "GET", "/health", 200): {
        "status": "healthy",
        "timestamp": NOW,
        "worker_id": "worker-py-1",
    },
    ("worker", "GET", "/health/detailed", 200): WORKER_DETAILED,
    ("worker", "GET", "/v1/templates", 200): TEMPLATES,
}


def concrete(path: str) -> str:
    return (
        path.replace("{uuid}", TASK)
        .replace("{step_uuid}", STEP2)
        .replace("{task_uuid}", TASK)
        .replace("{dlq_entry_uuid}", ENTRY)
    )


@dataclass
class Reply:
    status: int = 200
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)
    raw: bytes | None = None
    delay: float = 0.0
    trickle: float = 0.0
    """Seconds between the bytes of the body (a server that answers, but very slowly)."""


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any
    at: float


class FakeTasker:
    """One HTTP(S) server playing orchestration (and, on another instance, worker)."""

    def __init__(self, api: str = "orchestration", *, tls: bool = False) -> None:
        self.api = api
        self.routes: dict[tuple[str, str], list[Reply]] = {}
        self.seen: list[Seen] = []
        for (which, method, path, status), body in SAMPLES.items():
            if which == api:
                self.routes[(method, concrete(path))] = [Reply(status, body)]
        handler = _handler(self)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(TLS_CERT, TLS_KEY)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.scheme = "https" if tls else "http"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.server.server_address[1]}"

    def reply(self, method: str, path: str, *replies: Reply) -> None:
        """Answer ``method path`` with ``replies`` in turn (the last one repeats)."""
        self.routes[(method, path)] = list(replies)

    def __enter__(self) -> FakeTasker:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def _handler(fake: FakeTasker) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw
            fake.seen.append(
                Seen(
                    self.command,
                    parts.path,
                    parse_qs(parts.query),
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                    time.monotonic(),
                )
            )
            replies = fake.routes.get((self.command, parts.path))
            if not replies:
                reply = Reply(404, {"error": {"code": "NOT_FOUND", "message": "no such route"}})
            else:
                reply = replies.pop(0) if len(replies) > 1 else replies[0]
            if reply.delay:
                time.sleep(reply.delay)
            payload = reply.raw if reply.raw is not None else json.dumps(reply.body).encode()
            self.send_response(reply.status)
            headers = {"Content-Type": "application/json", **reply.headers}
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if not reply.trickle:
                self.wfile.write(payload)
                return
            for index in range(len(payload)):
                try:
                    self.wfile.write(payload[index : index + 1])
                    self.wfile.flush()
                except OSError:  # the client gave up
                    return
                time.sleep(reply.trickle)

        do_GET = do_POST = do_PATCH = do_DELETE = _serve

    return Handler


@contextmanager
def tasker(tls: bool = False) -> Iterator[tuple[FakeTasker, FakeTasker]]:
    """An orchestration and a worker fake, both running."""
    with FakeTasker("orchestration", tls=tls) as orch, FakeTasker("worker", tls=tls) as worker:
        yield orch, worker


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a CLI run: no TASKER_*/proxy/SSL variables of the caller."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("TASKER_")
        and k.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_proxy")
        and k not in ("SSL_CERT_FILE", "SSL_CERT_DIR")
    }
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        NO_COLOR="1",
        COLUMNS="1000",
        RUST_LOG="off",
    )
    env.update(extra)
    return env


def run_cli(
    args: list[str], *, cwd: Path, env: Mapping[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tasker_ctl", *args],
        cwd=cwd,
        env=dict(env),
        capture_output=True,
        text=True,
        input=stdin,
        timeout=60,
    )
