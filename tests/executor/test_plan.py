"""Which steps exist at start, and what decision and batch outcomes create."""

from __future__ import annotations

from typing import Any

from tasker_ctl.executor.expansion import (
    MAX_STEPS_PER_DECISION,
    expand_batches,
    expand_decision,
)
from tasker_ctl.executor.notices import WarningCode
from tasker_ctl.executor.plan import TemplateGraph
from tests.executor.conftest import step, template

BATCH_CONFIG = {
    "batch_size": 10,
    "parallelism": 2,
    "cursor_field": "id",
    "worker_template": "work",
    "failure_strategy": "fail_fast",
}


def graph(*steps: dict[str, Any]) -> TemplateGraph:
    return TemplateGraph(template(list(steps)))


def refund_graph(**extra_steps: Any) -> TemplateGraph:
    return graph(
        step("validate", "h"),
        step("route", "h", ("validate",), type="decision"),
        step("auto", "h", ("route",)),
        step("manager", "h", ("route",)),
        step("notify_manager", "h", ("manager",)),
        step("finance", "h", ("route",)),
        step("issue", "h", ("auto", "manager", "finance"), type="deferred_convergence"),
        step("archive", "h", ("issue",)),
        *extra_steps.values(),
    )


def created(expansion: Any) -> dict[str, tuple[str, ...]]:
    return {s.name: s.parents for s in expansion.steps}


def test_without_decisions_workers_and_convergence_wait() -> None:
    g = graph(
        step("a", "h"),
        step("work", "h", ("a",), type="batch_worker", batch_config=BATCH_CONFIG),
        step("agg", "h", ("work",), type="deferred_convergence"),
        step("b", "h", ("a",)),
    )
    assert g.initial_steps() == ["a", "b"]


def test_with_decisions_descendants_wait_but_outside_convergence_exists() -> None:
    g = graph(
        step("a", "h"),
        step("d", "h", ("a",), type="decision"),
        step("x", "h", ("d",)),
        step("work", "h", ("a",), type="batch_worker", batch_config=BATCH_CONFIG),
        step("agg", "h", ("work",), type="deferred_convergence"),
    )
    # agg is not below the decision, so it is created at start (production quirk)
    assert g.initial_steps() == ["a", "d", "agg"]


def test_decision_creates_branch_and_convergence_with_created_deps_only() -> None:
    expansion = expand_decision(
        refund_graph(),
        "route",
        {"decision_point_outcome": {"type": "create_steps", "step_names": ["manager"]}},
        existing={"validate", "route"},
    )
    assert created(expansion) == {
        "manager": ("route",),
        "notify_manager": ("manager",),
        "issue": ("manager",),
        "archive": ("issue",),
    }
    assert not expansion.notices


def test_decision_inputs_come_from_initialization() -> None:
    g = graph(
        step("d", "h", type="decision", dependencies=[]),
        step("x", "h", ("d",), config={"k": 1}),
    )
    expansion = expand_decision(
        g, "d", {"decision_point_outcome": {"type": "create_steps", "step_names": ["x"]}}, {"d"}
    )
    assert expansion.steps[0].inputs == {"k": 1}


def test_no_branches_creates_nothing_silently() -> None:
    expansion = expand_decision(
        refund_graph(), "route", {"decision_point_outcome": {"type": "no_branches"}}, set()
    )
    assert expansion.steps == () and expansion.notices == ()


def test_invalid_targets_reject_the_whole_outcome() -> None:
    expansion = expand_decision(
        refund_graph(),
        "route",
        {"decision_point_outcome": {"type": "create_steps", "step_names": ["manager", "nope"]}},
        set(),
    )
    assert expansion.steps == ()
    assert [n.code for n in expansion.notices] == [WarningCode.DECISION_INVALID_TARGET]
    assert "'nope'" in expansion.notices[0].message


def test_missing_outcome_is_reported() -> None:
    for result in ({}, {"decision_point_outcome": {"type": "maybe"}}, None):
        expansion = expand_decision(refund_graph(), "route", result, set())
        assert [n.code for n in expansion.notices] == [WarningCode.DECISION_OUTCOME_MISSING]


