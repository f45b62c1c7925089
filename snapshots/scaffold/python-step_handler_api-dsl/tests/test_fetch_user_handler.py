"""Tests for the FetchUser API handler, using a mocked HTTP server.

Run them from the project root with ``python -m pytest tests`` (or set
``pythonpath = ["."]`` in the pytest configuration) so that the
``handlers`` package can be imported.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
from tasker_core import StepContext, StepHandlerResult
from tasker_core.types import FfiStepEvent

from handlers import fetch_user_handler as handler_module

HANDLER = handler_module.fetch_user._handler_class
"""The handler class the DSL built; the worker instantiates it for each step."""


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


def call_with(
    responder: Callable[[httpx.Request], httpx.Response], endpoint: str = "/users/1"
) -> StepHandlerResult:
    """Run the handler with its HTTP client answered by ``responder``."""
    handler = HANDLER()
    handler._client = httpx.Client(
        base_url=HANDLER.base_url, transport=httpx.MockTransport(responder)
    )
    return handler.call(make_context({"endpoint": endpoint}))


def test_registers_under_its_callable_name() -> None:
    assert HANDLER.handler_name == handler_module.CALLABLE


def test_success_returns_the_json_body() -> None:
    seen: list[str] = []

    def responder(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return httpx.Response(200, json={"id": 1, "name": "Ada"})

    result = call_with(responder)
    assert result.is_success
    assert result.result == {"id": 1, "name": "Ada"}
    assert seen == ["/users/1"]


def test_server_error_is_retryable() -> None:
    result = call_with(lambda request: httpx.Response(503, json={"error": "busy"}))
    assert not result.is_success
    assert result.retryable is True


def test_not_found_is_permanent() -> None:
    result = call_with(lambda request: httpx.Response(404, json={"error": "missing"}))
    assert not result.is_success
    assert result.retryable is False


def test_connection_error_is_retryable() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    result = call_with(refuse)
    assert not result.is_success
    assert result.retryable is True
    assert result.error_type == "connection_error"
