"""The orchestrator's side of the worker boundary: worker processes and their pipes.

:class:`WorkerPool` starts ``python -m tasker_ctl.executor.worker`` processes
(one at first, more on demand up to the run's concurrency), keeps what every
worker must know (the task, the graph, completed results) in a replay log so
a replacement starts with the same knowledge, sends each worker one call at
a time, and waits on all their pipes at once. A worker that dies (exit,
signal) is noticed at once through its pipe; one that runs past a deadline is
killed by :meth:`WorkerPool.kill`, after a stack dump that tells where its
handler was. :class:`InProcessWorkers` offers the same interface with the
:class:`~tasker_ctl.executor.worker.WorkerCore` in this process (no timeouts,
no crash isolation: for debuggers only).

Nothing here knows about steps or states: that is the runner's job.
"""

from __future__ import annotations

import contextlib
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tasker_ctl.errors import HandlerPackageError, MissingDependencyError, TaskerCtlError
from tasker_ctl.executor import protocol
from tasker_ctl.executor.discovery import HandlerSources, ImportProblem
from tasker_ctl.executor.spawn import (
    dump_path,
    kill_worker,
    new_dump_dir,
    send,
    start_worker,
    take_early,
)
from tasker_ctl.executor.worker import Spin

START_TIMEOUT_S = 300.0
"""How long the first worker may take to import the SDK and the handler packages."""

_FRAME = re.compile(r'^\s+File "(?P<file>[^"]+)", line (?P<line>\d+) in (?P<func>\S+)')
_THREAD = re.compile(r"^(?:Current thread|Thread) (?P<ident>0x[0-9a-f]+)")


@dataclass
class HandlerInfo:
    """What the worker found while loading the handlers (for warnings and hints)."""

    sources: HandlerSources
    registered: list[str] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    misdecorated: dict[str, str] = field(default_factory=dict)

    def problem_for(self, callable_name: str) -> ImportProblem | None:
        """The import failure that most likely hides ``callable_name``, if one does."""
        for problem in self.problems:
            if callable_name.startswith(problem.module + ".") or callable_name == problem.module:
                return problem
        return self.problems[0] if len(self.problems) == 1 else None

    def explain_missing(self, callable_name: str) -> str:
        """Why ``callable_name`` resolved to nothing, and the closest registered names."""
        from tasker_ctl.suggest import did_you_mean

        packages = ", ".join(f"'{p}'" for p in self.sources.packages) or "no handler package"
        roots = ", ".join(str(r) for r in self.sources.roots) or "sys.path"
        advice = did_you_mean(callable_name, self.registered, n=2) or (
            "the callable must equal a class's handler_name, a DSL decorator's name, or an "
            "importable module.ClassName"
        )
        found = (
            f"no handler is registered as '{callable_name}' ({len(self.registered)} found in "
            f"{packages} under {roots}) and it is not an importable class"
        )
        # validate found it elsewhere: the same sentence validate's RUN_NEEDS_HANDLER_PACKAGE says
        where = self.sources.advice(callable_name)
        return f"{found}; {where}" if where else f"{found}; {advice}"


@dataclass
class Reply:
    """Something a worker said or did: a ``done`` message, or its death."""

    worker: int
    message: dict[str, Any] | None = None
    died: str | None = None
    """Why the worker is gone (``exit code 0``, ``killed by signal SIGSEGV``)."""


