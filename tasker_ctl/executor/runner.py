"""The loop: ready steps -> calls to workers -> what came back -> new steps -> finalization.

:class:`Runner` is the orchestrator of one local run. It owns the task's
:class:`~tasker_ctl.executor.orchestration.Orchestration` and drives the
workers (:mod:`.workers`): it sends enqueued steps to workers, a few ahead so a
worker never waits between calls (and, on a chain, the next step ahead of its
readiness, see :meth:`Runner._send_ahead`), claims each call when it starts
running (attempts + 1; the payload keeps the count from before), waits on all
workers at once, and turns what comes back — a ``done`` message, a worker that
died, a deadline that passed — into the step's next state through
:class:`~tasker_ctl.executor.outcomes.OutcomeProcessor`.
Checkpoint yields re-dispatch the same step without a claim. Retry waits use
the run's clock (virtual by default).

A call's deadline is the step's ``timeout_seconds``, or else the Python
worker's FFI completion timeout; a worker past its deadline is killed (after
a stack dump that says where the handler was) and replaced.

``SIGINT``, ``SIGTERM`` and ``SIGHUP`` end the run at once: the workers are
killed and the result says which signal stopped it. Handler code never runs in
this process (except with ``--in-process``), so that is always prompt.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import math
import signal
import threading
import time
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from tasker_ctl.executor.events import ClockAdvanced, RunFinished, RunObserver, RunStarted
from tasker_ctl.executor.notices import Notice, WarningCode
from tasker_ctl.executor.orchestration import Orchestration
from tasker_ctl.executor.outcomes import OutcomeProcessor
from tasker_ctl.executor.payload import IdSource, TaskPayload
from tasker_ctl.executor.protocol import ENCODER, SKIPPED, CallOutcome
from tasker_ctl.executor.records import StepRecord
from tasker_ctl.executor.result import RunResult
from tasker_ctl.executor.retry import Clock, RealClock, VirtualClock
from tasker_ctl.executor.states import StepState, TaskEvent, TaskState
from tasker_ctl.executor.workers import HandlerInfo, Reply
from tasker_ctl.model import StepType, TaskTemplate

FFI_TIMEOUT_S = 30.0
"""The Python worker's FFI completion timeout (``tasker-py/src/bootstrap.rs``)."""

_ENCODE = ENCODER.encode
_JOBS = itertools.count(1)
_PLAIN = frozenset({StepType.STANDARD, StepType.DEFERRED_CONVERGENCE})
"""Step types whose completion creates no steps and no edges."""
PIPELINE = 8
"""Calls sent ahead to one worker, so it never waits for the orchestrator between steps.

Only the first call of a worker's queue is claimed (``in_progress``) and timed; the
others are claimed when they start, and go back to the orchestration's queue unclaimed
if their worker dies first.
"""
"""Call numbers, unique in the process (a reused worker pool never confuses two runs)."""


@dataclass(frozen=True)
class RunOptions:
    """How to run: parallelism, clock, strictness and safety limits."""

    concurrency: int = 1
    real_time: bool = False
    strict: bool = False
    ffi_timeout_s: float = FFI_TIMEOUT_S
    max_checkpoint_yields: int = 1000
    poll_interval_s: float = 0.25


class Workers(Protocol):
    """What the runner needs from its workers (:mod:`.workers`)."""

    enforces_timeouts: bool
    info: HandlerInfo

    def publish(self, message: dict[str, Any], exclude: int | None = None) -> None:
        """Tell every worker but ``exclude``."""

    def publish_line(self, line: bytes, exclude: int | None = None) -> None:
        """Tell every worker but ``exclude`` (an encoded message)."""

    def available(self, wanted: int, window: int) -> int | None:
        """A worker with room for another call (may start one)."""

    def call(self, wid: int, line: bytes) -> None:
        """Send a call line."""

    def poll(self, timeout_s: float) -> list[Reply]:
        """What came back."""

    def kill(self, wid: int, *, locate: bool = True) -> str | None:
        """Stop a worker; where its handler was."""


@dataclass(slots=True)
class Call:
    """A handler call sent to a worker (running, or queued behind its worker's current call)."""

    job: int
    record: StepRecord
    worker: int
    row: str
    """The ``row`` object of the call message without ``checkpoint`` (kept for re-dispatch)."""
    limit_s: float
    limit_kind: str
    continuation: bool = False
    """A re-dispatch after a checkpoint yield: no claim when it starts."""
    ahead: bool = False
    """Sent before its step was ready, to run right after its only parent (see
    :meth:`Runner._send_ahead`); it starts only once orchestration has enqueued it."""
    started: bool = False
    deadline: float = math.inf
    """Set when the call starts running (it heads its worker's queue)."""


