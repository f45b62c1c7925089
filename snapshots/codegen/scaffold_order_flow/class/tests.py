"""Tests for the generated step handlers of order_flow, with real SDK objects.

Each test builds the StepContext the worker would pass, with schema-shaped
dependency results, calls the handler and checks its result against the models.
"""

from __future__ import annotations

import uuid
from typing import Any

from tasker_core import StepContext, StepHandler, StepHandlerResult
from tasker_core.types import FfiStepEvent

from . import handlers
from .models import (
    ExpressResult,
    FinishResult,
    PriceResult,
    ProcessLinesResult,
    StockResult,
    ValidateOrderResult,
)

INPUT: dict[str, Any] = {
    "order_id": "example",
}
SAMPLE_RESULTS: dict[str, Any] = {
    "validate_order": {
        "orderId": "example",
        "total": 1.0,
        "lines": [
            {
                "sku": "example",
                "qty": 1,
            },
        ],
        "tier": "gold",
    },
    "price": {
        "amount": 1.0,
    },
    "stock": {
        "available": True,
    },
    "process_lines": {
        "items_processed": 1,
    },
    "express": {
        "carrier": "example",
    },
}


def make_context(
    input_data: dict[str, Any] | None = None,
    dependency_results: dict[str, Any] | None = None,
    *,
    step_inputs: dict[str, Any] | None = None,
) -> StepContext:
    """The StepContext the worker builds, from a task_sequence_step payload."""
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
                "attempts": 0,
                "max_attempts": 3,
                "inputs": step_inputs or {},
            },
            "dependency_results": dependency_results or {},
            "step_definition": {"handler": {"callable": "test", "initialization": {}}},
        },
    )
    return StepContext.from_ffi_event(event, "test")


def completed(result: Any) -> dict[str, Any]:
    """A dependency result as the worker stores it for a completed step."""
    return {"success": True, "status": "completed", "result": result}


def call(handler: type[StepHandler], context: StepContext) -> dict[str, Any]:
    """Run a handler as the worker does; return its result, failing on an error."""
    outcome = handler().call(context)
    assert isinstance(outcome, StepHandlerResult)
    assert outcome.is_success, outcome.error_message
    assert outcome.result is not None
    return dict(outcome.result)


def worker_inputs(batch_id: str, start: int, end: int) -> dict[str, Any]:
    """The step inputs the orchestrator gives one batch worker."""
    return {
        "cursor": {
            "batch_id": batch_id,
            "start_cursor": start,
            "end_cursor": end,
            "batch_size": end - start,
        },
        "batch_metadata": {"failure_strategy": "continue_on_failure"},
        "is_no_op": False,
    }


def test_validate_order() -> None:
    """'validate_order' returns a result its schema accepts."""
    handler = handlers.ValidateOrderHandler
    assert handler.handler_name == "shop.validate_order"
    deps: dict[str, Any] = {}
    result = call(handler, make_context(INPUT, deps))
    ValidateOrderResult.model_validate(result)


def test_price() -> None:
    """'price' returns a result its schema accepts."""
    handler = handlers.PriceHandler
    assert handler.handler_name == "shop.price"
    deps: dict[str, Any] = {
        "validate_order": completed(SAMPLE_RESULTS["validate_order"]),
    }
    result = call(handler, make_context(INPUT, deps))
    PriceResult.model_validate(result)


def test_stock() -> None:
    """'stock' returns a result its schema accepts."""
    handler = handlers.StockHandler
    assert handler.handler_name == "shop.stock"
    deps: dict[str, Any] = {
        "validate_order": completed(SAMPLE_RESULTS["validate_order"]),
    }
    result = call(handler, make_context(INPUT, deps))
    StockResult.model_validate(result)


def test_route_order() -> None:
    """'route_order' routes only to steps it may create."""
    handler = handlers.RouteOrderHandler
    assert handler.handler_name == "shop.route_order"
    deps: dict[str, Any] = {
        "price": completed(SAMPLE_RESULTS["price"]),
        "stock": completed(SAMPLE_RESULTS["stock"]),
    }
    result = call(handler, make_context(INPUT, deps))
    outcome = result["decision_point_outcome"]
    allowed: set[str] = {"express", "split_lines"}
    assert set(outcome.get("step_names") or []) <= allowed


def test_express() -> None:
    """'express' returns a result its schema accepts."""
    handler = handlers.ExpressHandler
    assert handler.handler_name == "shop.express"
    deps: dict[str, Any] = {
        "route_order": completed({}),
    }
    result = call(handler, make_context(INPUT, deps))
    ExpressResult.model_validate(result)


def test_split_lines() -> None:
    """'split_lines' splits the work into two cursor ranges."""
    handler = handlers.SplitLinesHandler
    assert handler.handler_name == "shop.split_lines"
    deps: dict[str, Any] = {
        "route_order": completed({}),
    }
    result = call(handler, make_context(INPUT, deps))
    outcome = result["batch_processing_outcome"]
    assert outcome["type"] == "create_batches"
    assert len(outcome["cursor_configs"]) == 2


def test_process_lines() -> None:
    """'process_lines' returns a result its schema accepts."""
    handler = handlers.ProcessLinesHandler
    assert handler.handler_name == "shop.process_lines"
    deps: dict[str, Any] = {
        "split_lines": completed({}),
    }
    result = call(
        handler, make_context(INPUT, deps, step_inputs=worker_inputs("001", 0, 10))
    )
    ProcessLinesResult.model_validate(result)


def test_sum_lines() -> None:
    """'sum_lines' returns a result its schema accepts."""
    handler = handlers.SumLinesHandler
    assert handler.handler_name == "shop.sum_lines"
    analyzed = call(handlers.SplitLinesHandler, make_context(INPUT))
    deps: dict[str, Any] = {"split_lines": completed(analyzed)}
    for config in analyzed["batch_processing_outcome"]["cursor_configs"]:
        inputs = worker_inputs(
            config["batch_id"], config["start_cursor"], config["end_cursor"]
        )
        worker = call(
            handlers.ProcessLinesHandler, make_context(INPUT, step_inputs=inputs)
        )
        deps[f"process_lines_{config['batch_id']}"] = completed(worker)
    result = call(handler, make_context(INPUT, deps))
    assert result["no_batches"] is False


def test_finish() -> None:
    """'finish' returns a result its schema accepts."""
    handler = handlers.FinishHandler
    assert handler.handler_name == "shop.finish"
    deps: dict[str, Any] = {
        "express": completed(SAMPLE_RESULTS["express"]),
        "split_lines": completed({}),
    }
    result = call(handler, make_context(INPUT, deps))
    FinishResult.model_validate(result)
