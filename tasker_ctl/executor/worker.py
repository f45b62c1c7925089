"""The handler worker: imports the handler packages and calls handlers through the SDK.

Like Tasker's Python worker, it is a process of its own (``python -m
tasker_ctl.executor.worker IN_FD OUT_FD DUMP_FILE``) that speaks the protocol
of :mod:`.protocol` on two pipes: it never decides anything about the task,
it only runs one handler call at a time and says what came back. The
orchestrator (:mod:`.runner`) enforces timeouts by killing it, and notices
when it dies.

:class:`WorkerCore` is the message handling itself; ``--in-process`` runs it
in the ``tasker-ctl`` process instead (for stepping through a handler in a
debugger).

In the process, Ctrl-C is ignored (the orchestrator decides what an interrupt
means and stops the worker itself), stdout is the orchestrator's stderr (so a
handler's ``print`` never reaches a JSON report), the worker dies with its
parent, and ``SIGUSR1`` dumps every thread's stack to ``DUMP_FILE`` (at C
level, so it works while a handler is stuck in a C call): that is how a
timed-out handler's location is found before it is killed. Leaving ends the
process with ``os._exit``, so threads a handler left running never keep it alive.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import Any
from uuid import UUID

from tasker_ctl.executor import protocol
from tasker_ctl.executor.deps import DependencyResults, Lineage
from tasker_ctl.executor.discovery import HandlerCatalog, HandlerSources, load_handlers
from tasker_ctl.executor.invoke import Invoker, fold_traceback, frame_from_traceback
from tasker_ctl.executor.payload import PayloadBuilder
from tasker_ctl.executor.persist import Checkpoint, submit
from tasker_ctl.executor.sdk import Sdk

_ENCODE = protocol.ENCODER.encode


class WorkerCore:
    """Answers protocol messages with one private handler registry."""

    def __init__(self, sdk: Sdk, catalog: HandlerCatalog, *, in_process: bool = False) -> None:
        self.sdk = sdk
        self.catalog = catalog
        self.invoker = Invoker(sdk, catalog.registry)
        self.lineage = Lineage()
        self.builder: PayloadBuilder | None = None
        self._in_process = in_process
        self._uuid_cache: tuple[PayloadBuilder, tuple[UUID, UUID]] | None = None
        self._last_success: int | None = None
        """The job of the previous call, if it completed successfully."""

    def ready_message(self) -> dict[str, Any]:
        """The ``ready`` answer to ``load``: what was registered and what failed."""
        catalog = self.catalog
        return {
            "op": "ready",
            "pid": os.getpid(),
            "main_thread": threading.main_thread().ident,
            "registered": catalog.registered,
            "problems": [
                {"module": p.module, "error": p.error, "location": p.location}
                for p in catalog.problems
            ],
            "misdecorated": catalog.misdecorated,
            "error": None,
        }

    def handle(self, message: dict[str, Any]) -> str | None:
        """Process one message; the answer line (without newline), if it has one."""
        op = message.get("op")
        if op == "call":
            return self.call(message)
        if op == "graph":
            connect = self.lineage.connect
            for parent, child in message["edges"]:
                connect(parent, child)
        elif op == "definitions":
            assert self.builder is not None, "definitions before the task"
            define = self.builder.define
            for name, definition in message["definitions"].items():
                define(name, definition)
        elif op == "result":
            self.lineage.store(message["step"], message["entry"])
        elif op == "task":  # a new run: forget everything about the previous one
            self.builder = PayloadBuilder(message["task"], message.get("definitions"))
            self.lineage = Lineage()
        return None

    def call(self, message: dict[str, Any]) -> str:
        """Run one handler call, as the Python worker's subscriber does, and describe it."""
        after = message.get("after")
        if after is not None and self._last_success != after:
            self._last_success = None
            return _ENCODE({"op": "done", "job": message["job"], "kind": protocol.SKIPPED})
        self._last_success = None
        return self._call(message)

    def _call(self, message: dict[str, Any]) -> str:
        builder = self.builder
        assert builder is not None, "a call before the task"
        name: str = message["step"]
        row = message["row"]
        sdk = self.sdk
        event = sdk.event(
            (message["event_id"], builder.task_uuid, row["uuid"], builder.correlation_id),
            builder.build(row, message["definition"]),
        )
        view = DependencyResults(self.lineage.ancestors(name), self.lineage.texts)
        try:
            outcome = self.invoker.invoke(event, view, _run_async)
        except KeyboardInterrupt:
            if self._in_process:
                raise
            return self._escaped(message, event, KeyboardInterrupt())
        except BaseException as exc:  # SystemExit and friends escape the SDK's `except Exception`
            return self._escaped(message, event, exc)
        head: dict[str, Any] = {
            "op": "done",
            "job": message["job"],
            "handler_name": outcome.handler_name,
            "found": outcome.found,
            "exception_type": outcome.exception_type,
            "permanent_error_raised": outcome.permanent_error_raised,
            "location": outcome.location,
            "handler_ms": outcome.handler_ms,
            "source_line": outcome.source_line,
            "traceback": outcome.traceback,
        }
        result = outcome.result
        if not isinstance(result, sdk.StepHandlerResult):
            head["kind"] = protocol.INVALID_RESULT
            head["returned"] = type(result).__name__
            return _ENCODE(head)
        uuids = (UUID(row["uuid"]), *self._run_uuids(builder))
        submitted = submit(self.invoker, event, result, uuids)
        if isinstance(submitted, Checkpoint):
            head["kind"] = protocol.CHECKPOINT
            if submitted.problem is not None:
                head["checkpoint_problem"] = str(submitted.problem)
                head["checkpoint_error"] = submitted.problem.rust_message(
                    "checkpoint", "CheckpointYieldData"
                )
            else:
                head["checkpoint"] = {
                    "cursor": submitted.cursor,
                    "items_processed": submitted.items_processed,
                    "accumulated_results": submitted.accumulated_results,
                }
            return _ENCODE(head)
        head["kind"] = protocol.COMPLETION
        head["serialization_error"] = submitted.serialization_error
        head["converted"] = submitted.converted
        head["retry_after_s"] = submitted.retry_after_s
        entry = submitted.entry
        text = json.dumps(entry, ensure_ascii=False, allow_nan=False)
        if submitted.success:
            self.lineage.store(name, entry, text)
            self._last_success = message["job"]
        return f'{_ENCODE(head)[:-1]},"entry":{text}}}'

    def _run_uuids(self, builder: PayloadBuilder) -> tuple[UUID, UUID]:
        cached = self._uuid_cache
        if cached is None or cached[0] is not builder:
            cached = self._uuid_cache = (
                builder,
                (UUID(builder.task_uuid), UUID(builder.correlation_id)),
            )
        return cached[1]

    def _escaped(self, message: dict[str, Any], event: Any, exc: BaseException) -> str:
        handler_name = self.invoker.subscriber._get_handler_name(event)
        location, source_line = frame_from_traceback(exc.__traceback__)
        return _ENCODE(
            {
                "op": "done",
                "job": message["job"],
                "kind": protocol.ESCAPED,
                "handler_name": handler_name,
                "exception_type": type(exc).__name__,
                "escaped": str(exc),
                "location": location,
                "source_line": source_line,
                "traceback": fold_traceback("".join(traceback.format_exception(exc))),
            }
        )


