"""Decision points, batches and checkpoint yields, with both handler styles."""

from __future__ import annotations

from typing import Any

import pytest

from tasker_ctl.executor import StepState, TaskState, WarningCode
from tests.executor.conftest import STYLES, Run, step
from tests.executor.test_plan import BATCH_CONFIG

pytestmark = pytest.mark.sdk

DECIDERS = {"cls": "runfx.cls.Decide", "dsl": "runfx.dsl.decide"}
ANALYZERS = {"cls": "runfx.cls.Analyze", "dsl": "runfx.dsl.analyze"}
WORKERS = {"cls": "runfx.cls.Work", "dsl": "runfx.dsl.work"}
AGGREGATORS = {"cls": "runfx.cls.Aggregate", "dsl": "runfx.dsl.aggregate"}


@pytest.fixture(params=["cls", "dsl"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def decision_steps(kind: str) -> list[dict[str, Any]]:
    behave = STYLES[kind]
    return [
        step("validate", behave),
        step("route", DECIDERS[kind], ("validate",), type="decision"),
        step("small", behave, ("route",)),
        step("large", behave, ("route",)),
        step("audit", behave, ("large",)),
        step("finish", behave, ("small", "large"), type="deferred_convergence"),
    ]


def test_decision_creates_only_the_named_branch(
    run: Run, kind: str, seen: list[dict[str, Any]]
) -> None:
    result = run(decision_steps(kind), {"route": ["large"]})
    assert result.complete
    assert [s.name for s in result.steps] == ["validate", "route", "large", "audit", "finish"]
    assert result.not_created == ("small",)
    assert result.step("large").created_by == "route"
    assert result.step("finish").created_by == "route"
    # the convergence step waits only for the branch that exists, and sees everything above
    assert result.step("finish").parents == ("large",)
    finish = next(s for s in seen if s["step"] == "finish")
    assert sorted(finish["dependencies"]) == ["large", "route", "validate"]
    outcome = finish["dependencies"]["route"]["result"]["decision_point_outcome"]
    assert outcome == {"type": "create_steps", "step_names": ["large"]}
    expected_style = {"cls": "class", "dsl": "dsl"}[kind]
    assert finish["dependencies"]["route"]["result"]["routing_context"] == {"style": expected_style}


def test_no_branches_creates_nothing_and_completes(run: Run, kind: str) -> None:
    result = run(decision_steps(kind), {})
    assert result.complete
    assert [s.name for s in result.steps] == ["validate", "route"]
    assert result.not_created == ("small", "large", "audit", "finish")


def test_invalid_decision_target_is_ignored_like_production(run: Run, kind: str) -> None:
    result = run(decision_steps(kind), {"route": ["large", "typo"]})
    assert result.complete  # production ignores the outcome and the task completes
    assert [s.name for s in result.steps] == ["validate", "route"]
    warning = next(w for w in result.warnings if w.code is WarningCode.DECISION_INVALID_TARGET)
    assert warning.step == "route" and "'typo'" in warning.message


def test_decision_outcome_on_a_standard_step_is_ignored(run: Run, kind: str) -> None:
    steps = decision_steps(kind)
    steps[1] = step("route", DECIDERS[kind], ("validate",))  # type: standard
    result = run(steps, {"route": ["large"]})
    assert result.complete
    # without a decision step every standard step exists from the start and runs;
    # the deferred convergence step is never created by anyone
    assert [s.name for s in result.steps] == ["validate", "route", "small", "large", "audit"]
    assert result.not_created == ("finish",)
    assert WarningCode.OUTCOME_IGNORED in {w.code for w in result.warnings}


def test_decision_without_outcome_is_reported(run: Run, kind: str) -> None:
    steps = decision_steps(kind)
    steps[1] = step("route", STYLES[kind], ("validate",), type="decision")
    result = run(steps)
    assert result.complete and len(result.steps) == 2
    assert WarningCode.DECISION_OUTCOME_MISSING in {w.code for w in result.warnings}


def batch_steps(kind: str, **worker: Any) -> list[dict[str, Any]]:
    worker_step = step("work", WORKERS[kind], ("analyze",), type="batch_worker", **worker)
    worker_step.setdefault("batch_config", BATCH_CONFIG)
    return [
        step("analyze", ANALYZERS[kind], type="batchable", config={"worker_template_name": "work"}),
        worker_step,
        step("aggregate", AGGREGATORS[kind], ("work",), type="deferred_convergence"),
    ]


def test_batch_workers_get_cursor_inputs_and_the_aggregator_converges(
    run: Run, kind: str, seen: list[dict[str, Any]]
) -> None:
    result = run(batch_steps(kind), {"total": 25, "size": 10})
    assert result.complete
    assert [s.name for s in result.steps] == [
        "analyze", "work_001", "work_002", "work_003", "aggregate",
    ]  # fmt: skip
    assert {s.created_by for s in result.steps[1:]} == {"analyze"}
    assert result.step("work_002").type == "batch_worker"
    assert result.step("aggregate").parents == ("work_001", "work_002", "work_003")
    assert result.step("aggregate").result == {
        "no_batches": False,
        "workers": 3,
        "sum": sum(range(25)),
    }
    second = next(s for s in seen if s["step"] == "work_002")
    assert second["template_step"] == "work" and second["definition_name"] == "work"
    assert second["step_inputs"] == {
        "cursor": {"batch_id": "002", "start_cursor": 10, "end_cursor": 20, "batch_size": 10},
        "batch_metadata": {"cursor_field": "id", "failure_strategy": "fail_fast"},
        "is_no_op": False,
        "__template_step_name": "work",
    }
    aggregate = next(s for s in seen if s["step"] == "aggregate")
    assert sorted(aggregate["dependencies"]) == ["analyze", "work_001", "work_002", "work_003"]


def test_no_batches_runs_the_placeholder_worker(
    run: Run, kind: str, seen: list[dict[str, Any]]
) -> None:
    result = run(batch_steps(kind), {"total": 0, "size": 10})
    assert result.complete
    assert [s.name for s in result.steps] == ["analyze", "work_000", "aggregate"]
    placeholder = next(s for s in seen if s["step"] == "work_000")  # really called
    assert placeholder["step_inputs"]["is_no_op"] is True
    assert placeholder["step_inputs"]["cursor"]["batch_id"] == "000"
    assert result.step("aggregate").result["no_batches"] is True


def test_no_batches_without_worker_template_name_completes_after_the_analyzer(
    run: Run, kind: str
) -> None:
    steps = batch_steps(kind)
    steps[0] = step("analyze", ANALYZERS[kind], type="batchable")
    result = run(steps, {"total": 0, "size": 10})
    assert result.complete
    assert [s.name for s in result.steps] == ["analyze"]
    assert result.not_created == ("work", "aggregate")
    assert WarningCode.BATCH_OUTCOME_INVALID in {w.code for w in result.warnings}


CHUNKED = {"cls": "runfx.cls.Work", "dsl": "runfx.dsl.work_in_chunks"}


def test_checkpoint_yields_rerun_without_counting_attempts(
    run: Run, kind: str, seen: list[dict[str, Any]]
) -> None:
    steps = batch_steps(kind, config={"chunk": 4}, retry={"max_attempts": 1})
    steps[1]["handler"]["callable"] = CHUNKED[kind]
    result = run(steps, {"total": 10, "size": 10})
    assert result.complete
    worker = result.step("work_001")
    assert worker.attempts == 1 and worker.checkpoint_yields == 2
    assert worker.result["batch_metadata"] == {"sum": sum(range(10))}
    assert result.step("aggregate").result["sum"] == sum(range(10))
    calls = [s for s in seen if s["step"] == "work_001"]
    assert [c["retry_count"] for c in calls] == [0, 0, 0]
    assert calls[0]["checkpoint"] is None
    assert calls[1]["checkpoint"]["cursor"] == 4
    assert calls[1]["checkpoint"]["accumulated_results"] == {"sum": sum(range(4))}
    assert calls[2]["checkpoint"]["cursor"] == 8
    assert [h["cursor"] for h in calls[2]["checkpoint"]["history"]] == [4, 8]


def test_checkpoint_limit_stops_a_runaway_step(run: Run) -> None:
    result = run(
        batch_steps("cls", config={"chunk": 1}),
        {"total": 50, "size": 50},
        max_checkpoint_yields=5,
    )
    worker = result.step("work_001")
    assert worker.status is StepState.ERROR and worker.checkpoint_yields == 5
    assert result.status is TaskState.BLOCKED_BY_FAILURES
    assert WarningCode.CHECKPOINT_LIMIT in {w.code for w in result.warnings}


ODD_CHECKPOINTS = {"cls": "runfx.cls.OddCheckpoint", "dsl": "runfx.dsl.odd_checkpoint"}


def test_checkpoint_data_is_converted_as_rust_converts_it(
    run: Run, kind: str, seen: list[dict[str, Any]]
) -> None:
    result = run([step("odd", ODD_CHECKPOINTS[kind])])
    assert result.complete
    assert result.step("odd").checkpoint_yields == 1
    # NaN becomes null and tuples become lists, as serde_json stores them
    assert seen[1]["checkpoint"]["accumulated_results"] == {"ratio": None, "pair": [1, 2]}
    assert result.step("odd").result == {"resumed_with": {"ratio": None, "pair": [1, 2]}}


def test_checkpoint_rust_cannot_convert_times_out_like_production(run: Run, kind: str) -> None:
    result = run(
        [
            step(
                "odd",
                ODD_CHECKPOINTS[kind],
                config={"yield": "datetime"},
                retry={"max_attempts": 2, "backoff": "none"},
            )
        ]
    )
    odd = result.step("odd")
    assert odd.status is StepState.ERROR and odd.attempts == 2 and odd.checkpoint_yields == 0
    assert odd.error is not None and odd.error.error_type == "ffi_timeout" and odd.error.retryable
    assert "unsupported type datetime" in odd.error.message
    warning = next(w for w in result.warnings if w.code is WarningCode.RESULT_NOT_JSON)
    assert "cursor: unsupported type datetime" in warning.message


def test_two_decisions_converge_on_one_step_that_waits_for_both_branches(
    run: Run, kind: str, seen: list[dict[str, Any]]
) -> None:
    behave = STYLES[kind]
    steps = [
        step("start", behave),
        step("d1", DECIDERS[kind], ("start",), type="decision", config={"route": ["b1"]}),
        step("d2", DECIDERS[kind], ("start",), type="decision", config={"route": ["b2"]}),
        step("b1", behave, ("d1",)),
        step("b2", behave, ("d2",)),
        step("join", behave, ("b1", "b2"), type="deferred_convergence"),
    ]
    result = run(steps)
    assert result.complete
    assert result.step("join").parents == ("b1", "b2")
    assert [s["step"] for s in seen][-1] == "join"
    join = next(s for s in seen if s["step"] == "join")
    assert sorted(join["dependencies"]) == ["b1", "b2", "d1", "d2", "start"]


def test_declaration_order_does_not_matter_for_decisions_and_convergence(
    run: Run, kind: str
) -> None:
    # upstream's conditional-approval template declares the convergence step first
    forward = run(decision_steps(kind), {"route": ["large"]})
    backward = run(list(reversed(decision_steps(kind))), {"route": ["large"]})
    assert backward.status is forward.status is TaskState.COMPLETE
    assert sorted(s.name for s in backward.steps) == sorted(s.name for s in forward.steps)
    assert backward.step("finish").parents == ("large",)
    assert backward.not_created == forward.not_created


def test_a_chain_declared_bottom_up_runs(run: Run) -> None:
    steps = [step(f"s{i}", STYLES["dsl"], (f"s{i - 1}",) if i else ()) for i in range(5)]
    result = run(list(reversed(steps)))
    assert result.complete
    assert [s.name for s in result.steps] == ["s4", "s3", "s2", "s1", "s0"]
    assert [s.parents for s in result.steps][:-1] == [("s3",), ("s2",), ("s1",), ("s0",)]
