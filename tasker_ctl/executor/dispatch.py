"""Where handler calls run: daemon worker threads the runner can stop waiting for.

The runner (on the main thread) owns all state; a worker thread only runs one
handler call at a time and posts what came back. The main thread waits with a
deadline, so a handler that hangs past its timeout becomes a failed attempt:
its thread cannot be killed, so it is *abandoned* (it keeps running as a
daemon thread, its late result is ignored, and it exits when it finishes) and
a fresh thread takes its place. Daemon threads never keep the process alive.

Async handlers run on a fresh event loop per call (``asyncio.run``, as the
worker's subscriber does) or, with ``--concurrency N``, on one shared event
loop (on its own thread). Either way a timeout cancels them, and the
coroutine being awaited tells where a hanging handler was.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import queue
import threading
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class Finished:
    """A job that came back: its value, or the exception it raised."""

    job_id: int
    value: Any
    error: BaseException | None


class Dispatcher:
    """A pool of daemon threads that run jobs and report back to the main thread."""

    def __init__(self, size: int, *, shared_loop: bool = False) -> None:
        self._size = max(1, size)
        self._shared = shared_loop
        self._jobs: queue.SimpleQueue[tuple[int, Callable[[], Any]] | None] = queue.SimpleQueue()
        self._done: queue.SimpleQueue[Finished] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._running: dict[int, int] = {}
        self._abandoned: set[int] = set()
        self._futures: dict[int, concurrent.futures.Future[Any]] = {}
        self._coroutines: dict[int, Coroutine[Any, Any, Any]] = {}
        self._loops: dict[int, asyncio.AbstractEventLoop] = {}
        self._threads = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: threading.Thread | None = None
        for _ in range(self._size):
            self._start_thread()

    def _start_thread(self) -> None:
        self._threads += 1
        thread = threading.Thread(
            target=self._work, name=f"tasker-ctl-handler-{self._threads}", daemon=True
        )
        thread.start()

    def _work(self) -> None:
        while True:
            item = self._jobs.get()
            if item is None:
                return
            job_id, job = item
            with self._lock:
                self._running[job_id] = threading.get_ident()
            try:
                self._done.put(Finished(job_id, job(), None))
            except BaseException as exc:  # handlers may raise KeyboardInterrupt/SystemExit
                self._done.put(Finished(job_id, None, exc))
            with self._lock:
                self._running.pop(job_id, None)
                self._futures.pop(job_id, None)
                self._coroutines.pop(job_id, None)
                self._loops.pop(job_id, None)
                retire = job_id in self._abandoned
            if retire:
                return

    def submit(self, job_id: int, job: Callable[[], Any]) -> None:
        """Queue ``job``; its result arrives through :meth:`next_finished`."""
        self._jobs.put((job_id, job))

    def next_finished(self, timeout: float) -> Finished | None:
        """The next job that came back, or ``None`` after ``timeout`` seconds."""
        try:
            return self._done.get(timeout=max(timeout, 0.0))
        except queue.Empty:
            return None

    def thread_of(self, job_id: int) -> int | None:
        """The thread identifier running ``job_id`` right now, if any."""
        with self._lock:
            return self._running.get(job_id)

    def coroutine_of(self, job_id: int) -> Coroutine[Any, Any, Any] | None:
        """The coroutine of ``job_id`` if it is an async handler call."""
        with self._lock:
            return self._coroutines.get(job_id)

    def abandon(self, job_id: int) -> bool:
        """Stop waiting for ``job_id``; ``True`` if it was cancelled, not left running.

        A coroutine is cancelled on its loop; a synchronous call cannot be stopped,
        so its thread is left behind and replaced.
        """
        with self._lock:
            self._abandoned.add(job_id)
            future = self._futures.get(job_id)
            loop = self._loops.get(job_id)
        if future is not None:
            future.cancel()
        elif loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(_cancel_all, loop)
        self._start_thread()  # the abandoned job's thread retires when it returns
        return future is not None or loop is not None

    def run_async(self, job_id: int, call: Callable[[Any], Any], context: Any) -> Any:
        """Run the async ``call(context)`` from a worker thread and wait for its result."""
        coroutine = call(context)
        with self._lock:
            self._coroutines[job_id] = coroutine
        if self._shared:
            future = asyncio.run_coroutine_threadsafe(coroutine, self._shared_loop())
            with self._lock:
                self._futures[job_id] = future
            return future.result()
        with asyncio.Runner() as runner:
            with self._lock:
                self._loops[job_id] = runner.get_loop()
            return runner.run(coroutine)

    def _shared_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                self._loop_thread = threading.Thread(
                    target=_serve_loop, args=(self._loop,), name="tasker-ctl-async", daemon=True
                )
                self._loop_thread.start()
            return self._loop

    def shutdown(self, wait_s: float = 1.0) -> None:
        """Let idle threads exit and close the shared loop; abandoned work is left behind."""
        for _ in range(self._threads):
            self._jobs.put(None)
        if self._loop is not None and self._loop_thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._loop_thread.join(wait_s)


def _cancel_all(loop: asyncio.AbstractEventLoop) -> None:
    for task in asyncio.all_tasks(loop):
        task.cancel()


def _serve_loop(loop: asyncio.AbstractEventLoop) -> None:
    """Run the shared loop until stopped, then cancel what is left and close it."""
    asyncio.set_event_loop(loop)
    try:
        loop.run_forever()
    finally:
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()