_current: list[Any] = [None]
"""The coroutine of the async handler running now, if any (for the location signal)."""


def _run_async(call: Any, context: Any) -> Any:
    """``asyncio.run(call(context))``, a new event loop per call as the subscriber does."""
    import asyncio

    coroutine = call(context)
    _current[0] = coroutine
    try:
        return asyncio.run(coroutine)
    finally:
        _current[0] = None


def load_core(message: dict[str, Any], *, in_process: bool = False) -> WorkerCore:
    """Import the SDK and the handler packages named by a ``load`` message.

    Raises:
        MissingDependencyError: The SDK is not installed.
        HandlerPackageError: A handler package does not exist.
    """
    from tasker_ctl.executor.sdk import load_sdk

    sdk = load_sdk()
    sources = HandlerSources(tuple(Path(r) for r in message["roots"]), tuple(message["packages"]))
    catalog = load_handlers(sdk, sources, message.get("callables", ()))
    testing = message.get("testing")
    if testing is not None:  # a test run (tasker_ctl.testing): stubs and a call record
        from tasker_ctl.testing._worker import testing_core

        return testing_core(sdk, catalog, testing)
    return WorkerCore(sdk, catalog, in_process=in_process)


# -- the process ---------------------------------------------------------------


def _die_with_parent() -> None:
    """Be killed when the orchestrator dies, whatever the handler is doing."""
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # it died before prctl took effect
        os._exit(1)

    def watch() -> None:  # the portable fallback
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="tasker-ctl-parent-watch", daemon=True).start()


SPIN_S = 0.0005
"""How long an idle worker polls for the next message before it sleeps in ``select``.

The orchestrator usually answers within tens of microseconds; waking a sleeping
process costs far more than that on an idle core, so a short spin keeps chains fast.
"""


def spin_allowed() -> bool:
    """Spinning only pays when this process and its peer can run on separate cores."""
    try:
        return len(os.sched_getaffinity(0)) > 1
    except (AttributeError, OSError):
        return (os.cpu_count() or 1) > 1


