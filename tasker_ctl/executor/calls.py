"""Handler calls in flight: claiming, submitting to worker threads, waiting, timeouts.

The runner hands every dispatch of a step to :class:`Calls`: it claims the
step (attempts + 1, the payload keeps the count from before), builds the
``FfiStepEvent`` and the dependency view, submits the SDK call to the
:class:`~tasker_ctl.executor.dispatch.Dispatcher`, and later turns what comes
back (or a missed deadline) into a :class:`~tasker_ctl.executor.invoke.HandlerOutcome`
for the runner's :class:`~tasker_ctl.executor.outcomes.OutcomeProcessor`.
A call's deadline is the step's ``timeout_seconds``, or else the Python
worker's FFI completion timeout.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any
from uuid import UUID

from tasker_ctl.executor.deps import DependencyResults
from tasker_ctl.executor.dispatch import Dispatcher, Finished
from tasker_ctl.executor.invoke import (
    HandlerOutcome,
    location_from_traceback,
    location_of_coroutine,
    location_of_thread,
)
from tasker_ctl.executor.notices import WarningCode
from tasker_ctl.executor.payload import WorkflowStepRow
from tasker_ctl.executor.persist import now_iso
from tasker_ctl.executor.records import StepRecord
from tasker_ctl.executor.states import StepEvent

if TYPE_CHECKING:
    from tasker_ctl.executor.runner import Runner


@dataclass(slots=True)
class InFlight:
    """A handler call the runner is waiting for."""

    job_id: int
    step: StepRecord
    row: WorkflowStepRow
    event: Any
    uuids: tuple[UUID, UUID, UUID]
    deadline: float
    limit_s: float
    limit_kind: str


class Calls:
    """The handler calls of one run."""

    def __init__(self, runner: Runner) -> None:
        self.runner = runner
        self.in_flight: dict[int, InFlight] = {}
        concurrency = runner.options.concurrency
        self.dispatcher = Dispatcher(concurrency, shared_loop=concurrency > 1)
        self._job_ids = 0
        payloads = runner.payloads
        self._run_uuids = (UUID(payloads.task_uuid), UUID(payloads.correlation_id))

    def shutdown(self) -> None:
        """Release the worker threads."""
        self.dispatcher.shutdown()

    def dispatch(self, record: StepRecord) -> None:
        """Claim ``record`` and submit its call (the payload keeps the pre-claim attempts)."""
        runner = self.runner
        record.queued = False
        row = WorkflowStepRow(
            uuid=record.uuid,
            name=record.name,
            template_step_name=record.template_step,
            retryable=record.retryable,
            max_attempts=record.max_attempts,
            attempts=record.attempts,
            last_attempted_at=record.last_attempted_at,
            inputs_text=record.inputs_text,
            results_text=record.results_text,
            checkpoint_text=record.checkpoint_text,
            created_at=record.created_at,
        )
        runner.workflow.ancestors_of(record)
        record.attempts += 1
        record.last_attempted_at = now_iso()
        runner.step_to(record, StepEvent.START)
        self.submit(record, row)

    def submit(self, record: StepRecord, row: WorkflowStepRow) -> None:
        """Hand one call of ``record`` (payload built from ``row``) to a worker thread."""
        runner = self.runner
        assert record.ancestors is not None
        self._job_ids += 1
        job_id = self._job_ids
        payloads = runner.payloads
        event = runner.sdk.event(
            (runner.ids.new(), payloads.task_uuid, record.uuid, payloads.correlation_id),
            payloads.build(row, record.definition),
        )
        view = DependencyResults(record.ancestors, runner.workflow.texts)
        timeout = record.definition.timeout_seconds
        if timeout is not None and 0 < timeout < runner.options.ffi_timeout_s:
            limit_s, kind = float(timeout), "timeout"
        else:  # the FFI channel gives up first, whatever timeout_seconds says
            limit_s, kind = runner.options.ffi_timeout_s, "ffi_timeout"
        dispatcher, invoker = self.dispatcher, runner.invoker

        def run_async(call: Any, context: Any) -> Any:
            return dispatcher.run_async(job_id, call, context)

        dispatcher.submit(job_id, lambda: invoker.invoke(event, view, run_async))
        uuids = (UUID(record.uuid), *self._run_uuids)
        self.in_flight[job_id] = InFlight(
            job_id, record, row, event, uuids, time.monotonic() + limit_s, limit_s, kind
        )

    def resubmit(self, flight: InFlight, checkpoint_text: str) -> None:
        """Dispatch the same payload again with the new checkpoint (no claim)."""
        self.submit(flight.step, replace(flight.row, checkpoint_text=checkpoint_text))

    def wait_for_one(self) -> None:
        """Process the next call that comes back, or the calls past their deadline."""
        runner = self.runner
        options = runner.options
        now = time.monotonic()
        wait = min(f.deadline for f in self.in_flight.values()) - now
        if options.real_time:
            due = runner.workflow.next_retry_due()
            if due is not None:
                wait = min(wait, (due - runner.clock.now_ms()) / 1000.0)
        finished = self.dispatcher.next_finished(min(max(wait, 0.0), options.poll_interval_s))
        if finished is not None and finished.job_id in self.in_flight:
            self._finished(self.in_flight.pop(finished.job_id), finished)
        now = time.monotonic()
        for flight in [f for f in self.in_flight.values() if f.deadline <= now]:
            self._time_out(flight)
        if options.real_time:
            runner.outcomes.enqueue_due_retries()

    def _finished(self, flight: InFlight, finished: Finished) -> None:
        runner = self.runner
        error = finished.error
        if error is None:
            runner.outcomes.handle(flight, finished.value)
            return
        if isinstance(error, KeyboardInterrupt):
            raise KeyboardInterrupt
        # SystemExit and other BaseExceptions escape the SDK's `except Exception`
        kind = type(error).__name__
        where = location_from_traceback(error.__traceback__)
        runner.warn(
            WarningCode.HANDLER_EXITED,
            f"the handler raised {kind}{f' at {where}' if where else ''}, which the Python "
            "worker does not catch: it ends the worker's polling thread, so the step is never "
            "completed and that worker takes no more steps; tasker-ctl records a retryable "
            "failure instead",
            flight.step.name,
        )
        outcome = HandlerOutcome(
            handler_name=flight.step.definition.handler.callable,
            result=runner.sdk.failure(f"{kind}: {error}", kind, retryable=True),
            exception_type=kind,
            location=where,
        )
        runner.outcomes.handle(flight, outcome)

    def _time_out(self, flight: InFlight) -> None:
        runner = self.runner
        self.in_flight.pop(flight.job_id, None)
        dispatcher = self.dispatcher
        coroutine = dispatcher.coroutine_of(flight.job_id)
        if coroutine is not None:
            where = location_of_coroutine(coroutine)
        else:
            where = location_of_thread(dispatcher.thread_of(flight.job_id))
        cancelled = dispatcher.abandon(flight.job_id)
        name = flight.step.name
        limit = f"{flight.limit_s:g} s"
        ffi = f"{runner.options.ffi_timeout_s:g} s"
        if flight.limit_kind == "timeout":
            message = f"handler did not finish within timeout_seconds ({limit})"
            runner.warn(
                WarningCode.TIMEOUT_NOT_ENFORCED,
                f"the call was stopped after timeout_seconds ({limit}); production does not "
                "enforce timeout_seconds and would have let it run (the Python worker's FFI "
                f"channel gives up only after {ffi})",
                name,
            )
        else:
            message = (
                f"handler did not finish within the Python worker's FFI completion timeout "
                f"({limit}); production submits a retryable ffi_timeout failure"
            )
            timeout = flight.step.definition.timeout_seconds
            if timeout is not None and timeout > 0:
                runner.warn(
                    WarningCode.FFI_TIMEOUT,
                    f"timeout_seconds ({timeout:g} s) is not enforced by production, and the "
                    f"Python worker's FFI channel gives up after {ffi} anyway: a call that "
                    "takes longer always fails with a retryable ffi_timeout",
                    name,
                )
        if not cancelled:
            runner.warn(
                WarningCode.HANDLER_ABANDONED,
                "a timed-out handler thread cannot be stopped: it may still be running "
                "(and causing side effects) in the background",
                name,
            )
        result = runner.sdk.failure(message, flight.limit_kind, retryable=True)
        outcome = HandlerOutcome(
            handler_name=flight.step.definition.handler.callable,
            result=result,
            location=where,
            handler_ms=flight.limit_s * 1000.0,
        )
        runner.outcomes.handle(flight, outcome)
