"""What orchestration does with what a handler call produced (docs/run-semantics.md §2-5).

* A checkpoint yield persists the checkpoint record and re-dispatches the
  same payload: no state change, no attempt counted.
* Success: ``enqueued_for_orchestration -> complete``; a ``decision`` or
  ``batchable`` step's outcome then creates its dynamic steps.
* Failure: ``metadata.retryable`` false, or ``attempts >= max_attempts``, gives
  ``error``; otherwise ``waiting_for_retry`` with a recorded backoff. A step
  whose template says ``retryable: false`` is never retry-eligible, so it stays
  waiting (the production trap).
* Failures the worker never submits (a timeout, a worker that died, a handler
  that returned no ``StepHandlerResult``) are made up here in the very shape the
  worker would have submitted (:func:`~tasker_ctl.executor.entries.failure_entry`).

Finalization runs after every result.
"""

from __future__ import annotations

import json
from typing import Any

from tasker_ctl.executor.entries import Completion, failure_entry, now_iso
from tasker_ctl.executor.events import (
    AttemptFinished,
    BatchCreated,
    CheckpointYielded,
    RetryScheduled,
)
from tasker_ctl.executor.expansion import expand_batches, expand_decision
from tasker_ctl.executor.notices import WarningCode
from tasker_ctl.executor.orchestration import Orchestration
from tasker_ctl.executor.protocol import (
    CHECKPOINT,
    ESCAPED,
    INVALID_RESULT,
    CallOutcome,
    encode_value,
    result_line,
)
from tasker_ctl.executor.records import StepRecord
from tasker_ctl.executor.result import StepFailure
from tasker_ctl.executor.schemas import ResultSchemas
from tasker_ctl.executor.states import StepEvent
from tasker_ctl.executor.workers import HandlerInfo
from tasker_ctl.model import StepType


