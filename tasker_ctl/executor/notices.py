"""Warnings a run produces, and the stable codes that name them.

Most are *parity warnings*: places where the production orchestrator or
Python worker deviates from Tasker's documented contract. The run follows
production for the outcome and says so here. The others flag input that the
real system accepts without checking (schemas) or that cannot be run as
written (broken handler modules).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class WarningCode(enum.StrEnum):
    """Codes of run warnings; part of the JSON report, so never renamed."""

    HANDLER_METHOD_IGNORED = "handler_method_ignored"
    HANDLER_RESOLVER_IGNORED = "handler_resolver_ignored"
    HANDLER_IMPORT_ERROR = "handler_import_error"
    HANDLER_NOT_FOUND = "handler_not_found"
    DSL_DECORATOR_ORDER = "dsl_decorator_order"
    PERMANENT_ERROR_RETRIED = "permanent_error_retried"
    INVALID_HANDLER_RESULT = "invalid_handler_result"
    RESULT_CONVERTED = "result_converted"
    RESULT_NOT_JSON = "result_not_json"
    RETRY_STUCK = "retry_stuck"
    BACKOFF_NOT_APPLIED = "backoff_not_applied"
    RETRY_AFTER_DROPPED = "retry_after_dropped"
    TIMEOUT_NOT_ENFORCED = "timeout_not_enforced"
    FFI_TIMEOUT = "ffi_timeout"
    HANDLER_ABANDONED = "handler_abandoned"
    HANDLER_EXITED = "handler_exited"
    WORKER_EXITED = "worker_exited"
    DEPENDENCY_NOT_CREATED = "dependency_not_created"
    DECISION_OUTCOME_MISSING = "decision_outcome_missing"
    DECISION_INVALID_TARGET = "decision_invalid_target"
    DECISION_TOO_MANY_STEPS = "decision_too_many_steps"
    DECISION_PASS_ROLLED_BACK = "decision_pass_rolled_back"
    POST_CONVERGENCE_STEP_SKIPPED = "post_convergence_step_skipped"
    DECISION_WALK_PAST_DECISION = "decision_walk_past_decision"
    OUTCOME_IGNORED = "outcome_ignored"
    BATCH_OUTCOME_INVALID = "batch_outcome_invalid"
    CHECKPOINT_LIMIT = "checkpoint_limit"
    INPUT_SCHEMA_MISMATCH = "input_schema_mismatch"
    RESULT_SCHEMA_MISMATCH = "result_schema_mismatch"
    SCHEMA_INVALID = "schema_invalid"
    INTERRUPTED = "interrupted"


@dataclass(frozen=True, slots=True)
class RunWarning:
    """One warning: a stable code, a sentence for humans, and the step it concerns."""

    code: WarningCode
    message: str
    step: str | None = None


@dataclass(frozen=True, slots=True)
class Notice:
    """A warning produced by a pure planning function, before it is tied to a step."""

    code: WarningCode
    message: str