class Spin:
    """An adaptive spin budget for waiting on a pipe.

    Full after a spin that caught the message, halved after one that did not (down
    to 5%), so a busy machine soon stops losing cores to spinning.
    """

    __slots__ = ("budget", "full")

    def __init__(self) -> None:
        self.full = SPIN_S if spin_allowed() else 0.0
        self.budget = self.full

    def hit(self) -> None:
        """The message came while spinning."""
        self.budget = self.full

    def miss(self) -> None:
        """The spin ran out; the wait had to sleep."""
        self.budget = max(self.budget / 2, self.full / 20)


def _reader(fd: int) -> Any:
    """``os.read`` that spins briefly before it blocks (see :data:`SPIN_S`).

    The spin polls the pipe (``poll`` with no timeout) rather than trying to read it:
    a read takes the pipe's lock, which the orchestrator's write then waits for.
    """
    import select

    spin = Spin()
    if not spin.full:
        return lambda: os.read(fd, 1 << 16)
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    poll = poller.poll
    clock = time.perf_counter

    def read() -> bytes:
        if not poll(0):
            deadline = clock() + spin.budget
            while not poll(0):
                if clock() > deadline:
                    spin.miss()
                    poll()
                    break
            else:
                spin.hit()
        return os.read(fd, 1 << 16)

    return read


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def main(argv: list[str]) -> int:
    """Serve the protocol on the pipes named by ``argv`` until ``exit`` or end of input."""
    import faulthandler
    import signal

    in_fd, out_fd, dump_path = int(argv[0]), int(argv[1]), argv[2]
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    dump = Path(dump_path).open("w", encoding="utf-8")  # noqa: SIM115 - lives with the process
    faulthandler.register(signal.SIGUSR1, file=dump, all_threads=True, chain=False)
    where = Path(dump_path + ".where")

    def locate(signum: int, frame: Any) -> None:  # answers when Python code can run
        from tasker_ctl.executor.invoke import location_of_coroutine, location_of_frame

        found = location_of_coroutine(_current[0]) if _current[0] is not None else None
        where.write_text(found or location_of_frame(frame) or "-", encoding="utf-8")

    signal.signal(signal.SIGUSR2, locate)
    os.environ.setdefault("RUST_LOG", "off")
    _import_sdk()
    reader = protocol.LineReader()
    core: WorkerCore | None = None
    profile = _profiler()
    read = _reader(in_fd)
    while True:
        data = read()
        if not data:
            break
        out: list[str] = []
        for line in reader.feed(data):
            message = protocol.decode(line)
            op = message.get("op")
            if op == "exit":
                _flush(out_fd, out)
                _leave(0, profile)
            if op == "load":
                ready, core = _load(message)
                out.append(protocol.ENCODER.encode(ready))
                # the SDK and the handlers live as long as the worker: keep the cyclic
                # collector from scanning them again and again (2x faster calls)
                gc.freeze()
            elif core is not None:
                answer = core.handle(message)
                if answer is not None:  # at once: the orchestrator works on it meanwhile
                    out.append(answer)
                    _flush(out_fd, out)
        _flush(out_fd, out)
    _leave(0, profile)
    return 0


def _import_sdk() -> None:
    """Import the SDK before the ``load`` message comes (the CLI may still be linting).

    A failure is left for ``load`` to report: it imports the SDK again and answers
    with the error.
    """
    from tasker_ctl.errors import TaskerCtlError
    from tasker_ctl.executor.sdk import load_sdk

    with contextlib.suppress(TaskerCtlError):
        load_sdk()


def _flush(fd: int, lines: list[str]) -> None:
    if lines:
        _write_all(fd, ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass"))
        lines.clear()
        sys.stdout.flush()


def _load(message: dict[str, Any]) -> tuple[dict[str, Any], WorkerCore | None]:
    from tasker_ctl.errors import TaskerCtlError

    try:
        core = load_core(message)
    except TaskerCtlError as exc:
        kind = "sdk" if type(exc).__name__ == "MissingDependencyError" else "package"
        error = {"kind": kind, "message": str(exc), "hint": getattr(exc, "hint", None)}
        return {"op": "ready", "pid": os.getpid(), "error": error}, None
    return core.ready_message(), core


def _profiler() -> Any:
    """A running ``cProfile`` when ``TASKER_CTL_WORKER_PROFILE`` names a file (development)."""
    if not os.environ.get("TASKER_CTL_WORKER_PROFILE"):
        return None
    import cProfile

    profile = cProfile.Profile()
    profile.enable()
    return profile


def _leave(code: int, profile: Any = None) -> None:
    if profile is not None:
        profile.disable()
        profile.dump_stats(f"{os.environ['TASKER_CTL_WORKER_PROFILE']}.{os.getpid()}")
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    main(sys.argv[1:])
