"""`tasker-ctl run` survives handlers that misbehave at the process level (issue 9).

Every test runs the real CLI in a subprocess (``python -m tasker_ctl run``) on a
fixture project built in ``tmp_path`` and checks the exit code, the messages,
the JSON report on stdout (``--format json``: exactly one document) and the
``--events`` log (every line parses, the last one is ``run_finished``). A hang
guard bounds every command: a run that does not end within it is killed (its
whole process group) and the test fails. After every run, no process started
for it (working directory or command line under ``tmp_path``, or a descendant
of the CLI seen while it ran) may still be alive.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import build_file_tree

pytestmark = pytest.mark.sdk

GUARD_S = 60.0
"""Hang guard for one CLI command."""
SIGNAL_EXIT_S = 20.0
"""How soon after a signal the CLI must be gone ("well within the guard")."""
LINGER_S = 5.0
"""How long a worker process may outlive the CLI."""

HANDLERS = """\
import ctypes
import os
import re
import signal
import threading
import time

from tasker_core.step_handler.functional import step_handler


def _catastrophic():
    # exponential backtracking inside the C regex engine: it never gives the GIL back
    return re.match(r"(a+)+$", "a" * 40 + "b")


@step_handler("robust.ok")
def ok(context):
    return {"ok": True}


@step_handler("robust.sleep")
def sleep(context):
    time.sleep(context.step_config.get("seconds", 60))
    return {"slept": True}


@step_handler("robust.busy_thread")
def busy_thread(context):
    def spin():
        n = 0
        while True:
            n += 1

    threading.Thread(target=spin, name="busy-forever", daemon=False).start()
    return {"thread": "started"}


@step_handler("robust.regex")
def regex(context):
    return {"matched": _catastrophic() is not None}


@step_handler("robust.regex_once")
def regex_once(context):
    if context.retry_count == 0:
        _catastrophic()
    return {"attempt": context.retry_count + 1}


@step_handler("robust.exit0")
def exit0(context):
    os._exit(0)


@step_handler("robust.segfault")
def segfault(context):
    ctypes.string_at(0)
    return {"survived": True}


@step_handler("robust.sigkill")
def sigkill(context):
    os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(5)
    return {"survived": True}


@step_handler("robust.whoami")
def whoami(context):
    import sys

    return {"pid": os.getpid(), "ppid": os.getppid(), "dump": sys.argv[-1]}


@step_handler("robust.chatty")
def chatty(context):
    print("hello from handler")
    return {"said": "hello"}
