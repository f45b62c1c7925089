"""The Prism mock server (``@stoplight/prism-cli``) serving upstream's OpenAPI documents.

``prism mock --errors`` answers from the document's examples (or from its schemas) and,
with ``--errors``, refuses every request that the document does not allow (a missing
required body field, a wrong type, a path parameter that is not a UUID, a missing
credential) with a 4xx answer and a ``[VALIDATOR] ✖ error`` line in its log. Prism is
installed like the TypeScript compiler: by ``scripts/test.sh``, or on first use here,
into ``.tools/prism/`` with a pinned version.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRISM_VERSION = "5.16.0"
PRISM_PREFIX = ROOT / ".tools" / "prism"
PRISM_BIN = PRISM_PREFIX / "node_modules" / ".bin" / "prism"
DOCUMENTS = ROOT / "tasker_ctl" / "client" / "openapi"

_VIOLATION = re.compile(r"\[VALIDATOR\]\s+\S+\s+error\s+(?P<message>.*)")
_REQUEST = re.compile(r"\[HTTP SERVER\]\s+(?P<method>\w+)\s+(?P<path>\S+)\s.*Request received")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def ensure_prism() -> Path | str:
    """The prism executable, installing it with npm if needed; or why it cannot be had."""
    if PRISM_BIN.exists():
        return PRISM_BIN
    npm = shutil.which("npm")
    if npm is None:
        return "npm is not installed, so the Prism mock server cannot be installed"
    proc = subprocess.run(
        [
            npm,
            "install",
            "--silent",
            "--no-save",
            "--no-audit",
            "--no-fund",
            "--prefix",
            str(PRISM_PREFIX),
            f"@stoplight/prism-cli@{PRISM_VERSION}",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if proc.returncode != 0 or not PRISM_BIN.exists():
        raise RuntimeError(f"npm could not install prism-cli: {proc.stderr[-2000:]}")
    return PRISM_BIN


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Violation:
    method: str
    path: str
    message: str


@dataclass
class PrismServer:
    """One ``prism mock --errors`` process on an ephemeral port."""

    document: Path
    log: Path
    port: int = field(default_factory=_free_port)
    process: subprocess.Popen[bytes] | None = None
    excused: list[tuple[int, int]] = field(default_factory=list)
    """Log ranges holding deliberate violations (the negative tests')."""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, prism: Path) -> None:
        out = self.log.open("wb")
        self.process = subprocess.Popen(
            [
                str(prism),
                "mock",
                "--errors",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                str(self.document),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "0"},
        )
        out.close()

    def wait_ready(self, deadline: float) -> None:
        assert self.process is not None
        while time.monotonic() < deadline:
            if "Prism is listening" in self.text():
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"prism exited early:\n{self.text()[-3000:]}")
            time.sleep(0.1)
        raise RuntimeError(f"prism did not start in time:\n{self.text()[-3000:]}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def text(self) -> str:
        return _ANSI.sub("", self.log.read_text(encoding="utf-8", errors="replace"))

    def mark(self) -> int:
        """The log's length now: :meth:`violations` can look only at what follows."""
        return len(self.text())

    def excuse(self, since: int) -> None:
        """Leave the log from ``since`` to now out of :meth:`violations` (deliberate ones)."""
        self.excused.append((since, self.mark()))

    def violations(self, since: int = 0) -> list[Violation]:
        """Every request the validator refused, with the request it belongs to."""
        text = self.text()
        if since == 0:
            kept, start = [], 0
            for begin, end in sorted(self.excused):
                kept.append(text[start:begin])
                start = end
            text = "".join([*kept, text[start:]])
        else:
            text = text[since:]
        found: list[Violation] = []
        method, path = "?", "?"
        for line in text.splitlines():
            request = _REQUEST.search(line)
            if request:
                method, path = request["method"].upper(), request["path"]
                continue
            violation = _VIOLATION.search(line)
            if violation:
                found.append(Violation(method, path, violation["message"].strip()))
        return found


@dataclass
class Prism:
    orchestration: PrismServer
    worker: PrismServer

    def violations(self) -> list[Violation]:
        return self.orchestration.violations() + self.worker.violations()


def start_prism(prism: Path, logs: Path, timeout: float = 45.0) -> Prism:
    """Both services' documents served by Prism, started in parallel."""
    servers = Prism(
        PrismServer(DOCUMENTS / "orchestration-openapi.json", logs / "prism-orchestration.log"),
        PrismServer(DOCUMENTS / "worker-openapi.json", logs / "prism-worker.log"),
    )
    deadline = time.monotonic() + timeout
    try:
        for server in (servers.orchestration, servers.worker):
            server.start(prism)
        for server in (servers.orchestration, servers.worker):
            server.wait_ready(deadline)
    except BaseException:
        servers.orchestration.stop()
        servers.worker.stop()
        raise
    return servers


# --- the one place where upstream's document and upstream's server disagree --------------
#
# ``TaskRequest.requested_at`` is a chrono ``NaiveDateTime``: the server's serde reads
# "2026-12-04T21:59:00.123456" and refuses a trailing "Z" or offset (chrono#581), and the
# Rust CLI sends it without one, as we do. The OpenAPI document (utoipa) declares it
# ``format: date-time``, which RFC 3339 says must carry an offset, so Prism refuses what
# the real server needs. The proxy below rewrites exactly that field, after checking it
# is a naive ISO timestamp, and passes every other byte to Prism unchanged.

NAIVE_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?$")


class RequestedAtProxy:
    """An HTTP proxy to ``target`` that adds "Z" to a naive ``requested_at`` of POST /v1/tasks."""

    def __init__(self, target: str) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        import httpx

        self.rewritten: list[str] = []
        self.refused: list[str] = []
        proxy = self
        client = httpx.Client(base_url=target, timeout=30.0)

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return

            def _forward(self) -> None:
                import json

                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                if self.command == "POST" and self.path.split("?")[0] == "/v1/tasks" and raw:
                    body = json.loads(raw)
                    stamp = body.get("requested_at") if isinstance(body, dict) else None
                    if isinstance(stamp, str) and NAIVE_TIMESTAMP.match(stamp):
                        body["requested_at"] = stamp + "Z"
                        proxy.rewritten.append(stamp)
                        raw = json.dumps(body).encode()
                    else:
                        proxy.refused.append(repr(stamp))
                headers = {
                    k: v
                    for k, v in self.headers.items()
                    if k.lower() not in ("host", "content-length", "connection")
                }
                answer = client.request(self.command, self.path, content=raw, headers=headers)
                self.send_response(answer.status_code)
                for key, value in answer.headers.items():
                    if key.lower() not in ("content-length", "transfer-encoding", "connection"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _forward

        self._client = client
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._client.close()