class Stopped(Exception):
    """A signal asked the run to stop."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class Runner:
    """Runs one task template to a final (or stuck, or interrupted) state."""

    def __init__(
        self,
        template: TaskTemplate,
        context: dict[str, Any],
        workers: Workers,
        options: RunOptions,
        observers: Sequence[RunObserver] = (),
        notices: Sequence[Notice] = (),
    ) -> None:
        self.template = template
        self.options = options
        self.workers = workers
        self.clock: Clock = RealClock() if options.real_time else VirtualClock()
        self.ids = IdSource()
        self.orch = Orchestration(template, self.clock, self.ids, observers)
        self.payload = TaskPayload(template, context, self.ids)
        self.outcomes = OutcomeProcessor(
            self.orch,
            workers.info,
            strict=options.strict,
            ffi_timeout_s=options.ffi_timeout_s,
            max_checkpoint_yields=options.max_checkpoint_yields,
        )
        self.fifos: dict[int, deque[Call]] = {}
        """Calls sent to each worker, in the order it runs them; the first one is running."""
        self.window = PIPELINE if options.concurrency == 1 else 2
        self.resume: deque[tuple[StepRecord, str, str]] = deque()
        """Continuations whose worker died before they started."""
        self._defined: set[str] = set()
        """Template steps whose definition the workers were sent."""
        self.stop_requested: str | None = None
        """The signal that asked the run to stop, honoured at the loop's next turn."""
        self.busy = False
        """Whether a signal must raise at once (this thread is waiting for long)."""
        self.ahead: dict[str, Call] = {}
        """Calls sent ahead of their step's readiness, by step name."""
        self.predict = options.concurrency == 1 and not options.strict and workers.enforces_timeouts
        self._notices = tuple(notices)
        self._handler_ms = 0.0

    # -- the run -----------------------------------------------------------
    def run(self) -> RunResult:
        """Run the task until nothing more can happen; never raises for step failures.

        The objects that exist before the run are frozen out of the cyclic garbage
        collector meanwhile, so collections scan only what the run creates.
        """
        started = time.perf_counter()
        orch = self.orch
        if orch.observers:
            orch.emit(
                RunStarted(
                    self.template.name,
                    self.template.namespace_name,
                    self.template.version,
                    self.options.concurrency,
                    self.options.real_time,
                )
            )
        freeze = gc.isenabled()
        if freeze:
            # No gc.collect() first: in a long-lived process (a test suite calling
            # tasker_ctl.testing.run) it rescanned the whole heap on every run. Garbage
            # frozen with the rest is collected normally once the run unfreezes it.
            gc.freeze()
        try:
            stopped_by = self._run_to_the_end()
            result = self._outcome(stopped_by, started)
        finally:
            if freeze:  # after the result too: unfreezing hands the whole heap back to gc
                gc.unfreeze()
        if orch.observers:
            orch.emit(RunFinished(str(orch.task_state), stopped_by is not None))
        return result

    def _run_to_the_end(self) -> str | None:
        """Run until the task is final; the name of the signal that stopped it, if any."""
        try:
            with _signals_stop_the_run(self):
                self._run()
        except KeyboardInterrupt:
            return "SIGINT"
        except Stopped as stop:
            return stop.name
        return None

    def _outcome(self, stopped_by: str | None, started: float) -> RunResult:
        """The result; after a signal, the workers still busy are stopped first."""
        orch = self.orch
        if stopped_by is not None:
            for wid, fifo in self.fifos.items():  # their workers are stopped, not waited for
                if fifo:
                    self.workers.kill(wid, locate=False)
            ahead = ", ".join(f"'{name}'" for name in self.ahead)
            orch.warn(
                WarningCode.INTERRUPTED,
                f"the run was interrupted ({stopped_by}); steps still in progress were "
                "abandoned and their workers stopped"
                + (
                    f"; {ahead} had been sent ahead to follow a parent and may have "
                    "started running, though not claimed"
                    if ahead
                    else ""
                ),
            )
        wall_ms = (time.perf_counter() - started) * 1000.0
        return orch.result(
            wall_ms,
            sum(r.handler_ms for r in orch.workflow.order),
            stopped_by,
            real_time=self.options.real_time,
        )

    def _run(self) -> None:
        orch, info = self.orch, self.workers.info
        for notice in self._notices:
            orch.warn(notice.code, notice.message)
        for problem in info.problems:
            orch.warn(
                WarningCode.HANDLER_IMPORT_ERROR,
                f"{problem.describe()}; handlers defined there cannot be found",
            )
        for name, step in orch.graph.steps.items():
            misdecorated = info.misdecorated.get(step.handler.callable)
            if misdecorated is not None:
                orch.warn(WarningCode.DSL_DECORATOR_ORDER, misdecorated, name)
        payload = self.payload
        self.workers.publish({"op": "task", "task": payload.task})
        orch.task(TaskEvent.START)
        orch.create_initial_steps()
        self._publish(None)
        if not orch.workflow.order:
            orch.task(TaskEvent.NO_STEPS_FOUND)
            return
        if not orch.enqueue_ready():
            orch.task(TaskEvent.NO_DEPENDENCIES_READY)
        self._loop()

    def _loop(self) -> None:
        orch, workflow = self.orch, self.orch.workflow
        while True:
            if self.stop_requested is not None:
                raise Stopped(self.stop_requested)
            self._dispatch_ready()
            if orch.in_flight or orch.queue or self.resume:
                self._wait()
                continue
            if orch.blocked:
                return
            due = workflow.next_retry_due()
            if due is None:
                return
            self.busy = True  # a signal during a (real-time) retry wait stops it at once
            try:
                self.clock.wait_until(due)
            finally:
                self.busy = False
            if orch.observers:
                orch.emit(ClockAdvanced(self.clock.now_ms()))
            if orch.task_state is TaskState.WAITING_FOR_DEPENDENCIES:
                orch.task(TaskEvent.DEPENDENCIES_READY)
            orch.finalize()

    def _publish(self, producer: int | None) -> None:
        """Send the orchestration's new edges and results to the workers."""
        published = self.orch.published
        if not published:
            return
        workers = self.workers
        for message in published:
            if isinstance(message, bytes):  # a result line: not for the worker that made it
                workers.publish_line(message, producer)
            else:
                workers.publish(message)
        published.clear()

    # -- calls -------------------------------------------------------------
    def _dispatch_ready(self) -> None:
        orch = self.orch
        while self.resume:
            wid = self.workers.available(len(self.resume), self.window)
            if wid is None:
                return
            record, row, checkpoint = self.resume.popleft()
            self._send(record, wid, row, checkpoint, continuation=True)
        while orch.queue:
            wid = self.workers.available(len(orch.queue), self.window)
            if wid is None:
                return
            record = orch.queue.popleft()
            record.queued = False
            if record.name in self.ahead:  # already with a worker: it starts there
                continue
            self._send(record, wid, self._row(record), record.checkpoint_text)

    def _start(self, call: Call) -> None:
        """The call heads its worker's queue: it runs now (claimed, unless a continuation).

        A call sent ahead starts only if orchestration has enqueued its step meanwhile
        (its parent completed); otherwise the worker answers it ``skipped``.
        """
        record = call.record
        if call.ahead:
            if record.state is not StepState.ENQUEUED:
                return
            if record.queued:  # enqueued, still waiting in the dispatch queue: not any more
                self.orch.queue.remove(record)
                record.queued = False
            del self.ahead[record.name]
        if not call.continuation:
            self.orch.claim(record)
        call.started = True
        call.deadline = time.monotonic() + call.limit_s

    def _send_ahead(self, call: Call) -> None:
        """Send the one step that ``call``'s success will make ready, before it is ready.

        On a chain the worker then goes on to the next step as soon as this one
        succeeds, instead of waiting for the orchestrator to process the completion and
        dispatch it: the orchestrator's work overlaps the worker's. Only when nothing
        else can change what happens next: one worker, this call alone in flight and
        nothing queued, a step that creates no steps, exactly one child that waits for
        nothing else, and no ``--strict`` (which can fail a successful result). The
        worker runs the call only if this one completed successfully; orchestration
        still claims it (and emits its events) when it enqueues it, as always.
        """
        if not self.predict or self.orch.in_flight != 1 or self.orch.queue or self.resume:
            return
        record = call.record
        if record.definition.type not in _PLAIN or len(record.children) != 1:
            return
        child = record.children[0]
        if (
            child.state is not StepState.PENDING
            or child.waiting_on != 1
            or child.queued
            or child.name in self.ahead
            or not child.retry_eligible
            or child.next_retry_ms > self.clock.now_ms()
        ):
            return
        self._send(child, call.worker, self._row(child), child.checkpoint_text, after=call.job)

    def _row(self, record: StepRecord) -> str:
        """The call's ``row`` (``workflow_step`` fields before the claim), without its end."""
        head = _ENCODE(
            {
                "uuid": record.uuid,
                "named_step_uuid": self.payload.named_step_uuid(record.template_step),
                "name": record.name,
                "template_step_name": record.template_step,
                "retryable": record.retryable,
                "max_attempts": record.max_attempts,
                "attempts": record.attempts,
                "last_attempted_at": record.last_attempted_at,
                "created_at": record.created_at,
            }
        )
        return f'{head[:-1]},"inputs":{record.inputs_text},"results":{record.results_text}'

    def _send(
        self,
        record: StepRecord,
        wid: int,
        row: str,
        checkpoint_text: str,
        *,
        continuation: bool = False,
        after: int | None = None,
    ) -> None:
        job = next(_JOBS)
        if record.template_step not in self._defined:
            self._define()
        timeout = record.definition.timeout_seconds
        ffi = self.options.ffi_timeout_s
        if timeout is not None and 0 < timeout < ffi:
            limit_s, kind = float(timeout), "timeout"
        else:  # the FFI channel gives up first, whatever timeout_seconds says
            limit_s, kind = ffi, "ffi_timeout"
        condition = "" if after is None else f'"after":{after},'
        line = (
            f'{{"op":"call","job":{job},{condition}"step":{_ENCODE(record.name)},'
            f'"definition":{_ENCODE(record.template_step)},"event_id":"{self.ids.new()}",'
            f'"row":{row},"checkpoint":{checkpoint_text}}}}}\n'
        )
        self.orch.in_flight += 1
        call = Call(job, record, wid, row, limit_s, kind, continuation, after is not None)
        if call.ahead:
            self.ahead[record.name] = call
        fifo = self.fifos.get(wid)
        if fifo is None:
            fifo = self.fifos[wid] = deque()
        fifo.append(call)
        if len(fifo) == 1:  # it runs at once: claimed before the worker can start it
            self._start(call)
        self.workers.call(wid, line.encode("utf-8", "surrogatepass"))
        if call.started:  # after its own line, so the worker reads them in this order
            self._send_ahead(call)

    def _wait(self) -> None:
        options, workers = self.options, self.workers
        heads = [fifo[0] for fifo in self.fifos.values() if fifo]
        wait = options.poll_interval_s
        if heads and workers.enforces_timeouts:
            wait = min(wait, min(c.deadline for c in heads) - time.monotonic())
        if options.real_time:
            due = self.orch.workflow.next_retry_due()
            if due is not None:
                wait = min(wait, (due - self.clock.now_ms()) / 1000.0)
        for reply in workers.poll(max(wait, 0.0)):
            fifo = self.fifos.get(reply.worker)
            if not fifo:
                continue
            if reply.died is not None:
                self._lost(fifo)
                self.orch.in_flight -= 1
                call = fifo.popleft()
                if call.started:
                    self._worker_died(call, reply.died)
                else:  # sent ahead, never claimed: nothing ran for orchestration
                    self._drop_ahead(call)
            elif reply.message is not None and reply.message.get("job") == fifo[0].job:
                call = fifo.popleft()
                self.orch.in_flight -= 1
                if reply.message.get("kind") == SKIPPED:  # sent ahead; its parent failed
                    self._drop_ahead(call)
                else:
                    self._done(call, CallOutcome.from_message(reply.message))
                if fifo and not fifo[0].started:
                    self._start(fifo[0])
                    if fifo[0].started:
                        self._send_ahead(fifo[0])
        if workers.enforces_timeouts:
            now = time.monotonic()
            for fifo in self.fifos.values():
                if fifo and fifo[0].deadline <= now:
                    self._lost(fifo)
                    self.orch.in_flight -= 1
                    call = fifo.popleft()
                    self._timed_out(call, workers.kill(call.worker))
        if options.real_time:
            self.orch.enqueue_due_retries()

    def _lost(self, fifo: deque[Call]) -> None:
        """The worker of ``fifo`` is gone: calls that never started are sent again.

        Ordinary calls were never claimed: they go back to the front of the queue.
        Continuations (after a checkpoint yield) resume on another worker.
        """
        orch = self.orch
        waiting = [fifo.pop() for _ in range(len(fifo) - 1)]  # last first
        orch.in_flight -= len(waiting)
        for call in waiting:
            if call.ahead:
                self._drop_ahead(call)
            elif call.continuation:
                self.resume.appendleft((call.record, call.row, call.record.checkpoint_text))
            else:
                call.record.queued = True
                orch.queue.appendleft(call.record)

    def _define(self) -> None:
        """Send the workers the definitions of every template step created so far.

        One message for all the steps that exist (a chain's 10,000 at once), dumped step
        by step: dumping a whole 10,000-step template in one go costs pydantic three
        times as much, and a message per step costs more than the dump.
        """
        fresh = {
            r.template_step: None
            for r in self.orch.workflow.order
            if r.template_step not in self._defined
        }
        self._defined.update(fresh)
        definitions = {name: self.payload.definition(name) for name in fresh}
        self.workers.publish({"op": "definitions", "definitions": definitions})

    def _drop_ahead(self, call: Call) -> None:
        """A call sent ahead will not run: its step is dispatched like any other.

        Usually it is still ``pending`` (its parent failed). If orchestration enqueued
        it meanwhile (the parent was retried and completed on another worker), the
        dispatcher saw the call in flight and skipped it: it goes back to the queue.
        """
        record = call.record
        self.ahead.pop(record.name, None)
        if record.state is StepState.ENQUEUED and not record.queued:
            record.queued = True
            self.orch.queue.appendleft(record)

    def _done(self, call: Call, outcome: CallOutcome) -> None:
        checkpoint = self.outcomes.handle(call.record, outcome)
        self._publish(call.worker)
        if checkpoint is not None:  # dispatched again, no claim, on the same worker
            self._send(call.record, call.worker, call.row, checkpoint, continuation=True)

    def _worker_died(self, call: Call, how: str) -> None:
        name = call.record.name
        self.orch.warn(
            WarningCode.WORKER_EXITED,
            f"the worker process died while running the handler ({how}); a production Python "
            "worker would be gone with it and the claimed step would stay in_progress (its "
            "attempt counted) until staleness detection moves the task to the DLQ; "
            "tasker-ctl records a retryable failure and starts a new worker",
            name,
        )
        message = f"the worker process died while running the handler ({how})"
        self.outcomes.fail_attempt(call.record, message, "worker_exited", 0.0, None)
        self._publish(None)

    def _timed_out(self, call: Call, where: str | None) -> None:
        orch, name = self.orch, call.record.name
        limit = f"{call.limit_s:g} s"
        ffi = f"{self.options.ffi_timeout_s:g} s"
        if call.limit_kind == "timeout":
            message = f"handler did not finish within timeout_seconds ({limit})"
            orch.warn(
                WarningCode.TIMEOUT_NOT_ENFORCED,
                f"the call was stopped after timeout_seconds ({limit}) by killing its worker "
                "process (a new one takes its place); production does not enforce "
                "timeout_seconds and would have let it run (the Python worker's FFI channel "
                f"gives up only after {ffi}, with a retryable ffi_timeout failure)",
                name,
            )
        else:
            message = (
                f"handler did not finish within the Python worker's FFI completion timeout "
                f"({limit}); production submits a retryable ffi_timeout failure"
            )
            timeout = call.record.definition.timeout_seconds
            if timeout is not None and timeout > 0:
                orch.warn(
                    WarningCode.FFI_TIMEOUT,
                    f"timeout_seconds ({timeout:g} s) is not enforced by production, and the "
                    f"Python worker's FFI channel gives up after {ffi} anyway: a call that "
                    "takes longer always fails with a retryable ffi_timeout failure",
                    name,
                )
        self.outcomes.fail_attempt(
            call.record, message, call.limit_kind, call.limit_s * 1000.0, where
        )
        self._publish(None)


_STOP_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")


@contextlib.contextmanager
def _signals_stop_the_run(runner: Runner) -> Iterator[None]:
    """While the run goes on, ``SIGINT``/``SIGTERM``/``SIGHUP`` stop it (main thread only).

    With handlers in workers, a signal only asks the loop to stop: it stops at its next
    turn (at most ``poll_interval_s`` later), never halfway through applying a result,
    so the partial report is consistent. Where this thread may be busy for long (a
    ``--real-time`` retry wait, or a handler called ``--in-process``), the signal raises
    at once instead.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    saved: dict[signal.Signals, Any] = {}
    in_process = not runner.workers.enforces_timeouts

    def stop(signum: int, frame: Any) -> None:
        name = signal.Signals(signum).name
        if runner.busy or in_process:
            if name == "SIGINT":
                raise KeyboardInterrupt
            raise Stopped(name)
        runner.stop_requested = name

    for name in _STOP_SIGNALS:
        number = getattr(signal, name, None)
        if number is not None and (name != "SIGINT" or not in_process):
            saved[number] = signal.signal(number, stop)
    try:
        yield
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)