class OutcomeProcessor:
    """Applies handler outcomes to an :class:`Orchestration`, as orchestration would."""

    def __init__(
        self,
        orchestration: Orchestration,
        info: HandlerInfo,
        *,
        strict: bool,
        ffi_timeout_s: float,
        max_checkpoint_yields: int,
    ) -> None:
        self.orch = orchestration
        self.info = info
        self.strict = strict
        self.ffi_timeout_s = ffi_timeout_s
        self.max_checkpoint_yields = max_checkpoint_yields
        self.schemas = ResultSchemas(orchestration.template)
        self._backoff_warned = False

    def handle(self, record: StepRecord, outcome: CallOutcome) -> str | None:
        """Process one finished call of ``record``.

        Returns:
            The checkpoint JSON text to dispatch the step again with, after a
            checkpoint yield; ``None`` when the attempt is over.
        """
        orch = self.orch
        if outcome.permanent_error_raised:
            orch.warn(
                WarningCode.PERMANENT_ERROR_RETRIED,
                "a class-based handler raised PermanentError; the Python worker turns any "
                "exception escaping call() into a retryable failure, so the step is retried "
                "(return self.failure(..., retryable=False) or use the DSL to fail for good)",
                record.name,
            )
        if not outcome.found:
            problem = self.info.problem_for(outcome.handler_name)
            if problem is not None:
                outcome.location = problem.location
            else:
                explained = self.info.explain_missing(outcome.handler_name)
                orch.warn(WarningCode.HANDLER_NOT_FOUND, explained, record.name)
        if outcome.kind == ESCAPED:
            self._escaped(record, outcome)
            return None
        if outcome.kind == INVALID_RESULT:
            orch.warn(
                WarningCode.INVALID_HANDLER_RESULT,
                f"the handler returned {outcome.returned}, not a StepHandlerResult; the "
                "Python worker fails while submitting it, the step is never completed and the "
                f"FFI channel times out after {self.ffi_timeout_s:g} s with a "
                "retryable ffi_timeout failure",
                record.name,
            )
            message = f"handler returned {outcome.returned} instead of a StepHandlerResult"
            self.fail_attempt(record, message, "ffi_timeout", outcome.handler_ms, outcome.location)
            return None
        if outcome.kind == CHECKPOINT:
            return self._checkpoint(record, outcome)
        assert outcome.entry is not None
        completion = Completion(
            outcome.entry, outcome.serialization_error, outcome.converted, outcome.retry_after_s
        )
        self._finish(
            record, completion, outcome.handler_ms, outcome.location, outcome.entry_text, outcome
        )
        return None

    def _escaped(self, record: StepRecord, outcome: CallOutcome) -> None:
        kind = outcome.exception_type or "BaseException"
        where = outcome.location
        self.orch.warn(
            WarningCode.HANDLER_EXITED,
            f"the handler raised {kind}{f' at {where}' if where else ''}, which the Python "
            "worker does not catch: it ends the worker's polling thread, so the step is never "
            "completed and that worker takes no more steps; tasker-ctl records a retryable "
            "failure instead",
            record.name,
        )
        # the message is the exception's text, as for any other error (the type has its field)
        entry = failure_entry(record.uuid, outcome.escaped or kind, kind, retryable=True)
        self._finish(record, Completion(entry), outcome.handler_ms, where, None, outcome)

    def _checkpoint(self, record: StepRecord, outcome: CallOutcome) -> str | None:
        orch = self.orch
        if outcome.checkpoint_problem is not None or outcome.checkpoint is None:
            ffi = f"{self.ffi_timeout_s:g} s"
            problem = outcome.checkpoint_problem or "no checkpoint data"
            orch.warn(
                WarningCode.RESULT_NOT_JSON,
                f"the checkpoint cannot be handed to the Rust worker ({problem}); "
                "the subscriber's checkpoint call raises, the step is never completed and the "
                f"FFI channel gives up after {ffi} with a retryable ffi_timeout failure",
                record.name,
            )
            self.fail_attempt(
                record,
                f"checkpoint yield failed: {outcome.checkpoint_error or problem}",
                "ffi_timeout",
                outcome.handler_ms,
                outcome.location,
            )
            return None
        data = outcome.checkpoint
        timestamp = now_iso()
        history = list((record.checkpoint or {}).get("history", []))
        history.append({"cursor": data["cursor"], "timestamp": timestamp})
        stored = {
            "cursor": data["cursor"],
            "items_processed": data["items_processed"],
            "timestamp": timestamp,
            "accumulated_results": data["accumulated_results"],
            "history": history,
        }
        text = json.dumps(stored)
        record.handler_ms += outcome.handler_ms
        record.checkpoint, record.checkpoint_text = stored, text
        record.checkpoint_yields += 1
        if orch.observers:
            orch.emit(
                AttemptFinished(record.name, record.attempts, "checkpoint", outcome.handler_ms)
            )
            orch.emit(
                CheckpointYielded(
                    record.name, data["cursor"], data["items_processed"], record.checkpoint_yields
                )
            )
        if record.checkpoint_yields >= self.max_checkpoint_yields:
            limit = self.max_checkpoint_yields
            orch.warn(
                WarningCode.CHECKPOINT_LIMIT,
                f"the handler yielded {limit} checkpoints without finishing; production would "
                "keep re-dispatching it, tasker-ctl stops the step here",
                record.name,
            )
            self.fail_attempt(
                record,
                f"stopped after {limit} checkpoint yields",
                "checkpoint_limit",
                0.0,
                outcome.location,
                retryable=False,
            )
            return None
        return text

    def fail_attempt(
        self,
        record: StepRecord,
        message: str,
        error_type: str,
        handler_ms: float,
        location: str | None,
        *,
        retryable: bool = True,
    ) -> None:
        """End the attempt with a failure the worker never submitted (made up here)."""
        entry = failure_entry(record.uuid, message, error_type, retryable=retryable)
        self._finish(record, Completion(entry), handler_ms, location)

    def _finish(
        self,
        record: StepRecord,
        completion: Completion,
        handler_ms: float,
        location: str | None,
        entry_text: bytes | None = None,
        call: CallOutcome | None = None,
    ) -> None:
        orch = self.orch
        record.handler_ms += handler_ms
        failed = not completion.success
        if orch.observers:
            error = completion.entry.get("error") or {}
            orch.emit(
                AttemptFinished(
                    record.name,
                    record.attempts,
                    str(completion.entry["status"]),
                    handler_ms,
                    error.get("error_type"),
                    error.get("message"),
                    call.exception_type if call is not None and failed else None,
                    location if failed else None,
                    call.source_line if call is not None and failed else None,
                    call.traceback if call is not None and failed else None,
                )
            )
        if completion.serialization_error is not None:
            orch.warn(
                WarningCode.RESULT_NOT_JSON,
                "the result cannot be stored as JSON "
                f"({completion.serialization_error}); the worker submits a permanent "
                "FFI_SERIALIZATION_ERROR failure instead",
                record.name,
            )
        if completion.converted:
            orch.warn(
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
                orch.warn(notice.code, notice.message, record.name)
                if self.strict and notice.code is WarningCode.RESULT_SCHEMA_MISMATCH:
                    strict_failure = notice.message
        orch.step_to(
            record,
            StepEvent.ENQUEUE_FOR_ORCHESTRATION
            if success
            else StepEvent.ENQUEUE_AS_ERROR_FOR_ORCHESTRATION,
        )
        if success and strict_failure is None:
            self._complete(record, completion, entry_text)
        elif success:
            record.error = StepFailure(strict_failure or "", "result_schema_violation", False)
            self._fail(record)
        else:
            self._failed_attempt(record, completion, location, call)
        orch.finalize()

    def _complete(
        self, record: StepRecord, completion: Completion, entry_text: bytes | None
    ) -> None:
        orch = self.orch
        record.result = completion.entry["result"]
        record.error = None
        orch.step_to(record, StepEvent.COMPLETE)
        orch.workflow.mark_complete(record)
        text = entry_text or encode_value(completion.entry)
        orch.published.append(result_line(record.name, text))
        self._expand(record, record.result)

    def _fail(self, record: StepRecord) -> None:
        self.orch.step_to(record, StepEvent.FAIL)
        self.orch.workflow.errored += 1

    def _failed_attempt(
        self,
        record: StepRecord,
        completion: Completion,
        location: str | None,
        call: CallOutcome | None = None,
    ) -> None:
        orch = self.orch
        error = completion.entry.get("error") or {}
        record.error = StepFailure(
            message=str(error.get("message") or "unknown error"),
            error_type=str(error.get("error_type") or "unknown"),
            retryable=completion.retryable,
            location=location,
            exception_type=call.exception_type if call is not None else None,
            source_line=call.source_line if call is not None else None,
            traceback=call.traceback if call is not None else None,
        )
        if not completion.retryable or record.attempts >= record.max_attempts:
            self._fail(record)
            return
        orch.step_to(record, StepEvent.WAIT_FOR_RETRY)
        requested = completion.retry_after_s
        delay = record.policy.delay_ms(record.attempts, requested)
        record.backoff_ms.append(delay)
        if requested is not None:
            orch.warn(
                WarningCode.RETRY_AFTER_DROPPED,
                f"the handler asked to retry after {requested:g} s; the Rust side drops "
                "retry_after from Python results, so production ignores it",
                record.name,
            )
        if not record.retryable:
            orch.warn(
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
            orch.warn(
                WarningCode.BACKOFF_NOT_APPLIED,
                "retry delays are computed with Tasker's backoff formula and recorded, but "
                "production Python workers get no backoff: failed steps are retried as soon "
                "as their failure is processed",
                record.name,
            )
        due = orch.clock.now_ms() + delay
        orch.workflow.schedule_retry(record, due)
        if orch.observers:
            orch.emit(RetryScheduled(record.name, record.attempts, delay, due))

    def _expand(self, record: StepRecord, result: Any) -> None:
        orch = self.orch
        kind = record.definition.type
        existing = orch.workflow.steps.keys()
        if kind is StepType.DECISION:
            expansion = expand_decision(orch.graph, record.name, result, existing)
        elif kind is StepType.BATCHABLE:
            expansion = expand_batches(orch.graph, record.name, result, existing)
        else:
            for key, owner in (
                ("decision_point_outcome", "decision"),
                ("batch_processing_outcome", "batchable"),
            ):
                if isinstance(result, dict) and key in result:
                    orch.warn(
                        WarningCode.OUTCOME_IGNORED,
                        f"the result has a {key}, but production only reads it from {owner} "
                        f"steps and this step's type is {kind}; nothing is created",
                        record.name,
                    )
            return
        for notice in expansion.notices:
            orch.warn(notice.code, notice.message, record.name)
        orch.create_steps(expansion.steps, record.name, expansion.edges_to_existing)
        workers = tuple(
            s.name
            for s in expansion.steps
            if orch.graph.type_of(s.template_name) is StepType.BATCH_WORKER
        )
        if workers and orch.observers:
            template = expansion.steps[0].template_name
            orch.emit(BatchCreated(record.name, template, workers))
