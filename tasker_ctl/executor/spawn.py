"""Starting a handler worker process, and starting the first one early.

:func:`start_worker` launches ``python -m tasker_ctl.executor.worker`` with its two
pipes; :class:`~tasker_ctl.executor.workers.WorkerPool` calls it for every worker.

Importing the SDK (``tasker_core``) takes the worker about 200 ms, as long as the
CLI takes to parse its arguments, read the context and lint the template. So
``tasker-ctl run`` calls :func:`start_early` first thing, before it imports Typer:
the worker imports the SDK on the other core while the CLI does its own work, and
the run's pool adopts that process (:func:`take_early`) instead of starting one.
A worker started early and never adopted (a usage error, a bad context) is
stopped when the CLI exits.

This module imports only the standard library, and little of it: it runs before
anything else of the CLI is loaded.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

_NO_SIGNAL = getattr(socket, "MSG_NOSIGNAL", 0)


class Started:
    """A worker process just launched: the process, its pipes and its dump directory."""

    __slots__ = ("dump_dir", "from_fd", "proc", "to_sock")

    def __init__(
        self, proc: subprocess.Popen[bytes], to_sock: socket.socket, from_fd: int, dump_dir: str
    ) -> None:
        self.proc = proc
        self.to_sock = to_sock
        """The orchestrator's end towards the worker: a socket, written with MSG_NOSIGNAL."""
        self.from_fd = from_fd
        self.dump_dir = dump_dir


def dump_path(dump_dir: str, wid: int) -> str:
    """Where worker ``wid`` writes its stack dump when asked where its handler is."""
    return str(Path(dump_dir) / f"worker-{wid}.txt")


def new_dump_dir() -> str:
    """A private directory for the stack dumps of one pool's workers."""
    return tempfile.mkdtemp(prefix="tasker-ctl-worker-")


def start_worker(wid: int, dump_dir: str) -> Started:
    """Launch worker ``wid``: it reads messages from a socket and answers on a pipe.

    Raises:
        OSError: The process could not be started.
    """
    # towards the worker a socket, not a pipe: writing to a worker that just died must
    # be an error, never SIGPIPE (which the CLI lets kill the process, to end quietly
    # when its own reader goes away)
    to_write, to_read_sock = socket.socketpair()
    no_sigpipe(to_write)
    to_read = to_read_sock.fileno()
    from_read, from_write = os.pipe()
    env = dict(os.environ)
    env.setdefault("RUST_LOG", "off")
    env["PYTHONUNBUFFERED"] = "1"
    home = str(Path(__file__).resolve().parent.parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (home, env.get("PYTHONPATH")) if p)
    command = [sys.executable, "-m", "tasker_ctl.executor.worker", str(to_read)]
    command += [str(from_write), dump_path(dump_dir, wid)]
    try:
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=2,
            pass_fds=(to_read, from_write),
            start_new_session=True,
            env=env,
        )
    except BaseException:
        to_write.close()
        os.close(from_read)
        raise
    finally:
        to_read_sock.close()
        os.close(from_write)
    return Started(proc, to_write, from_read, dump_dir)


def kill_worker(proc: subprocess.Popen[bytes]) -> None:
    """Kill a worker and what its handlers started (its own session), and reap it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        proc.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(5)


def no_sigpipe(sock: socket.socket) -> None:
    """Where ``MSG_NOSIGNAL`` does not exist (macOS), ask the socket itself."""
    if not _NO_SIGNAL and hasattr(socket, "SO_NOSIGPIPE"):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_NOSIGPIPE, 1)


def send(sock: socket.socket, data: bytes | memoryview) -> int:
    """Send what the socket takes now; a dead peer is ``BrokenPipeError``, never SIGPIPE."""
    return sock.send(data, _NO_SIGNAL)


# -- the worker started before the CLI knows what it will run --------------------

_early: list[Started] = []


def start_early() -> None:
    """Start worker 1 now, to import the SDK while the caller gets ready to run.

    Best effort: if the process cannot be started here, the pool starts it later
    and reports the failure then.
    """
    if _early:
        return
    dump_dir = new_dump_dir()
    try:
        _early.append(start_worker(1, dump_dir))
    except OSError:
        shutil.rmtree(dump_dir, ignore_errors=True)
        return
    atexit.register(discard_early)


def take_early() -> Started | None:
    """The worker :func:`start_early` started, for the caller to own from now on."""
    return _early.pop() if _early else None


def discard_early() -> None:
    """Stop a worker started early that no pool adopted (closing its socket ends it)."""
    while _early:
        started = _early.pop()
        started.to_sock.close()
        with contextlib.suppress(OSError):
            os.close(started.from_fd)
        kill_worker(started.proc)
        shutil.rmtree(started.dump_dir, ignore_errors=True)
