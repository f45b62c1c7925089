"""What the worker submits and what orchestration stores, for one handler call.

Mirrors ``StepExecutionSubscriber._submit_result`` with the SDK's own types:
a result whose ``metadata.checkpoint_yield`` is ``True`` is a checkpoint, not a
completion; otherwise ``StepExecutionResult.success_result`` /
``failure_result`` (with ``retryable`` copied into the metadata) is dumped with
``model_dump(mode="json")``, and a dump that fails becomes the subscriber's own
``_build_ffi_safe_failure`` (a permanent ``FFI_SERIALIZATION_ERROR``).

The dump is then normalized to the shape Rust persists in
``workflow_steps.results`` (unknown metadata keys dropped), which is also what
downstream steps receive as dependency results (spec 5 and 6.7).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from tasker_ctl.executor.invoke import Invoker

_METADATA_DEFAULTS: dict[str, Any] = {
    "execution_time_ms": 0,
    "handler_version": None,
    "retryable": False,
    "completed_at": None,
    "worker_id": None,
    "worker_hostname": None,
    "started_at": None,
    "custom": {},
    "error_code": None,
    "error_type": None,
    "context": {},
}


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A checkpoint yield: the step is re-dispatched, not completed."""

    cursor: Any
    items_processed: Any
    accumulated_results: Any


@dataclass(frozen=True, slots=True)
class Completion:
    """A submitted completion in the persisted shape (JSON-safe by construction)."""

    entry: dict[str, Any]
    serialization_error: str | None = None
    converted: bool = False

    @property
    def success(self) -> bool:
        """Whether the step succeeded (``success`` of the persisted result)."""
        return bool(self.entry["success"])

    @property
    def retryable(self) -> bool:
        """``metadata.retryable``: the only flag orchestration reads after a failure."""
        return bool(self.entry["metadata"].get("retryable"))


_second: list[Any] = [None, ""]


def now_iso() -> str:
    """The current UTC time as Rust's chrono serializes it (microseconds, ``Z``)."""
    now = time.time()
    whole = int(now)
    if whole != _second[0]:
        _second[0] = whole
        _second[1] = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole))
    return f"{_second[1]}.{int((now - whole) * 1_000_000):06d}Z"


_STRICT_JSON = json.JSONEncoder(allow_nan=False)


def submit(
    invoker: Invoker, event: Any, handler_result: Any, uuids: tuple[UUID, UUID, UUID]
) -> Checkpoint | Completion:
    """Turn a ``StepHandlerResult`` into what the worker would submit.

    ``handler_result`` must be a ``StepHandlerResult`` (the caller handles
    handlers that return anything else); ``uuids`` are the step, task and
    correlation UUIDs of ``event``.
    """
    metadata = handler_result.metadata
    if metadata.get("checkpoint_yield") is True:
        data = handler_result.result or {}
        return Checkpoint(
            cursor=data.get("cursor"),
            items_processed=data.get("items_processed", 0),
            accumulated_results=data.get("accumulated_results"),
        )
    sdk = invoker.sdk
    step_uuid, task_uuid, correlation_id = uuids
    if handler_result.is_success:
        result = sdk.StepExecutionResult.success_result(
            step_uuid=step_uuid,
            task_uuid=task_uuid,
            result=handler_result.result or {},
            execution_time_ms=0,
            worker_id=invoker.subscriber.worker_id,
            correlation_id=correlation_id,
            metadata=metadata,
        )
    else:
        error = sdk.StepError(
            error_type=handler_result.error_type or "unknown",
            message=handler_result.error_message or "Unknown error",
            retryable=handler_result.retryable,
            metadata=metadata,
        )
        result = sdk.StepExecutionResult.failure_result(
            step_uuid=step_uuid,
            task_uuid=task_uuid,
            error=error,
            execution_time_ms=0,
            worker_id=invoker.subscriber.worker_id,
            correlation_id=correlation_id,
            metadata={**(metadata or {}), "retryable": handler_result.retryable},
        )
    serialization_error = None
    try:
        entry = persisted_shape(result.model_dump(mode="json"))
    except Exception as exc:
        serialization_error = str(exc)
        dumped = invoker.subscriber._build_ffi_safe_failure(event, handler_result, exc)
        entry = json.loads(json.dumps(persisted_shape(dumped), default=str))
    converted = False
    if serialization_error is None and handler_result.is_success and handler_result.result:
        try:
            _STRICT_JSON.encode(handler_result.result)
        except (TypeError, ValueError):
            converted = True
    return Completion(entry, serialization_error, converted)


def persisted_shape(dumped: dict[str, Any]) -> dict[str, Any]:
    """Normalize a Python ``StepExecutionResult`` dump to what Rust stores."""
    metadata = dumped.get("metadata") or {}
    kept = {key: metadata.get(key, default) for key, default in _METADATA_DEFAULTS.items()}
    if kept["completed_at"] is None:
        kept["completed_at"] = now_iso()
    error = dumped.get("error")
    return {
        "step_uuid": str(dumped.get("step_uuid")),
        "success": bool(dumped.get("success")),
        "result": dumped.get("result"),
        "metadata": kept,
        "status": dumped.get("status"),
        "error": None
        if not error
        else {
            "message": error.get("message"),
            "error_type": error.get("error_type"),
            "backtrace": None,
            "retryable": bool(error.get("retryable", False)),
        },
        "orchestration_metadata": None,
    }