def load_message(
    sources: HandlerSources, callables: Sequence[str], testing: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The ``load`` message for ``sources`` (``testing``: stubs of a test run)."""
    message: dict[str, Any] = {
        "op": "load",
        "roots": [str(r) for r in sources.roots],
        "packages": list(sources.packages),
        "callables": list(dict.fromkeys(callables)),
    }
    if testing is not None:
        message["testing"] = testing
    return message


def _raise_load_error(error: dict[str, Any]) -> None:
    kind = MissingDependencyError if error.get("kind") == "sdk" else HandlerPackageError
    raise kind(str(error.get("message")), hint=error.get("hint"))


def _info(sources: HandlerSources, ready: dict[str, Any]) -> HandlerInfo:
    return HandlerInfo(
        sources=sources,
        registered=list(ready.get("registered", ())),
        problems=[ImportProblem(**p) for p in ready.get("problems", ())],
        misdecorated=dict(ready.get("misdecorated", {})),
    )


def describe_exit(code: int | None) -> str:
    """``exit code N`` or ``killed by signal SIGNAME``."""
    if code is None:
        return "exit status unknown"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"killed by signal {name}"
    return f"exit code {code}"


class _Worker:
    """One worker process and its pipes."""

    def __init__(
        self, wid: int, proc: subprocess.Popen[bytes], to_sock: socket.socket, from_fd: int
    ) -> None:
        self.wid = wid
        self.proc = proc
        self.to_sock = to_sock
        """The orchestrator's end towards the worker: a socket, written with MSG_NOSIGNAL."""
        self.from_fd = from_fd
        self.reader = protocol.LineReader()
        self.ready = False
        self.pending = 0
        """Calls sent and not answered yet."""
        self.dead = False
        self.main_thread: int | None = None
        self.outbox: list[bytes] = []


class WorkerPool:
    """Up to ``size`` worker processes serving one run."""

    enforces_timeouts = True

    def __init__(
        self,
        sources: HandlerSources,
        callables: Sequence[str],
        size: int,
        testing: dict[str, Any] | None = None,
    ) -> None:
        self.sources = sources
        self.size = max(1, size)
        self._load = protocol.encode(load_message(sources, callables, testing))
        self._log: list[bytes] = []
        self._workers: dict[int, _Worker] = {}
        self._by_fd: dict[int, _Worker] = {}
        self._poll = select.poll()
        self._next_id = 0
        self._dump_dir: str | None = None
        """The workers' stack-dump directory, made with the first worker."""
        self.info = HandlerInfo(sources)
        self.spawn_failures = 0
        self._spin = Spin()
        self._first: _Worker | None = None

    # -- life cycle ------------------------------------------------------------
    def start(self, *, wait: bool = True) -> None:
        """Start the first worker (and with ``wait``, :meth:`wait_ready`)."""
        self._first = self._spawn()
        if wait:
            self.wait_ready()

    def prestart(self, count: int) -> None:
        """Start workers until ``count`` are alive (at most the pool's size), without waiting."""
        live = sum(1 for w in self._workers.values() if not w.dead)
        for _ in range(min(count, self.size) - live):
            self._spawn()

    def wait_ready(self) -> HandlerInfo:
        """Wait until the first worker has loaded the handlers.

        Raises:
            MissingDependencyError: The SDK is not installed.
            HandlerPackageError: A handler package does not exist.
            TaskerCtlError: The worker could not start.
        """
        worker = self._first
        if worker is None:
            raise TaskerCtlError("the handler worker was not started")
        deadline = time.monotonic() + START_TIMEOUT_S
        while not worker.ready:
            left = deadline - time.monotonic()
            if left <= 0:
                self.close()
                raise TaskerCtlError(
                    f"the handler worker did not finish importing the handler packages within "
                    f"{START_TIMEOUT_S:g} s",
                    hint="an import of a handler module hangs; try: python -c 'import <package>'",
                )
            for reply in self._read(left, starting=True):
                if reply.died is not None:
                    self.close()
                    raise TaskerCtlError(
                        f"the handler worker died while importing the handler packages "
                        f"({reply.died})",
                        hint="a handler module crashes the interpreter when imported; "
                        "try: python -c 'import <package>'",
                    )
        return self.info

    def _spawn(self) -> _Worker:
        self._next_id += 1
        wid = self._next_id
        early = None
        if self._dump_dir is None:  # the first worker: the CLI may have started it already
            early = take_early()
            self._dump_dir = early.dump_dir if early is not None else new_dump_dir()
        started = early or start_worker(wid, self._dump_dir)
        worker = _Worker(wid, started.proc, started.to_sock, started.from_fd)
        worker.outbox = [self._load, *self._log]
        self._workers[wid] = worker
        self._by_fd[started.from_fd] = worker
        self._poll.register(started.from_fd, select.POLLIN)
        self._flush(worker)
        return worker

    def close(self, grace_s: float = 0.5) -> None:
        """Ask every worker to exit; kill those still there after ``grace_s``."""
        alive = [w for w in self._workers.values() if not w.dead]
        exit_line = protocol.encode({"op": "exit"})
        for worker in alive:
            if not worker.pending:
                with contextlib.suppress(OSError):
                    send(worker.to_sock, exit_line)
        deadline = time.monotonic() + grace_s
        for worker in alive:
            if worker.pending or not worker.ready:  # nothing to finish: do not wait for it
                self._terminate(worker)
                continue
            try:
                worker.proc.wait(max(deadline - time.monotonic(), 0.01))
            except subprocess.TimeoutExpired:
                self._terminate(worker)
            self._forget(worker)
        if self._dump_dir is not None:
            shutil.rmtree(self._dump_dir, ignore_errors=True)

    def _terminate(self, worker: _Worker) -> None:
        kill_worker(worker.proc)
        self._forget(worker)

    def _forget(self, worker: _Worker) -> None:
        if worker.from_fd in self._by_fd:
            self._poll.unregister(worker.from_fd)
            del self._by_fd[worker.from_fd]
            with contextlib.suppress(OSError):
                os.close(worker.from_fd)
            worker.to_sock.close()
        worker.dead = True
        worker.pending = 0

    # -- what every worker knows -----------------------------------------------
    def publish(self, message: dict[str, Any], exclude: int | None = None) -> None:
        """Tell every worker (but ``exclude``) ``message``, now and after any restart."""
        if message.get("op") == "task":  # a new run: replacements need nothing older
            self._log.clear()
        line = protocol.encode(message)
        self._log.append(line)
        for worker in self._workers.values():
            if worker.wid != exclude and not worker.dead:
                worker.outbox.append(line)

    def publish_line(self, line: bytes, exclude: int | None = None) -> None:
        """Like :meth:`publish`, for a message already encoded (a ``result`` line)."""
        self._log.append(line)
        for worker in self._workers.values():
            if worker.wid != exclude and not worker.dead:
                worker.outbox.append(line)

    # -- calls -----------------------------------------------------------------
    def available(self, wanted: int, window: int) -> int | None:
        """The ready worker with the fewest calls, if it has fewer than ``window``.

        Starts another worker (up to the pool's size, and no more than ``wanted`` at a
        time: how many calls are waiting) when every worker already has a call.
        """
        best: _Worker | None = None
        starting = 0
        for worker in self._workers.values():
            if worker.dead:
                continue
            if not worker.ready:
                starting += 1
            elif best is None or worker.pending < best.pending:
                best = worker
        if best is not None and not best.pending:
            return best.wid
        live = sum(1 for w in self._workers.values() if not w.dead)
        can_grow = live < self.size and self.spawn_failures < 3
        if can_grow or starting:
            # another worker is (or can be) on its way: calls wait for it rather than
            # queue behind a busy one
            if can_grow and starting < wanted:
                self._spawn()
            return None
        if best is not None and best.pending < window:
            return best.wid
        return None

    def call(self, wid: int, line: bytes) -> None:
        """Send one ``call`` line to worker ``wid`` (with whatever it has to catch up on)."""
        worker = self._workers[wid]
        worker.outbox.append(line)
        worker.pending += 1
        self._flush(worker)

    def _flush(self, worker: _Worker) -> None:
        if not worker.outbox or worker.dead:
            return
        data = b"".join(worker.outbox)
        worker.outbox.clear()
        view = memoryview(data)
        try:
            while view:
                view = view[send(worker.to_sock, view) :]
        except OSError:
            pass  # it died: its pipe says so when read

    def poll(self, timeout_s: float) -> list[Reply]:
        """``done`` messages and deaths, waiting at most ``timeout_s`` for the first."""
        return self._read(timeout_s, starting=False)

    def _read(self, timeout_s: float, *, starting: bool) -> list[Reply]:
        replies: list[Reply] = []
        poll = self._poll.poll
        events = poll(0)
        spin = self._spin
        if not events and spin.full and not starting:
            # a call usually comes back within microseconds: poll before sleeping,
            # since waking up from poll() costs far more than that on an idle core
            deadline = time.perf_counter() + min(spin.budget, timeout_s)
            while not events and time.perf_counter() < deadline:
                events = poll(0)
            if events:
                spin.hit()
            else:
                spin.miss()
        if not events:
            events = poll(max(timeout_s, 0.0) * 1000.0)
        for fd, _ in events:
            worker = self._by_fd.get(fd)
            if worker is None:
                continue
            try:
                data = os.read(fd, 1 << 20)
            except OSError:
                data = b""
            if not data:
                replies.append(Reply(worker.wid, died=self._reap(worker)))
                continue
            for line in worker.reader.feed(data):
                message = protocol.decode_answer(line)
                if message.get("op") == "ready":
                    self._ready(worker, message, starting)
                else:
                    worker.pending -= 1
                    replies.append(Reply(worker.wid, message))
        return replies

    def _ready(self, worker: _Worker, message: dict[str, Any], starting: bool) -> None:
        error = message.get("error")
        if error is not None:
            self._terminate(worker)
            if starting:
                self.close()
                _raise_load_error(error)
            self.spawn_failures += 1
            return
        worker.ready = True
        worker.main_thread = message.get("main_thread")
        if starting:
            self.info = _info(self.sources, message)

    def _reap(self, worker: _Worker) -> str:
        try:
            code = worker.proc.wait(2)
        except subprocess.TimeoutExpired:
            worker.proc.kill()
            code = worker.proc.wait()
        self._forget(worker)
        if not worker.ready:
            self.spawn_failures += 1
        return describe_exit(code)

    def kill(self, wid: int, *, locate: bool = True) -> str | None:
        """Stop worker ``wid``; where its handler was, if ``locate`` and it can be told."""
        worker = self._workers[wid]
        if worker.dead:
            return None
        if not locate:
            self._terminate(worker)
            return None
        assert self._dump_dir is not None  # a worker exists, so does its dump directory
        dump = Path(dump_path(self._dump_dir, wid))
        where = Path(f"{dump}.where")
        found: str | None = None
        with contextlib.suppress(ProcessLookupError):
            # Python code answers SIGUSR2 (it also sees a suspended coroutine); a handler
            # stuck in a C call cannot, and faulthandler answers SIGUSR1 at C level.
            os.kill(worker.proc.pid, signal.SIGUSR2)
            if _wait_for_dump(where, 0.1):
                found = where.read_text(encoding="utf-8", errors="replace")
            else:
                os.kill(worker.proc.pid, signal.SIGUSR1)
                if _wait_for_dump(dump, 0.3):
                    text = dump.read_text(encoding="utf-8", errors="replace")
                    found = location_in_dump(text, worker.main_thread)
        self._terminate(worker)
        return None if found in (None, "-") else found

    def pids(self) -> list[int]:
        """Process ids of the live workers."""
        return [w.proc.pid for w in self._workers.values() if not w.dead]


def _wait_for_dump(path: Path, limit_s: float) -> bool:
    """Whether ``path`` got content that stopped growing within ``limit_s``."""
    deadline = time.monotonic() + limit_s
    last = -1
    while time.monotonic() < deadline:
        try:
            size = path.stat().st_size
        except OSError:
            size = 0
        if size > 0 and size == last:
            return True
        last = size
        time.sleep(0.005)
    return False


def location_in_dump(text: str, main_thread: int | None) -> str | None:
    """The innermost handler frame of the worker's main thread in a faulthandler dump."""
    from tasker_ctl.executor.invoke import display_location, is_user_file

    wanted = f"0x{main_thread:016x}" if main_thread is not None else None
    sections: list[tuple[str, list[tuple[str, int, str]]]] = []
    for line in text.splitlines():
        thread = _THREAD.match(line)
        if thread is not None:
            sections.append((thread["ident"], []))
            continue
        frame = _FRAME.match(line)
        if frame is not None and sections:
            sections[-1][1].append((frame["file"], int(frame["line"]), frame["func"]))
    ordered = sorted(sections, key=lambda s: s[0] != wanted)
    for _, frames in ordered:
        for file, line_no, func in frames:  # most recent call first
            if is_user_file(file):
                return display_location(file, line_no, func)
    return None


class InProcessWorkers:
    """The worker core in this process: for stepping through handlers in a debugger.

    Calls run synchronously on the calling thread; timeouts are not enforced and a
    handler that crashes the interpreter ends the run. Messages still go through
    JSON, so what works here works in a worker process.
    """

    enforces_timeouts = False
    size = 1

    def __init__(self, core: Any, sources: HandlerSources) -> None:
        self.core = core
        self.sources = sources
        self.info = _info(sources, core.ready_message())
        self._replies: list[Reply] = []

    def publish(self, message: dict[str, Any], exclude: int | None = None) -> None:
        """Hand ``message`` to the core (unless it produced it: ``exclude`` is 1)."""
        if exclude != 1:
            self.core.handle(protocol.decode(protocol.encode(message)))

    def publish_line(self, line: bytes, exclude: int | None = None) -> None:
        """Like :meth:`publish`, for a message already encoded."""
        if exclude != 1:
            self.core.handle(protocol.decode(line))

    def available(self, wanted: int, window: int) -> int | None:
        """The one worker, when its last call has been collected."""
        return None if self._replies else 1

    def call(self, wid: int, line: bytes) -> None:
        """Run the call now; its answer comes from the next :meth:`poll`."""
        answer = self.core.handle(protocol.decode(line))
        if answer is not None:
            encoded = answer.encode("utf-8", "surrogatepass")
            self._replies.append(Reply(1, protocol.decode_answer(encoded)))

    def poll(self, timeout_s: float) -> list[Reply]:
        """The answers of the calls made so far."""
        replies, self._replies = self._replies, []
        return replies

    def kill(self, wid: int, *, locate: bool = True) -> str | None:
        """Nothing to kill in-process."""
        return None

    def close(self, grace_s: float = 0.0) -> None:
        """Nothing to stop."""

    def pids(self) -> list[int]:
        """No worker processes."""
        return []