"""

NO_RETRY = "    retry: {retryable: true, max_attempts: 1}\n"
SIBLING = "  - name: sibling\n    handler: {callable: robust.ok}\n"
AFTER_BUSY = "  - name: after\n    dependencies: [busy]\n    handler: {callable: robust.ok}\n"


@pytest.fixture(autouse=True)
def _sdk() -> None:
    pytest.importorskip("tasker_core")


# -- fixture projects and running the CLI ---------------------------------------------


def write_project(root: Path, steps: str) -> Path:
    """``root/config/tasks/robust.yaml`` (with ``steps``), its handlers and a context."""
    build_file_tree(
        root,
        {
            "config/tasks/robust.yaml": (
                f"name: robust\nnamespace_name: robust\nversion: 1.0.0\nsteps:\n{steps}"
            ),
            "handlers/__init__.py": "",
            "handlers/steps.py": HANDLERS,
            "context.json": "{}\n",
        },
    )
    return root / "config/tasks/robust.yaml"


def _reset_signals() -> None:
    """In the child: the default dispositions of a terminal, whatever pytest inherited."""
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)


def start_cli(
    root: Path, template: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    """Start ``tasker-ctl run TEMPLATE --context ... --format json --events ... ARGS``."""
    command = [
        sys.executable, "-m", "tasker_ctl", "run", str(template),
        "--context", str(root / "context.json"), "--format", "json",
        "--events", str(root / "events.jsonl"), *args,
    ]  # fmt: skip
    return subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=root,
        env={**os.environ, "RUST_LOG": "off", "NO_COLOR": "1", **(env or {})},
        start_new_session=True,
        preexec_fn=_reset_signals,
    )


@dataclass
class Ran:
    """A finished CLI run."""

    code: int
    stdout: str
    stderr: str
    elapsed_s: float

    def tail(self) -> str:
        return f"exit {self.code}\n--- stderr (tail) ---\n{self.stderr[-3000:]}"


def finish(process: subprocess.Popen[str], root: Path, since: float | None = None) -> Ran:
    """Wait for the CLI within the guard; on a hang kill everything it started and fail."""
    started = time.monotonic() if since is None else since
    hung = False
    try:
        stdout, stderr = process.communicate(timeout=GUARD_S)
    except subprocess.TimeoutExpired:
        hung = True
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # its own session: pgid == pid
        stdout, stderr = process.communicate()
        _kill(processes_under(root))
    if hung:
        pytest.fail(
            f"tasker-ctl run did not end within {GUARD_S:g} s (killed)\n"
            f"--- stdout ---\n{stdout[-2000:]}\n--- stderr (tail) ---\n{stderr[-3000:]}"
        )
    return Ran(process.returncode, stdout, stderr, time.monotonic() - started)


def run_cli(root: Path, template: Path, *args: str, env: dict[str, str] | None = None) -> Ran:
    """Run the CLI to its end, then check no process of the run is left behind."""
    ran = finish(start_cli(root, template, *args, env=env), root)
    assert_no_leftovers(root)
    return ran


def report_of(ran: Ran) -> dict[str, Any]:
    """The JSON report: stdout is exactly one JSON document (json.loads refuses extra data)."""
    assert ran.stdout.strip(), f"nothing on stdout\n{ran.tail()}"
    try:
        report: dict[str, Any] = json.loads(ran.stdout)
    except json.JSONDecodeError as exc:
        pytest.fail(f"stdout is not one JSON document ({exc})\n{ran.stdout[:2000]}\n{ran.tail()}")
    assert report["version"] == 1
    assert {"task", "steps", "not_created", "warnings", "timing"} <= set(report)
    return report


def events_of(root: Path, report: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """The complete event log: every line parses, run_started first, run_finished last."""
    text = (root / "events.jsonl").read_text(encoding="utf-8")
    assert text.endswith("\n"), f"the event log ends mid-line: {text[-300:]!r}"
    lines = [json.loads(line) for line in text.splitlines()]
    assert lines[0]["type"] == "run_started"
    assert lines[-1]["type"] == "run_finished", lines[-3:]
    assert [line["seq"] for line in lines] == list(range(1, len(lines) + 1))
    if report is not None:
        assert lines[-1]["task_status"] == report["task"]["status"]
    return lines


def step_of(report: dict[str, Any], name: str) -> dict[str, Any]:
    matches = [s for s in report["steps"] if s["name"] == name]
    assert len(matches) == 1, [s["name"] for s in report["steps"]]
    return matches[0]


def no_traceback(ran: Ran) -> None:
    assert "Traceback" not in ran.stderr, ran.tail()
    assert "internal error" not in ran.stderr, ran.tail()


def step_started(events: Path, step: str) -> bool:
    """Whether the (growing) event log shows ``step`` in progress; complete lines only."""
    text = events.read_text(encoding="utf-8") if events.exists() else ""
    lines = [json.loads(line) for line in text.splitlines(keepends=True) if line.endswith("\n")]
    return any(
        e.get("type") == "step_transition"
        and e.get("step") == step
        and e.get("to_state") == "in_progress"
        for e in lines
    )


# -- processes, through /proc ----------------------------------------------------------


@dataclass(frozen=True)
class Proc:
    pid: int
    ppid: int
    state: str
    start: int
    """Start time in clock ticks since boot: with the pid, identifies the process."""
    cmdline: str
    cwd: str | None


def proc(pid: int) -> Proc | None:
    """What /proc says about ``pid`` (``None`` once it is gone)."""
    base = Path("/proc") / str(pid)
    try:
        stat = (base / "stat").read_text(encoding="utf-8", errors="replace")
        cmdline = (base / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    try:
        cwd: str | None = str((base / "cwd").readlink())
    except OSError:  # another user's process, or gone
        cwd = None
    return Proc(pid, int(fields[1]), fields[0], int(fields[19]), cmdline.strip(), cwd)


def all_processes() -> list[Proc]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (info := proc(int(entry.name))) is not None:
            found.append(info)
    return found


def _live(info: Proc) -> bool:
    return info.state not in ("Z", "X")


def processes_under(root: Path) -> list[Proc]:
    """Live processes whose working directory or command line is under ``root``."""
    mark = str(root.resolve())
    me = os.getpid()
    return [
        p
        for p in all_processes()
        if p.pid != me
        and _live(p)
        and (
            f"{mark}/" in p.cmdline
            or (p.cwd is not None and (p.cwd == mark or p.cwd.startswith(f"{mark}/")))
        )
    ]


def descendants(pid: int) -> list[Proc]:
    """The live descendants of ``pid`` right now (its worker processes, if any)."""
    children: dict[int, list[Proc]] = {}
    for p in all_processes():
        children.setdefault(p.ppid, []).append(p)
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if _live(child):
                found.append(child)
                todo.append(child.pid)
    return found


def _still_running(known: Sequence[Proc]) -> list[Proc]:
    alive = []
    for old in known:
        now = proc(old.pid)
        if now is not None and now.start == old.start and _live(now):
            alive.append(now)
    return alive


def _kill(leftovers: list[Proc]) -> None:
    for p in leftovers:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(p.pid, signal.SIGKILL)


def assert_no_leftovers(root: Path, known: Sequence[Proc] = ()) -> None:
    """Within LINGER_S, nothing the run started is alive (else kill it and fail)."""
    deadline = time.monotonic() + LINGER_S
    while True:
        left = {p.pid: p for p in [*processes_under(root), *_still_running(known)]}
        if not left:
            return
        if time.monotonic() > deadline:
            _kill(list(left.values()))
            described = "\n".join(f"  pid {p.pid} [{p.state}]: {p.cmdline}" for p in left.values())
            pytest.fail(f"processes of the run still alive {LINGER_S:g} s after it:\n{described}")
        time.sleep(0.1)


# -- 1. a non-daemon thread left running by a handler ----------------------------------


def test_a_busy_non_daemon_thread_does_not_keep_the_run_alive(tmp_path: Path) -> None:
    template = write_project(
        tmp_path,
        "  - name: spawner\n    handler: {callable: robust.busy_thread}\n"
        "  - name: after\n    dependencies: [spawner]\n    handler: {callable: robust.ok}\n",
    )
    ran = run_cli(tmp_path, template)
    assert ran.code == 0, ran.tail()
    report = report_of(ran)
    assert report["task"]["status"] == "complete"
    assert step_of(report, "spawner")["result"] == {"thread": "started"}
    assert step_of(report, "after")["status"] == "complete"
    events_of(tmp_path, report)
    no_traceback(ran)


# -- 2. a handler stuck in C code (holding the GIL) --------------------------------------


def test_a_handler_stuck_in_c_code_times_out(tmp_path: Path) -> None:
    template = write_project(
        tmp_path,
        "  - name: stuck\n    handler: {callable: robust.regex}\n    timeout_seconds: 1\n"
        + NO_RETRY,
    )
    ran = run_cli(tmp_path, template)
    assert ran.code == 1, ran.tail()
    report = report_of(ran)
    assert report["task"]["status"] != "complete"
    stuck = step_of(report, "stuck")
    assert stuck["status"] == "error" and stuck["attempts"] == 1
    assert stuck["error"]["error_type"] == "timeout"
    assert "timeout_seconds" in stuck["error"]["message"]
    lines = events_of(tmp_path, report)
    attempts = [e for e in lines if e["type"] == "attempt_finished" and e["step"] == "stuck"]
    assert [(a["attempt"], a["error_type"]) for a in attempts] == [(1, "timeout")]
    no_traceback(ran)


def test_after_a_timed_out_c_call_a_new_worker_runs_the_retry(tmp_path: Path) -> None:
    template = write_project(
        tmp_path,
        "  - name: stuck\n    handler: {callable: robust.regex_once}\n    timeout_seconds: 1\n"
        "    retry: {retryable: true, max_attempts: 2, backoff: none}\n"
        "  - name: after\n    dependencies: [stuck]\n    handler: {callable: robust.ok}\n",
    )
    ran = run_cli(tmp_path, template)
    assert ran.code == 0, ran.tail()
    report = report_of(ran)
    assert report["task"]["status"] == "complete"
    stuck = step_of(report, "stuck")
    assert stuck["status"] == "complete" and stuck["attempts"] == 2
    assert stuck["result"] == {"attempt": 2}
    assert step_of(report, "after")["status"] == "complete"
    lines = events_of(tmp_path, report)
    attempts = [e for e in lines if e["type"] == "attempt_finished" and e["step"] == "stuck"]
    assert [(a["attempt"], a["error_type"]) for a in attempts] == [(1, "timeout"), (2, None)]
    no_traceback(ran)


# -- 3. and 4. a handler that ends its worker process -----------------------------------


def _crash_project(root: Path, callable_name: str) -> Path:
    return write_project(
        root,
        f"  - name: crasher\n    handler: {{callable: {callable_name}}}\n" + NO_RETRY + SIBLING,
    )


def _assert_worker_exited(ran: Ran, root: Path) -> dict[str, Any]:
    assert ran.code == 1, ran.tail()
    report = report_of(ran)
    assert report["task"]["status"] == "blocked_by_failures"
    crasher = step_of(report, "crasher")
    assert crasher["status"] == "error" and crasher["attempts"] == 1, crasher
    assert crasher["error"]["error_type"] == "worker_exited", crasher["error"]
    sibling = step_of(report, "sibling")
    assert sibling["status"] == "complete" and sibling["result"] == {"ok": True}
    lines = events_of(root, report)
    attempts = [e for e in lines if e["type"] == "attempt_finished" and e["step"] == "crasher"]
    assert [(a["attempt"], a["error_type"]) for a in attempts] == [(1, "worker_exited")]
    no_traceback(ran)
    error: dict[str, Any] = crasher["error"]
    return error


def test_os_exit_in_a_handler_fails_the_attempt_not_the_run(tmp_path: Path) -> None:
    ran = run_cli(tmp_path, _crash_project(tmp_path, "robust.exit0"))
    error = _assert_worker_exited(ran, tmp_path)
    message = error["message"]
    assert "exit" in message.lower(), message
    assert any(word.strip(".,:;()'\"") == "0" for word in message.split()), message


@pytest.mark.parametrize(
    ("callable_name", "signal_name"),
    [("robust.segfault", "SIGSEGV"), ("robust.sigkill", "SIGKILL")],
    ids=["segfault", "sigkill"],
)
def test_a_worker_killed_by_a_signal_fails_the_attempt_not_the_run(
    tmp_path: Path, callable_name: str, signal_name: str
) -> None:
    ran = run_cli(tmp_path, _crash_project(tmp_path, callable_name))
    error = _assert_worker_exited(ran, tmp_path)
    assert signal_name in error["message"], error["message"]


# -- 5. signals to tasker-ctl itself -----------------------------------------------------


@pytest.mark.parametrize(
    ("signum", "step", "code"),
    [
        (signal.SIGTERM, "  - name: busy\n    handler: {callable: robust.sleep}\n", 143),
        (signal.SIGHUP, "  - name: busy\n    handler: {callable: robust.sleep}\n", 129),
        (signal.SIGINT, "  - name: busy\n    handler: {callable: robust.regex}\n", 130),
    ],
    ids=["sigterm-sleep", "sighup-sleep", "sigint-regex"],
)
def test_a_signal_ends_the_run_with_a_report_and_no_worker_left(
    tmp_path: Path, signum: int, step: str, code: int
) -> None:
    template = write_project(tmp_path, step + AFTER_BUSY)
    events = tmp_path / "events.jsonl"
    process = start_cli(tmp_path, template)
    deadline = time.monotonic() + GUARD_S
    while not step_started(events, "busy"):
        if process.poll() is not None or time.monotonic() > deadline:
            ran = finish(process, tmp_path)
            pytest.fail(f"the step never started\n{ran.tail()}")
        time.sleep(0.05)
    time.sleep(0.3)  # let the handler get into its sleep / regex
    workers = descendants(process.pid)
    signalled = time.monotonic()
    process.send_signal(signum)
    ran = finish(process, tmp_path, since=signalled)
    assert ran.code == code, ran.tail()
    assert ran.elapsed_s < SIGNAL_EXIT_S, f"took {ran.elapsed_s:.1f} s after the signal"
    report = report_of(ran)
    assert report["task"]["status"] != "complete"
    assert step_of(report, "busy")["status"] != "complete"
    lines = events_of(tmp_path, report)
    assert lines[-1]["interrupted"] is True
    no_traceback(ran)
    assert_no_leftovers(tmp_path, workers)


# -- 6. an absurd --concurrency ----------------------------------------------------------


def test_a_huge_concurrency_is_capped(tmp_path: Path) -> None:
    template = write_project(
        tmp_path,
        "  - name: top\n    handler: {callable: robust.ok}\n"
        "  - name: left\n    dependencies: [top]\n    handler: {callable: robust.ok}\n"
        "  - name: right\n    dependencies: [top]\n    handler: {callable: robust.ok}\n"
        "  - name: bottom\n    dependencies: [left, right]\n    handler: {callable: robust.ok}\n",
    )
    ran = run_cli(tmp_path, template, "--concurrency", "100000")
    assert ran.code == 0, ran.tail()
    report = report_of(ran)
    assert report["task"]["status"] == "complete"
    assert [s["status"] for s in report["steps"]] == ["complete"] * 4
    events_of(tmp_path, report)
    assert "capped" in ran.stderr.lower(), ran.tail()
    no_traceback(ran)


# -- 7. handler output on stdout -------------------------------------------------------


def test_handler_prints_go_to_stderr_and_stdout_stays_one_json_document(tmp_path: Path) -> None:
    template = write_project(tmp_path, "  - name: talk\n    handler: {callable: robust.chatty}\n")
    ran = run_cli(tmp_path, template)
    assert ran.code == 0, ran.tail()
    report = report_of(ran)  # json.loads: nothing but the document
    assert report["task"]["status"] == "complete"
    assert step_of(report, "talk")["result"] == {"said": "hello"}
    assert "hello from handler" not in ran.stdout
    assert "hello from handler" in ran.stderr, ran.tail()
    events_of(tmp_path, report)
    no_traceback(ran)


# -- 8. --concurrency really runs steps at the same time ----------------------------------


def test_independent_slow_steps_overlap_with_concurrency_2(tmp_path: Path) -> None:
    template = write_project(
        tmp_path,
        "  - name: slow_a\n    handler: {callable: robust.sleep, initialization: {seconds: 1}}\n"
        "  - name: slow_b\n    handler: {callable: robust.sleep, initialization: {seconds: 1}}\n",
    )
    ran = run_cli(tmp_path, template, "--concurrency", "2")
    assert ran.code == 0, ran.tail()
    report = report_of(ran)
    assert report["task"]["status"] == "complete"
    assert [(s["name"], s["status"]) for s in report["steps"]] == [
        ("slow_a", "complete"),
        ("slow_b", "complete"),
    ]
    lines = events_of(tmp_path, report)

    def seq(step: str, *, starting: bool) -> int:
        moves = [
            e["seq"]
            for e in lines
            if e["type"] == "step_transition"
            and e["step"] == step
            and (e["to_state"] if starting else e["from_state"]) == "in_progress"
        ]
        assert len(moves) == 1, (step, moves)
        return int(moves[0])

    a_start, a_end = seq("slow_a", starting=True), seq("slow_a", starting=False)
    b_start, b_end = seq("slow_b", starting=True), seq("slow_b", starting=False)
    assert b_start < a_end and a_start < b_end, (a_start, a_end, b_start, b_end)
    no_traceback(ran)


# -- the first worker, started before the CLI parses its arguments ----------------------


def _private_tmp(root: Path) -> dict[str, str]:
    """A TMPDIR of the run's own, to see what it leaves in it."""
    tmp = root / "tmp"
    tmp.mkdir()
    return {"TMPDIR": str(tmp)}