def test_step_with_two_uncreated_dependencies_rolls_the_pass_back() -> None:
    g = graph(
        step("validate", "h"),
        step("route", "h", ("validate",), type="decision"),
        step("branch", "h", ("route", "validate")),
    )
    expansion = expand_decision(
        g,
        "route",
        {"decision_point_outcome": {"type": "create_steps", "step_names": ["branch"]}},
        {"validate", "route"},
    )
    assert expansion.steps == ()
    assert [n.code for n in expansion.notices] == [WarningCode.DECISION_PASS_ROLLED_BACK]


def test_post_convergence_step_needs_all_deps_in_the_pass() -> None:
    g = refund_graph(
        late=step("late", "h", ("issue", "validate")),
    )
    expansion = expand_decision(
        g,
        "route",
        {"decision_point_outcome": {"type": "create_steps", "step_names": ["auto"]}},
        {"validate", "route"},
    )
    assert "late" not in created(expansion)
    assert "archive" in created(expansion)
    assert [n.code for n in expansion.notices] == [WarningCode.POST_CONVERGENCE_STEP_SKIPPED]


def test_post_convergence_walk_says_nothing_about_steps_that_exist() -> None:
    g = graph(
        step("d1", "h", type="decision"),
        step("a", "h", ("d1",)),
        step("b", "h", ("d1",)),
        step("d2", "h", ("a",), type="decision"),
        step("a2", "h", ("d2",)),
        step("join2", "h", ("a2",), type="deferred_convergence"),
        step("join", "h", ("a", "b", "join2"), type="deferred_convergence"),
    )
    outcome = {"decision_point_outcome": {"type": "create_steps", "step_names": ["a2"]}}
    # 'join' was created by d1's pass; d2's walk skips it without claiming it never exists
    expansion = expand_decision(g, "d2", outcome, {"d1", "a", "d2", "join"})
    assert created(expansion) == {"a2": ("d2",), "join2": ("a2",)}
    assert expansion.notices == ()
    fresh = expand_decision(g, "d2", outcome, {"d1", "a", "d2"})
    assert [n.code for n in fresh.notices] == [WarningCode.POST_CONVERGENCE_STEP_SKIPPED]


def test_a_convergence_step_that_exists_gets_edges_from_the_new_branch() -> None:
    g = graph(
        step("start", "h"),
        step("d1", "h", ("start",), type="decision"),
        step("d2", "h", ("start",), type="decision"),
        step("b1", "h", ("d1",)),
        step("b2", "h", ("d2",)),
        step("join", "h", ("b1", "b2"), type="deferred_convergence"),
    )
    outcome = {"decision_point_outcome": {"type": "create_steps", "step_names": ["b2"]}}
    # d1's pass created b1 and join; d2's pass finds join and adds the edge from b2
    expansion = expand_decision(g, "d2", outcome, {"start", "d1", "d2", "b1", "join"})
    assert created(expansion) == {"b2": ("d2",)}
    assert expansion.edges_to_existing == (("b2", "join"),)


def test_nested_decision_is_created_as_an_exit_but_not_expanded() -> None:
    g = graph(
        step("d1", "h", type="decision"),
        step("a", "h", ("d1",)),
        step("d2", "h", ("a",), type="decision"),
        step("deep", "h", ("d2",)),
        step("b", "h", ("d1",)),
    )
    expansion = expand_decision(
        g, "d1", {"decision_point_outcome": {"type": "create_steps", "step_names": ["a"]}}, {"d1"}
    )
    assert created(expansion) == {"a": ("d1",), "d2": ("a",)}


def test_too_many_steps_creates_none() -> None:
    branches = [step(f"s{i}", "h", ("d",)) for i in range(MAX_STEPS_PER_DECISION + 1)]
    g = graph(step("d", "h", type="decision"), *branches)
    expansion = expand_decision(
        g,
        "d",
        {
            "decision_point_outcome": {
                "type": "create_steps",
                "step_names": [b["name"] for b in branches],
            }
        },
        {"d"},
    )
    assert expansion.steps == ()
    assert [n.code for n in expansion.notices] == [WarningCode.DECISION_TOO_MANY_STEPS]


