"""Tests for the RouteOrder decision handler, using real tasker_core objects.

Run them from the project root with ``python -m pytest tests`` (or set
``pythonpath = ["."]`` in the pytest configuration) so that the
``handlers`` package can be imported.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from tasker_core import StepContext, StepHandlerResult
from tasker_core.types import FfiStepEvent

from handlers import route_order_handler as handler_module

HANDLER = handler_module.RouteOrderHandler


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


def decide(route_key: str | None) -> dict[str, Any]:
    """Run the handler and return its ``decision_point_outcome``."""
    result: StepHandlerResult = HANDLER().call(make_context({"route_key": route_key}))
    assert result.is_success, result.error_message
    assert result.result is not None
    outcome: dict[str, Any] = result.result["decision_point_outcome"]
    return outcome


def test_registers_under_its_callable_name() -> None:
    # A class registers under its import path (module and class name).
    assert HANDLER.handler_name == f"{HANDLER.__module__}.{HANDLER.__name__}"


@pytest.mark.parametrize(
    ("route_key", "steps"),
    [
        ("fast_track", ["fast_track_processing"]),
        ("review", ["manual_review"]),
        ("anything_else", ["standard_processing"]),
        (None, ["standard_processing"]),
    ],
)
def test_routes_to_the_chosen_branch(route_key: str | None, steps: list[str]) -> None:
    outcome = decide(route_key)
    assert outcome["type"] == "create_steps"
    assert outcome["step_names"] == steps


def test_skip_creates_no_branch() -> None:
    assert decide("skip")["type"] == "no_branches"
