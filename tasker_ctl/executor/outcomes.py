"""What orchestration does with a submitted result (spec 2.3-2.4, 3, 4, 4.7, 5).

* A checkpoint yield persists the checkpoint record and re-dispatches the
  same payload: no state change, no attempt counted.
* Success: ``enqueued_for_orchestration -> complete``; a ``decision`` or
  ``batchable`` step's outcome then creates its dynamic steps.
* Failure: ``metadata.retryable`` false, or ``attempts >= max_attempts``, gives
  ``error``; otherwise ``waiting_for_retry`` with a recorded backoff. A step
  whose template says ``retryable: false`` is never retry-eligible, so it stays
  waiting (the production trap).
* Finalization after every result: any ``error`` blocks the task; otherwise
  ready steps are enqueued; when nothing is ready or running the task is
  ``complete`` or waits.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from tasker_ctl.executor.events import (
    AttemptFinished,
    BatchCreated,
    CheckpointYielded,
    RetryScheduled,
)
from tasker_ctl.executor.expansion import expand_batches, expand_decision
from tasker_ctl.executor.invoke import HandlerOutcome
from tasker_ctl.executor.notices import WarningCode
from tasker_ctl.executor.persist import Checkpoint, Completion, complete, now_iso, submit
from tasker_ctl.executor.records import StepRecord
from tasker_ctl.executor.result import StepFailure
from tasker_ctl.executor.schemas import ResultSchemas
from tasker_ctl.executor.states import StepEvent, TaskEvent, TaskState
from tasker_ctl.model import StepType

if TYPE_CHECKING:
    from tasker_ctl.executor.calls import InFlight
    from tasker_ctl.executor.runner import Runner


class OutcomeProcessor:
    """Applies handler outcomes to the runner's workflow, as orchestration would."""

    def __init__(self, runner: Runner) -> None:
        self.runner = runner
        self.blocked = False
        self.schemas = ResultSchemas(runner.template)
        self._backoff_warned = False

    def handle(self, flight: InFlight, outcome: HandlerOutcome) -> None:
        """Process one finished (or timed-out) call of ``flight.step``."""
        runner, record = self.runner, flight.step
        record.handler_ms += outcome.handler_ms
        result = outcome.result
        if outcome.permanent_error_raised:
            runner.warn(
                WarningCode.PERMANENT_ERROR_RETRIED,
                "a class-based handler raised PermanentError; the Python worker turns any "
                "exception escaping call() into a retryable failure, so the step is retried "
                "(return self.failure(..., retryable=False) or use the DSL to fail for good)",
                record.name,
            )
        if not outcome.found:
            problem = runner.catalog.problem_for(outcome.handler_name)
            if problem is not None:
                outcome.location = problem.location
            else:
                explained = runner.catalog.explain_missing(outcome.handler_name)
                runner.warn(WarningCode.HANDLER_NOT_FOUND, explained, record.name)
        if not isinstance(result, runner.sdk.StepHandlerResult):
            runner.warn(
                WarningCode.INVALID_HANDLER_RESULT,
                f"the handler returned {type(result).__name__}, not a StepHandlerResult; the "
                "Python worker fails while submitting it, the step is never completed and the "
                f"FFI channel times out after {runner.options.ffi_timeout_s:g} s with a "
                "retryable ffi_timeout failure",
                record.name,
            )
            message = f"handler returned {type(result).__name__} instead of a StepHandlerResult"
            self._fail_attempt(flight, message, "ffi_timeout", outcome)
            return
        submitted = submit(runner.invoker, flight.event, result, flight.uuids)
        if isinstance(submitted, Checkpoint):
            self._checkpoint(flight, submitted, outcome)
            return
        self._finish(flight, submitted, outcome)

    def _checkpoint(
        self, flight: InFlight, checkpoint: Checkpoint, outcome: HandlerOutcome
    ) -> None:
        runner, record = self.runner, flight.step
        if checkpoint.problem is not None:
            ffi = f"{runner.options.ffi_timeout_s:g} s"
            runner.warn(
                WarningCode.RESULT_NOT_JSON,
                f"the checkpoint cannot be handed to the Rust worker ({checkpoint.problem}); "
                "the subscriber's checkpoint call raises, the step is never completed and the "
                f"FFI channel gives up after {ffi} with a retryable ffi_timeout failure",
                record.name,
            )
            message = checkpoint.problem.rust_message("checkpoint", "CheckpointYieldData")
            self._fail_attempt(
                flight, f"checkpoint yield failed: {message}", "ffi_timeout", outcome
            )
            return
        timestamp = now_iso()
        history = list((record.checkpoint or {}).get("history", []))
        history.append({"cursor": checkpoint.cursor, "timestamp": timestamp})
        stored = {
            "cursor": checkpoint.cursor,
            "items_processed": checkpoint.items_processed,
            "timestamp": timestamp,
            "accumulated_results": checkpoint.accumulated_results,
            "history": history,
        }
        text = json.dumps(stored)
        record.checkpoint, record.checkpoint_text = stored, text
        record.checkpoint_yields += 1
        if runner.observers:
            runner.emit(
                AttemptFinished(record.name, record.attempts, "checkpoint", outcome.handler_ms)
            )
            runner.emit(
                CheckpointYielded(
                    record.name,
                    checkpoint.cursor,
                    checkpoint.items_processed,
                    record.checkpoint_yields,
                )
            )
        if record.checkpoint_yields >= runner.options.max_checkpoint_yields:
            limit = runner.options.max_checkpoint_yields
            runner.warn(
                WarningCode.CHECKPOINT_LIMIT,
                f"the handler yielded {limit} checkpoints without finishing; production would "
                "keep re-dispatching it, tasker-ctl stops the step here",
                record.name,
            )
            self._fail_attempt(
                flight,
                f"stopped after {limit} checkpoint yields",
                "checkpoint_limit",
                outcome,
                retryable=False,
            )
            return
        assert runner.calls is not None
        runner.calls.resubmit(flight, text)

    def _fail_attempt(
        self,
        flight: InFlight,
        message: str,
        error_type: str,
        outcome: HandlerOutcome,
        *,
        retryable: bool = True,
    ) -> None:
        """End the attempt with a failure tasker-ctl (or the worker) made up."""
        runner = self.runner
        failure = runner.sdk.failure(message, error_type, retryable=retryable)
        completion = complete(runner.invoker, flight.event, failure, flight.uuids)
        self._finish(flight, completion, outcome)

    def _finish(self, flight: InFlight, completion: Completion, outcome: HandlerOutcome) -> None:
        runner, record = self.runner, flight.step
        if runner.observers:
            error = completion.entry.get("error") or {}
            runner.emit(
                AttemptFinished(
                    record.name,
                    record.attempts,
                    str(completion.entry["status"]),
                    outcome.handler_ms,
                    error.get("error_type"),
                    error.get("message"),
                )
            )
        if completion.serialization_error is not None:
            runner.warn(
                WarningCode.RESULT_NOT_JSON,
                "the result cannot be stored as JSON "
                f"({completion.serialization_error}); the worker submits a permanent "
                "FFI_SERIALIZATION_ERROR failure instead",
                record.name,
            )
        if completion.converted:
            runner.warn(
                WarningCode.RESULT_CONVERTED,
                "the result holds values JSON cannot represent as they are (dates, decimals, "
                "sets, bytes, NaN...); the worker stores them converted (strings, lists, null), "
                "and that is what later steps receive",
                record.name,
            )
        success = completion.success
        if not success:
            record.results_text = json.dumps(completion.entry)
        strict_failure = None
        if success:
            notice = self.schemas.check(record.template_step, completion.entry["result"])
            if notice is not None:
                runner.warn(notice.code, notice.message, record.name)
                if runner.options.strict and notice.code is WarningCode.RESULT_SCHEMA_MISMATCH:
                    strict_failure = notice.message
        runner.step_to(
            record,
            StepEvent.ENQUEUE_FOR_ORCHESTRATION
            if success
            else StepEvent.ENQUEUE_AS_ERROR_FOR_ORCHESTRATION,
        )
        if success and strict_failure is None:
            self._complete(record, completion)
        elif success:
            record.error = StepFailure(strict_failure or "", "result_schema_violation", False)
            self._fail(record, StepEvent.FAIL)
        else:
            self._failed_attempt(record, completion, outcome)
        self.finalize()

    def _complete(self, record: StepRecord, completion: Completion) -> None:
        runner = self.runner
        record.entry = completion.entry
        record.error = None
        runner.step_to(record, StepEvent.COMPLETE)
        runner.workflow.mark_complete(record)
        self._expand(record, completion.entry["result"])

    def _fail(self, record: StepRecord, event: StepEvent) -> None:
        self.runner.step_to(record, event)
        self.runner.workflow.errored += 1

    def _failed_attempt(
        self, record: StepRecord, completion: Completion, outcome: HandlerOutcome
    ) -> None:
        runner = self.runner
        error = completion.entry.get("error") or {}
        record.error = StepFailure(
            message=str(error.get("message") or "unknown error"),
            error_type=str(error.get("error_type") or "unknown"),
            retryable=completion.retryable,
            location=outcome.location,
        )
        if not completion.retryable or record.attempts >= record.max_attempts:
            self._fail(record, StepEvent.FAIL)
            return
        runner.step_to(record, StepEvent.WAIT_FOR_RETRY)
        requested = completion.retry_after_s
        delay = record.policy.delay_ms(record.attempts, requested)
        record.backoff_ms.append(delay)
        if requested is not None:
            runner.warn(
                WarningCode.RETRY_AFTER_DROPPED,
                f"the handler asked to retry after {requested:g} s; the Rust side drops "
                "retry_after from Python results, so production ignores it",
                record.name,
            )
        if not record.retryable:
            runner.warn(
                WarningCode.RETRY_STUCK,
                "the template says retry.retryable: false but the failure is retryable; "
                "production moves the step to waiting_for_retry and never runs it again, so "
                "the task waits (waiting_for_dependencies) until the staleness sweep sends it "
                "to the DLQ; fail with retryable=False or allow retries in the template",
                record.name,
            )
            return
        if not self._backoff_warned:
            self._backoff_warned = True
            runner.warn(
                WarningCode.BACKOFF_NOT_APPLIED,
                "retry delays are computed with Tasker's backoff formula and recorded, but "
                "production Python workers get no backoff: failed steps are retried as soon "
                "as their failure is processed",
                record.name,
            )
        due = runner.clock.now_ms() + delay
        runner.workflow.schedule_retry(record, due)
        if runner.observers:
            runner.emit(RetryScheduled(record.name, record.attempts, delay, due))

    def _expand(self, record: StepRecord, result: Any) -> None:
        runner = self.runner
        kind = record.definition.type
        existing = runner.workflow.steps.keys()
        if kind is StepType.DECISION:
            expansion = expand_decision(runner.graph, record.name, result, existing)
        elif kind is StepType.BATCHABLE:
            expansion = expand_batches(runner.graph, record.name, result, existing)
        else:
            for key, owner in (
                ("decision_point_outcome", "decision"),
                ("batch_processing_outcome", "batchable"),
            ):
                if isinstance(result, dict) and key in result:
                    runner.warn(
                        WarningCode.OUTCOME_IGNORED,
                        f"the result has a {key}, but production only reads it from {owner} "
                        f"steps and this step's type is {kind}; nothing is created",
                        record.name,
                    )
            return
        for notice in expansion.notices:
            runner.warn(notice.code, notice.message, record.name)
        created = [
            (
                runner.create_step(
                    new.name, new.template_name, new.inputs, record.name, new.parents
                ),
                new,
            )
            for new in expansion.steps
        ]
        for step, new in created:
            runner.connect_parents(step, new.parents)
        for parent, child in expansion.edges_to_existing:
            runner.workflow.connect(runner.workflow.steps[parent], runner.workflow.steps[child])
        workers = tuple(
            s.name
            for s in expansion.steps
            if runner.graph.type_of(s.template_name) is StepType.BATCH_WORKER
        )
        if workers and runner.observers:
            template = expansion.steps[0].template_name
            runner.emit(BatchCreated(record.name, template, workers))

    def finalize(self) -> None:
        """``TaskFinalizer``: decide what the task does after a result."""
        runner = self.runner
        if runner.task_state is TaskState.STEPS_IN_PROCESS:
            runner.task(TaskEvent.STEP_COMPLETED)
        if runner.task_state is not TaskState.EVALUATING_RESULTS:
            return
        workflow = runner.workflow
        if workflow.errored:
            runner.task(TaskEvent.PERMANENT_FAILURE)
            self.blocked = True
            return
        if runner.enqueue_ready():
            return
        if runner.queue or (runner.calls is not None and runner.calls.in_flight):
            return
        if workflow.completed == len(workflow.order):
            runner.task(TaskEvent.ALL_STEPS_SUCCESSFUL)
            return
        runner.task(TaskEvent.NO_DEPENDENCIES_READY)

    def enqueue_due_retries(self) -> None:
        """Under ``--real-time``, enqueue retries that came due while others run."""
        runner = self.runner
        if self.blocked:
            return
        ready = runner.workflow.take_ready(runner.clock.now_ms())
        if ready:
            runner.enqueue(ready)
