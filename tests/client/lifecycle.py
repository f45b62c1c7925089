"""A task's lifecycle on the fake orchestration server, in the API's documented shapes.

:func:`play` makes a :class:`~tests.client.fake_server.FakeTasker` answer ``POST
/v1/tasks`` with the task's first phase and each later ``GET /v1/tasks/{uuid}`` with
the next phase (the last one repeats), and ``GET .../workflow_steps`` with the final
steps. Every document is a ``TaskResponse`` / ``StepResponse`` as upstream's OpenAPI
document defines them (``test_lifecycle_documents_match_the_openapi_document``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.client.fake_server import NOW, FakeTasker, Reply

LIFE_TASK = "0190f3a4-8c1e-7b2a-9d4e-5f6a7b8c9e00"


@dataclass(frozen=True)
class StepState:
    name: str
    state: str
    attempts: int
    results: Any = None


def step_uuid(index: int) -> str:
    return f"0190f3a4-8c1e-7b2a-9d4e-5f6a7b8c9f{index:02x}"


def task_doc(
    status: str,
    steps: list[StepState],
    *,
    namespace: str = "banking",
    name: str = "customer_onboarding",
    version: str = "1.0.0",
    context: Any = None,
) -> dict[str, Any]:
    done = sum(1 for s in steps if s.state == "complete")
    failed = sum(1 for s in steps if s.state == "error")
    running = sum(1 for s in steps if s.state in ("in_progress", "enqueued"))
    return {
        "task_uuid": LIFE_TASK,
        "name": name,
        "namespace": namespace,
        "version": version,
        "status": status,
        "created_at": NOW,
        "updated_at": NOW,
        "completed_at": NOW if status in ("complete", "error") else None,
        "context": context if context is not None else {"applicant_id": "APP-7781"},
        "initiator": "tasker-ctl",
        "source_system": "cli",
        "reason": "CLI task creation",
        "correlation_id": "0190f3a4-8c1e-7b2a-9d4e-5f6a7b8c9dcc",
        "total_steps": len(steps),
        "pending_steps": len(steps) - done - failed - running,
        "in_progress_steps": running,
        "completed_steps": done,
        "failed_steps": failed,
        "ready_steps": 0,
        "execution_status": "all_complete" if status == "complete" else "processing",
        "recommended_action": "none",
        "completion_percentage": 100.0 * done / len(steps) if steps else 0.0,
        "health_status": "healthy" if not failed else "blocked",
        "priority": 5,
        "steps": [
            {
                "workflow_step_uuid": step_uuid(i),
                "task_uuid": LIFE_TASK,
                "named_step_uuid": step_uuid(0x80 + i),
                "name": s.name,
                "current_state": s.state,
                "dependencies_satisfied": True,
                "retry_eligible": s.state == "waiting_for_retry",
                "ready_for_execution": False,
                "total_parents": 0,
                "completed_parents": 0,
                "attempts": s.attempts,
                "max_attempts": 3,
                "next_retry_at": None,
            }
            for i, s in enumerate(steps)
        ],
    }


def step_doc(index: int, step: StepState) -> dict[str, Any]:
    return {
        "step_uuid": step_uuid(index),
        "task_uuid": LIFE_TASK,
        "name": step.name,
        "created_at": NOW,
        "updated_at": NOW,
        "current_state": step.state,
        "dependencies_satisfied": True,
        "retry_eligible": False,
        "ready_for_execution": False,
        "total_parents": 0,
        "completed_parents": 0,
        "attempts": step.attempts,
        "max_attempts": 3,
        "last_failure_at": NOW if step.state == "error" else None,
        "next_retry_at": None,
        "results": step.results,
    }


def execution_result(result: Any, *, success: bool = True) -> dict[str, Any]:
    """What a worker stores as a step's results: the full execution result."""
    return {
        "step_uuid": "0190f3a4-8c1e-7b2a-9d4e-5f6a7b8c9d00",
        "success": success,
        "result": result,
        "status": "completed" if success else "error",
        "metadata": {"execution_time_ms": 12, "worker_id": "worker-py-1", "retryable": True},
        "error": None if success else {"message": "bureau unavailable", "error_type": "X"},
    }


def play(fake: FakeTasker, phases: list[dict[str, Any]], final_steps: list[StepState]) -> None:
    """Serve ``phases`` (POST answers the first) and the final steps."""
    fake.reply("POST", "/v1/tasks", Reply(201, phases[0]))
    later = phases[1:] or phases
    fake.reply("GET", f"/v1/tasks/{LIFE_TASK}", *[Reply(200, p) for p in later])
    fake.reply(
        "GET",
        f"/v1/tasks/{LIFE_TASK}/workflow_steps",
        Reply(200, [step_doc(i, s) for i, s in enumerate(final_steps)]),
    )


DIAMOND = ("load_applicant", "verify_identity", "check_credit", "approve_account")

DIAMOND_RESULTS: dict[str, Any] = {
    "load_applicant": {
        "applicant_id": "APP-7781",
        "full_name": "Grace Hopper",
        "country": "US",
        "annual_income": 184000,
        "document": {"type": "passport", "number": "X1234567"},
    },
    "verify_identity": {"verified": True, "method": "passport", "confidence": 0.97},
    "check_credit": {"bureau": "Experian", "score": 684, "band": "near-prime"},
    "approve_account": {
        "applicant": "Grace Hopper",
        "approved": True,
        "credit_limit": 1500,
        "reasons": [],
    },
}


def diamond_phases(end: str = "complete") -> tuple[list[dict[str, Any]], list[StepState]]:
    """pending -> steps_in_process (steps pending -> in_progress -> complete) -> ``end``."""
    pending = [StepState(n, "pending", 0) for n in DIAMOND]
    first = [StepState(DIAMOND[0], "in_progress", 1), *pending[1:]]
    second = [
        StepState(DIAMOND[0], "complete", 1),
        StepState(DIAMOND[1], "in_progress", 1),
        StepState(DIAMOND[2], "in_progress", 1),
        pending[3],
    ]
    if end == "complete":
        final = [StepState(n, "complete", 1, execution_result(DIAMOND_RESULTS[n])) for n in DIAMOND]
    else:
        final = [
            StepState(DIAMOND[0], "complete", 1, execution_result(DIAMOND_RESULTS[DIAMOND[0]])),
            StepState(DIAMOND[1], "complete", 1, execution_result(DIAMOND_RESULTS[DIAMOND[1]])),
            StepState(DIAMOND[2], "error", 3, execution_result(None, success=False)),
        ]
    phases = [
        task_doc("pending", pending),
        task_doc("steps_in_process", first),
        task_doc("steps_in_process", second),
        task_doc(end, final),
    ]
    return phases, final