def batch_graph(analyzer_config: dict[str, Any] | None = None, **worker: Any) -> TemplateGraph:
    worker_step = step("work", "w", ("analyze",), type="batch_worker", config={"mode": "fast"})
    worker_step.update({"batch_config": BATCH_CONFIG, **worker})
    return graph(
        step("analyze", "a", type="batchable", config=analyzer_config),
        worker_step,
        step("aggregate", "g", ("work",), type="deferred_convergence"),
    )


def outcome(*batch_ids: str) -> dict[str, Any]:
    return {
        "batch_processing_outcome": {
            "type": "create_batches",
            "worker_template_name": "work",
            "worker_count": len(batch_ids),
            "cursor_configs": [
                {
                    "batch_id": b,
                    "start_cursor": i * 10,
                    "end_cursor": i * 10 + 10,
                    "batch_size": 10,
                    "extra": 1,
                }
                for i, b in enumerate(batch_ids)
            ],
            "total_items": 10 * len(batch_ids),
        }
    }


def test_create_batches_names_workers_and_fills_their_inputs() -> None:
    expansion = expand_batches(batch_graph(), "analyze", outcome("001", "002"), {"analyze"})
    assert created(expansion) == {
        "work_001": ("analyze",),
        "work_002": ("analyze",),
        "aggregate": ("work_001", "work_002"),
    }
    first = expansion.steps[0]
    assert first.template_name == "work"
    assert first.inputs == {
        "mode": "fast",
        "cursor": {"batch_id": "001", "start_cursor": 0, "end_cursor": 10, "batch_size": 10},
        "batch_metadata": {"cursor_field": "id", "failure_strategy": "fail_fast"},
        "is_no_op": False,
        "__template_step_name": "work",
    }


def test_no_batches_creates_the_placeholder_worker() -> None:
    g = batch_graph({"worker_template_name": "work"})
    expansion = expand_batches(
        g, "analyze", {"batch_processing_outcome": {"type": "no_batches"}}, {"analyze"}
    )
    assert created(expansion) == {"work_000": ("analyze",), "aggregate": ("work_000",)}
    inputs = expansion.steps[0].inputs
    assert inputs is not None and inputs["is_no_op"] is True
    assert inputs["cursor"] == {
        "batch_id": "000",
        "start_cursor": 0,
        "end_cursor": 0,
        "batch_size": 0,
    }


def test_batch_failures_create_nothing() -> None:
    no_name = expand_batches(
        batch_graph(), "analyze", {"batch_processing_outcome": {"type": "no_batches"}}, set()
    )
    wrong_type = expand_batches(batch_graph(type="standard"), "analyze", outcome("001"), set())
    no_config = expand_batches(batch_graph(batch_config=None), "analyze", outcome("001"), set())
    empty = expand_batches(batch_graph(), "analyze", outcome(), set())
    missing = expand_batches(batch_graph(), "analyze", {"total": 3}, set())
    duplicate = expand_batches(batch_graph(), "analyze", outcome("001", "001"), set())
    for expansion, words in [
        (no_name, "worker_template_name"),
        (wrong_type, "not batch_worker"),
        (no_config, "no batch_config"),
        (empty, "cursor_configs is empty"),
        (missing, "does not contain"),
        (duplicate, "twice"),
    ]:
        assert expansion.steps == ()
        assert [n.code for n in expansion.notices] == [WarningCode.BATCH_OUTCOME_INVALID]
        assert words in expansion.notices[0].message


def test_existing_aggregator_gets_edges_instead_of_a_copy() -> None:
    expansion = expand_batches(batch_graph(), "analyze", outcome("001"), {"analyze", "aggregate"})
    assert created(expansion) == {"work_001": ("analyze",)}
    assert expansion.edges_to_existing == (("work_001", "aggregate"),)


def test_the_sdk_default_worker_template_name_is_explained() -> None:
    result = outcome("001")
    result["batch_processing_outcome"]["worker_template_name"] = "batch_worker"
    expansion = expand_batches(batch_graph(), "analyze", result, {"analyze"})
    [notice] = expansion.notices
    assert "worker template 'batch_worker' is not a step of the template" in notice.message
    assert "unless it gets worker_template_name=..." in notice.message
