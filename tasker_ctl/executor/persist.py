"""What the worker submits and what orchestration stores, for one handler call.

Mirrors ``StepExecutionSubscriber._submit_result`` with the SDK's own types:
a result whose ``metadata.checkpoint_yield`` is ``True`` is a checkpoint, not a
completion; otherwise ``StepExecutionResult.success_result`` /
``failure_result`` (with ``retryable`` copied into the metadata) is dumped with
``model_dump(mode="json")`` and converted as Rust converts it (:mod:`.wire`);
a dump or a conversion that fails becomes the subscriber's own
``_build_ffi_safe_failure`` (a permanent ``FFI_SERIALIZATION_ERROR``).

The dump is then normalized to the shape Rust persists in
``workflow_steps.results`` (unknown metadata keys dropped), which is also what
downstream steps receive as dependency results (``docs/run-semantics.md`` §5, §6.3).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from tasker_ctl.executor.entries import Completion, persisted_shape, retry_after_seconds
from tasker_ctl.executor.invoke import Invoker
from tasker_ctl.executor.wire import ConversionError, check_count, rust_json


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A checkpoint yield: the step is re-dispatched, not completed.

    ``problem`` is set when Rust cannot convert the checkpoint data: the
    subscriber's FFI call raises, and the step is never completed.
    """

    cursor: Any
    items_processed: int
    accumulated_results: Any
    problem: ConversionError | None = None


_STRICT_JSON = json.JSONEncoder(allow_nan=False)


def submit(
    invoker: Invoker, event: Any, handler_result: Any, uuids: tuple[UUID, UUID, UUID]
) -> Checkpoint | Completion:
    """Turn a ``StepHandlerResult`` into what the worker would submit.

    ``handler_result`` must be a ``StepHandlerResult`` (the caller handles
    handlers that return anything else); ``uuids`` are the step, task and
    correlation UUIDs of ``event``.
    """
    if handler_result.metadata.get("checkpoint_yield") is True:
        return _checkpoint(handler_result.result or {})
    return complete(invoker, event, handler_result, uuids)


def complete(
    invoker: Invoker, event: Any, handler_result: Any, uuids: tuple[UUID, UUID, UUID]
) -> Completion:
    """The completion the worker submits for ``handler_result`` (never a checkpoint)."""
    metadata = handler_result.metadata
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
        entry = _converted(persisted_shape(result.model_dump(mode="json")))
    except ConversionError as exc:
        # pythonize rejects it: the FFI call raises and the subscriber falls back
        serialization_error = f"{exc}{_hint(exc.reason)}"
        raised = ValueError(exc.rust_message("completion", "StepExecutionResult"))
        entry = _fallback(invoker, event, handler_result, raised)
    except Exception as exc:  # pydantic could not dump it
        serialization_error = str(exc)
        entry = _fallback(invoker, event, handler_result, exc)
    converted = False
    if serialization_error is None and handler_result.is_success and handler_result.result:
        try:
            _STRICT_JSON.encode(handler_result.result)
        except (TypeError, ValueError):
            converted = True
    retry_after = None if handler_result.is_success else retry_after_seconds(metadata)
    return Completion(entry, serialization_error, converted, retry_after)


def _checkpoint(data: dict[str, Any]) -> Checkpoint:
    """The data ``_submit_checkpoint_yield`` hands to Rust, as Rust converts it."""
    try:
        return Checkpoint(
            cursor=rust_json(data.get("cursor"), "cursor"),
            items_processed=check_count(data.get("items_processed", 0), "items_processed"),
            accumulated_results=rust_json(data.get("accumulated_results"), "accumulated_results"),
        )
    except ConversionError as exc:
        return Checkpoint(None, 0, None, problem=exc)


def _converted(entry: dict[str, Any]) -> dict[str, Any]:
    """``entry`` after Rust's conversion of the parts it keeps (see :mod:`.wire`)."""
    entry["result"] = rust_json(entry["result"], "result")
    metadata = entry["metadata"]
    for key in ("custom", "context"):
        if metadata[key]:
            metadata[key] = rust_json(metadata[key], f"metadata.{key}")
    if entry["error"] is not None:
        entry["error"] = rust_json(entry["error"], "error")
    return entry


def _hint(reason: str) -> str:
    if reason == "JSON number out of range":
        return "; Rust keeps integers in 64 bits (-2**63 to 2**64-1), return larger ones as strings"
    return ""


def _fallback(invoker: Invoker, event: Any, handler_result: Any, exc: Exception) -> dict[str, Any]:
    """The subscriber's own permanent ``FFI_SERIALIZATION_ERROR`` failure, persisted."""
    dumped = invoker.subscriber._build_ffi_safe_failure(event, handler_result, exc)
    converted: dict[str, Any] = json.loads(json.dumps(persisted_shape(dumped), default=str))
    return converted