def test_handlers_run_in_a_child_worker_and_nothing_of_it_is_left(tmp_path: Path) -> None:
    template = write_project(tmp_path, "  - name: who\n    handler: {callable: robust.whoami}\n")
    env = _private_tmp(tmp_path)
    process = start_cli(tmp_path, template, env=env)
    ran = finish(process, tmp_path)
    assert_no_leftovers(tmp_path)
    assert ran.code == 0, ran.tail()
    result = step_of(report_of(ran), "who")["result"]
    # the worker the CLI started first (worker 1, in its private dump directory) ran it
    assert result["ppid"] == process.pid and result["pid"] != process.pid
    assert Path(result["dump"]).name == "worker-1.txt"
    assert Path(result["dump"]).parent.parent == Path(env["TMPDIR"])
    assert list(Path(env["TMPDIR"]).iterdir()) == []  # its dump directory went with it
    events_of(tmp_path)


def test_in_process_starts_no_worker(tmp_path: Path) -> None:
    template = write_project(tmp_path, "  - name: who\n    handler: {callable: robust.whoami}\n")
    env = _private_tmp(tmp_path)
    process = start_cli(tmp_path, template, "--in-process", env=env)
    ran = finish(process, tmp_path)
    assert ran.code == 0, ran.tail()
    assert step_of(report_of(ran), "who")["result"]["pid"] == process.pid
    assert list(Path(env["TMPDIR"]).iterdir()) == []


@pytest.mark.parametrize(
    ("context", "steps", "message"),
    [
        ("{\"n\": NaN}\n", "  - name: who\n    handler: {callable: robust.whoami}\n", "NaN"),
        ("{}\n", "  - name: who\n    handler: {callable: robust.whoami}\n"
         "    dependencies: [nowhere]\n", "nowhere"),
    ],
    ids=["bad-context", "lint-error"],
)  # fmt: skip
def test_a_run_refused_before_it_starts_leaves_no_worker_behind(
    tmp_path: Path, context: str, steps: str, message: str
) -> None:
    template = write_project(tmp_path, steps)
    (tmp_path / "context.json").write_text(context, encoding="utf-8")
    env = _private_tmp(tmp_path)
    ran = run_cli(tmp_path, template, env=env)  # no process of the run left (worker 1 too)
    assert ran.code == 2, ran.tail()
    assert message in ran.stderr
    assert ran.stdout == ""
    no_traceback(ran)
    assert list(Path(env["TMPDIR"]).iterdir()) == []
