"""Tests for the ProcessOrder step handler, using real tasker_core objects.

Run them from the project root with ``python -m pytest tests`` (or set
``pythonpath = ["."]`` in the pytest configuration) so that the
``handlers`` package can be imported.
"""

from __future__ import annotations

import uuid
from typing import Any

from tasker_core import StepContext, StepHandlerResult
from tasker_core.types import FfiStepEvent

from handlers import process_order_handler as handler_module

HANDLER = handler_module.ProcessOrderHandler


def make_context(
    input_data: dict[str, Any] | None = None,
    dependency_results: dict[str, Any] | None = None,
    *,
    step_inputs: dict[str, Any] | None = None,
    attempts: int = 0,
) -> StepContext:
    """Build the StepContext the worker passes, from a task_sequence_step payload."""
    task_uuid, step_uuid = str(uuid.uuid4()), str(uuid.uuid4())
    event = FfiStepEvent(
        event_id=str(uuid.uuid4()),
        task_uuid=task_uuid,
        step_uuid=step_uuid,
        correlation_id=str(uuid.uuid4()),
        task_sequence_step={
            "task": {"task": {"task_uuid": task_uuid, "context": input_data or {}}},
            "workflow_step": {
                "workflow_step_uuid": step_uuid,
                "attempts": attempts,
                "max_attempts": 3,
                "inputs": step_inputs or {},
            },
            "dependency_results": dependency_results or {},
            "step_definition": {"handler": {"callable": "test", "initialization": {}}},
        },
    )
    return StepContext.from_ffi_event(event, "test")


def completed(result: dict[str, Any]) -> dict[str, Any]:
    """A dependency result as the worker stores it for a completed step."""
    return {"success": True, "status": "completed", "result": result}


def call(context: StepContext) -> StepHandlerResult:
    """Run the handler the way the worker does: instantiate its class, call it."""
    return HANDLER().call(context)


def test_registers_under_its_callable_name() -> None:
    # A class registers under its import path (module and class name).
    assert HANDLER.handler_name == f"{HANDLER.__module__}.{HANDLER.__name__}"


def test_returns_the_task_input() -> None:
    result = call(make_context({"input_value": "test_value"}))
    assert result.is_success
    assert result.result is not None
    assert result.result["processed"] is True
    assert result.result["input_received"] == "test_value"
    assert result.result["had_previous_result"] is False


def test_sees_the_previous_step_result() -> None:
    deps = {"previous_step": completed({"value": 42})}
    result = call(make_context({"input_value": 1}, deps))
    assert result.is_success
    assert result.result is not None
    assert result.result["had_previous_result"] is True


def test_reports_the_attempt_number_on_a_retry() -> None:
    result = call(make_context({}, attempts=1))
    assert result.result is not None
    assert result.result["attempt"] == 2
