"""Running workflows with the real SDK: readiness, payloads, dependency results, attempts."""

from __future__ import annotations

from typing import Any

import pytest

from tasker_ctl.executor import StepState, TaskState
from tasker_ctl.executor.events import StepTransition, TaskTransition
from tests.executor.conftest import Recorder, Run, step

pytestmark = pytest.mark.sdk


def by_step(seen: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [s for s in seen if s["step"] == name]


def test_linear_chain_completes_and_each_step_sees_all_ancestors(
    run: Run, style: str, seen: list[dict[str, Any]]
) -> None:
    result = run(
        [
            step("a", style, config={"result": {"value": 1}}),
            step("b", style, ("a",)),
            step("c", style, ("b",)),
            step("d", style, ("c",)),
        ],
        {"order": 7},
    )
    assert result.status is TaskState.COMPLETE and result.complete
    assert [s.status for s in result.steps] == [StepState.COMPLETE] * 4
    assert result.step("a").result == {"step": "a", "attempt": 1, "value": 1}
    last = by_step(seen, "d")[0]
    # all completed ancestors, not only the parent, in the persisted shape
    assert sorted(last["dependencies"]) == ["a", "b", "c"]
    entry = last["dependencies"]["a"]
    assert entry["result"] == {"step": "a", "attempt": 1, "value": 1}
    assert entry["success"] is True and entry["status"] == "completed"
    assert set(entry) == {
        "step_uuid", "success", "result", "metadata", "status", "error", "orchestration_metadata"
    }  # fmt: skip
    assert entry["metadata"]["execution_time_ms"] == 0 and entry["metadata"]["worker_id"] is None
    assert last["input"] == {"order": 7}
    assert by_step(seen, "a")[0]["dependencies"] == {}


def test_diamond_join_waits_for_both_branches_in_creation_order(
    run: Run, style: str, seen: list[dict[str, Any]]
) -> None:
    result = run(
        [
            step("top", style),
            step("left", style, ("top",)),
            step("right", style, ("top",)),
            step("join", style, ("left", "right")),
        ]
    )
    assert result.complete
    assert [s["step"] for s in seen] == ["top", "left", "right", "join"]
    assert sorted(by_step(seen, "join")[0]["dependencies"]) == ["left", "right", "top"]
    assert result.step("join").parents == ("left", "right")


def test_handler_mutations_never_leak(run: Run, style: str, seen: list[dict[str, Any]]) -> None:
    result = run(
        [
            step("a", style, config={"result": {"items": [1]}}),
            step("b", style, ("a",), config={"mutate": True, "fail_until": 1}),
            step("c", style, ("b",)),
        ],
        {"shared": [1, 2]},
    )
    assert result.complete
    _first, retry = by_step(seen, "b")
    assert "mutated" not in retry["dependencies"]["a"]["result"]  # a fresh copy per call
    assert "mutated" not in retry["input"] and "mutated" not in retry["config"]
    later = by_step(seen, "c")[0]
    assert "mutated" not in later["dependencies"]["a"]["result"]
    assert later["input"] == {"shared": [1, 2]}
    assert result.step("a").result["items"] == [1]


def test_attempts_count_like_the_worker(run: Run, style: str, seen: list[dict[str, Any]]) -> None:
    result = run([step("flaky", style, config={"fail_until": 2}, retry={"max_attempts": 3})])
    assert result.complete
    calls = by_step(seen, "flaky")
    # the handler sees the count from before the claim: 0, 1, 2
    assert [c["retry_count"] for c in calls] == [0, 1, 2]
    assert [c["attempts_in_payload"] for c in calls] == [0, 1, 2]
    assert [c["max_retries"] for c in calls] == [3, 3, 3]
    assert [c["is_last_retry"] for c in calls] == [False, False, True]
    assert result.step("flaky").attempts == 3
    # a retried step still carries its previous failure in workflow_step.results
    assert calls[0]["previous_results"] is None
    assert calls[1]["previous_results"]["error"]["message"] == "not yet (attempt 1)"


def test_state_machines_are_followed(run: Run, style: str) -> None:
    recorder = Recorder()
    result = run(
        [step("a", style, config={"fail_until": 1}), step("b", style, ("a",))],
        observers=(recorder,),
    )
    assert result.complete
    a_moves = [(e.from_state, e.to_state) for e in recorder.of(StepTransition) if e.step == "a"]
    assert a_moves == [
        ("pending", "enqueued"),
        ("enqueued", "in_progress"),
        ("in_progress", "enqueued_as_error_for_orchestration"),
        ("enqueued_as_error_for_orchestration", "waiting_for_retry"),
        ("waiting_for_retry", "pending"),
        ("pending", "enqueued"),
        ("enqueued", "in_progress"),
        ("in_progress", "enqueued_for_orchestration"),
        ("enqueued_for_orchestration", "complete"),
    ]
    task_states = [e.to_state for e in recorder.of(TaskTransition)]
    assert task_states[:3] == ["initializing", "enqueuing_steps", "steps_in_process"]
    assert "waiting_for_dependencies" in task_states  # while the retry waits (virtual clock)
    assert task_states[-1] == "complete"


def test_step_inputs_config_and_definition_reach_the_handler(
    run: Run, style: str, seen: list[dict[str, Any]]
) -> None:
    result = run([step("a", style, config={"threshold": 5}, timeout_seconds=9)])
    assert result.complete
    call = seen[0]
    assert call["config"] == {"threshold": 5}
    assert call["step_inputs"] == {"threshold": 5}  # workflow_step.inputs = initialization
    assert call["definition_name"] == "a"
    assert call["handler"] == style


def test_empty_template_completes_at_once(run: Run) -> None:
    result = run([])
    assert result.status is TaskState.COMPLETE and result.steps == ()


def test_production_environment_overrides_reach_handlers_only(
    run: Run, style: str, seen: list[dict[str, Any]]
) -> None:
    environments = {
        "production": {
            "steps": [
                {"name": "a", "handler": {"initialization": {"endpoint": "prod", "extra": 1}}},
                {"name": "ALL", "timeout_seconds": 7},
                {"name": "not_a_step", "handler": {"initialization": {"x": 1}}},
            ]
        },
        "test": {"steps": [{"name": "a", "handler": {"initialization": {"endpoint": "test"}}}]},
    }
    result = run(
        [step("a", style, config={"endpoint": "dev", "keep": True})],
        template_extra={"environments": environments},
    )
    assert result.complete
    call = seen[0]
    # the worker's template cache resolves "production" (shallow merge); "test" is dead config
    assert call["config"] == {"endpoint": "prod", "keep": True, "extra": 1}
    # orchestration creates the step from the unresolved template
    assert call["step_inputs"] == {"endpoint": "dev", "keep": True}


def test_max_attempts_zero_still_runs_once(
    run: Run, style: str, seen: list[dict[str, Any]]
) -> None:
    result = run([step("once", style, config={"fail": "retryable"}, retry={"max_attempts": 0})])
    once = result.step("once")
    # the first attempt is always allowed; a retryable failure then exhausts it
    assert once.status is StepState.ERROR and once.attempts == 1 and once.backoff_ms == ()
    assert result.status is TaskState.BLOCKED_BY_FAILURES
    # the SDK turns max_attempts 0 into max_retries 3 in the handler's context
    assert [c["max_retries"] for c in seen] == [3]
