"""Persisted step results (``workflow_steps.results``), built without the SDK.

The worker dumps the SDK's ``StepExecutionResult`` and normalizes it with
:func:`persisted_shape`; the orchestrator builds the failures it makes up
itself (timeouts, a worker that died, a handler that returned no result) with
:func:`failure_entry`, in the very same shape, so it never needs to import
``tasker_core``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

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

_second: list[Any] = [None, ""]


def now_iso() -> str:
    """The current UTC time as Rust's chrono serializes it (microseconds, ``Z``)."""
    now = time.time()
    whole = int(now)
    if whole != _second[0]:
        _second[0] = whole
        _second[1] = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole))
    return f"{_second[1]}.{int((now - whole) * 1_000_000):06d}Z"


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


def failure_entry(
    step_uuid: str, message: str, error_type: str, *, retryable: bool
) -> dict[str, Any]:
    """What the worker persists for ``StepHandlerResult.failure(message, error_type, retryable)``.

    Equal to the SDK's own dump through :func:`persisted_shape` (a test keeps them equal).
    """
    return persisted_shape(
        {
            "step_uuid": step_uuid,
            "success": False,
            "status": "retryable_error" if retryable else "permanent_error",
            "result": None,
            "error": {"error_type": error_type, "message": message, "retryable": retryable},
            "metadata": {"retryable": retryable},
        }
    )


@dataclass(frozen=True, slots=True)
class Completion:
    """A submitted completion in the persisted shape (JSON-safe by construction)."""

    entry: dict[str, Any]
    serialization_error: str | None = None
    converted: bool = False
    retry_after_s: float | None = None
    """The delay a failed handler asked for (dropped by Rust, kept here to report it)."""

    @property
    def success(self) -> bool:
        """Whether the step succeeded (``success`` of the persisted result)."""
        return bool(self.entry["success"])

    @property
    def retryable(self) -> bool:
        """``metadata.retryable``: the only flag orchestration reads after a failure."""
        return bool(self.entry["metadata"].get("retryable"))


def retry_after_seconds(metadata: dict[str, object]) -> float | None:
    """The delay a failed handler asked for (``retry_after`` or ``retry_after_seconds``)."""
    for key in ("retry_after", "retry_after_seconds"):
        value = metadata.get(key)
        if isinstance(value, bool):
            continue
        if isinstance(value, int | float) and math.isfinite(value):
            return float(value)
    return None
