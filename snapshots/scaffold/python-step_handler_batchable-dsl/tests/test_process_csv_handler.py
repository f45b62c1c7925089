"""Tests for the ProcessCsv batch handlers, using real tasker_core objects.

Run them from the project root with ``python -m pytest tests`` (or set
``pythonpath = ["."]`` in the pytest configuration) so that the
``handlers`` package can be imported.
"""

from __future__ import annotations

import uuid
from typing import Any

from tasker_core import StepContext, StepHandlerResult
from tasker_core.types import FfiStepEvent

from handlers import process_csv_handler as handler_module

# The handler classes the DSL built; the worker instantiates one for each step.
ANALYZER_HANDLER = handler_module.process_csv_analyzer._handler_class
WORKER_HANDLER = handler_module.process_csv_worker._handler_class
AGGREGATOR_HANDLER = handler_module.process_csv_aggregator._handler_class


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


def worker_inputs(
    batch_id: str, start: int, end: int, *, no_op: bool = False
) -> dict[str, Any]:
    """The step inputs the orchestrator gives a batch worker instance."""
    return {
        "cursor": {
            "batch_id": batch_id,
            "start_cursor": start,
            "end_cursor": end,
            "batch_size": end - start,
        },
        "batch_metadata": {
            "cursor_field": "item_index",
            "failure_strategy": "continue_on_failure",
        },
        "is_no_op": no_op,
    }


def analyze(total_items: Any) -> StepHandlerResult:
    return ANALYZER_HANDLER().call(make_context({"total_items": total_items}))


def test_handlers_register_under_their_callable_names() -> None:
    assert ANALYZER_HANDLER.handler_name == handler_module.ANALYZER
    assert WORKER_HANDLER.handler_name == handler_module.WORKER
    assert AGGREGATOR_HANDLER.handler_name == handler_module.AGGREGATOR


def test_analyzer_splits_the_items_into_cursor_ranges() -> None:
    result = analyze(250)
    assert result.is_success
    assert result.result is not None
    outcome = result.result["batch_processing_outcome"]
    assert outcome["type"] == "create_batches"
    assert outcome["worker_template_name"] == handler_module.WORKER_STEP
    ranges = [(c["start_cursor"], c["end_cursor"]) for c in outcome["cursor_configs"]]
    assert ranges == [(0, 100), (100, 200), (200, 250)]


def test_analyzer_with_no_items_creates_no_batches() -> None:
    result = analyze(0)
    assert result.is_success
    assert result.result is not None
    assert result.result["batch_processing_outcome"]["type"] == "no_batches"


def test_analyzer_rejects_a_count_that_is_not_a_number() -> None:
    result = analyze("many")
    assert not result.is_success
    assert result.retryable is False


def test_worker_processes_its_cursor_range() -> None:
    context = make_context(step_inputs=worker_inputs("002", 100, 200))
    result = WORKER_HANDLER().call(context)
    assert result.is_success
    assert result.result is not None
    assert result.result["items_processed"] == 100


def test_placeholder_worker_does_nothing() -> None:
    context = make_context(step_inputs=worker_inputs("000", 0, 0, no_op=True))
    result = WORKER_HANDLER().call(context)
    assert result.is_success
    assert result.result is not None
    assert result.result["no_op"] is True


def aggregate(dependency_results: dict[str, Any]) -> dict[str, Any]:
    result = AGGREGATOR_HANDLER().call(make_context({}, dependency_results))
    assert result.is_success, result.error_message
    assert result.result is not None
    return result.result


def test_aggregator_sums_the_workers() -> None:
    analyzer_result = analyze(250).result
    assert analyzer_result is not None
    deps = {handler_module.ANALYZE_STEP: completed(analyzer_result)}
    for config in analyzer_result["batch_processing_outcome"]["cursor_configs"]:
        inputs = worker_inputs(
            config["batch_id"], config["start_cursor"], config["end_cursor"]
        )
        worker = WORKER_HANDLER().call(make_context(step_inputs=inputs))
        assert worker.result is not None
        worker_step = f"{handler_module.WORKER_STEP}_{config['batch_id']}"
        deps[worker_step] = completed(worker.result)
    assert aggregate(deps) == {
        "total_processed": 250,
        "worker_count": 3,
        "scenario": "with_batches",
    }


def test_aggregator_handles_the_no_batches_path() -> None:
    analyzer_result = analyze(0).result
    assert analyzer_result is not None
    placeholder = f"{handler_module.WORKER_STEP}_000"
    deps = {
        handler_module.ANALYZE_STEP: completed(analyzer_result),
        placeholder: completed({"items_processed": 0, "no_op": True}),
    }
    assert aggregate(deps)["scenario"] == "no_batches"
