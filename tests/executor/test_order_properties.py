"""Declaration order never matters (issue 9, point 3), proven by properties.

The orchestrator creates every step of a pass first and the edges after, so a
template runs the same whatever order its steps are declared in. Hypothesis
generates valid templates of every shape (:mod:`tests.executor.order_shapes`:
chains, diamonds, decisions with deferred convergence declared before, between
or after the branches, nested decisions, batches with and without batches,
retries, checkpoint yields), runs each in its canonical order, reversed and in
random permutations, and checks:

* the run never raises, and the outcome is identical: task status, and per step
  its status, attempts, checkpoint yields, result, error, backoff, creator and
  parents; the same steps not created; the same warning codes;
* each step's edges are the ones production makes (from the template and the
  steps that exist), and each handler received exactly its completed
  ancestors' results: the handlers (``tests/fixtures/order_props``, pure
  functions of what they receive, so they run the same in a worker process)
  put the sorted names and a digest of what they received into their results;
* retries, checkpoint yields and batch sums come out as configured;
* the templates lint clean (and the linter too says the same in every order).

A step that fails for good is checked apart: which independent steps still ran
before the task was blocked depends on creation order (in production too), so
only what cannot depend on it is compared. A seeded fuzz loop runs bigger
templates, also with three calls in flight and with the handlers in-process.

Profiles (``ORDER_PROPS_PROFILE``): ``order-props`` (default: derandomized, no
example database, sized for CI: well under a minute on two cores) and
``order-props-deep`` (random, 10x examples).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from tasker_ctl.model import TaskTemplate
from tasker_ctl.validation import LintOptions, Severity, lint_file
from tests.executor.order_shapes import (
    CALLABLES,
    PACKAGE,
    ROOT,
    RandomChooser,
    Shape,
    build,
    shapes_with_orders,
)

pytestmark = pytest.mark.sdk

settings.register_profile(
    "order-props",
    max_examples=150,
    deadline=None,
    database=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
settings.register_profile(
    "order-props-deep",
    parent=settings.get_profile("order-props"),
    max_examples=1500,
    derandomize=False,
)
PROFILE = settings.get_profile(os.environ.get("ORDER_PROPS_PROFILE", "order-props"))


def scaled(share: float) -> settings:
    """The profile with ``share`` of its examples."""
    return settings(PROFILE, max_examples=max(1, int(PROFILE.max_examples * share)))


# -- running ----------------------------------------------------------------------


def _every_handler() -> TaskTemplate:
    return TaskTemplate.model_validate(
        {
            "name": "catalog",
            "namespace_name": "order_props",
            "version": "1.0.0",
            "steps": [
                {"name": f"h{i}", "handler": {"callable": c}} for i, c in enumerate(CALLABLES)
            ],
        }
    )


@pytest.fixture(scope="module")
def catalog() -> Iterator[Any]:
    """The ``orderfx`` handlers in a worker process, started once for the module."""
    pytest.importorskip("tasker_core")
    from tasker_ctl.executor import open_handlers

    with open_handlers(_every_handler(), roots=[ROOT], packages=[PACKAGE]) as workers:
        yield workers


@pytest.fixture(scope="module")
def in_process() -> Iterator[Any]:
    """The same handlers imported and called in this process (``--in-process``)."""
    pytest.importorskip("tasker_core")
    from tasker_ctl.executor import open_handlers

    with open_handlers(
        _every_handler(), roots=[ROOT], packages=[PACKAGE], in_process=True
    ) as workers:
        yield workers


def run(
    catalog: Any, shape: Shape, order: Sequence[int] | None = None, concurrency: int = 1
) -> Any:
    """Run ``shape`` with its steps declared in ``order``; the run must not raise."""
    from tasker_ctl.executor import RunOptions, run_workflow

    template = TaskTemplate.model_validate(shape.document(order))
    return run_workflow(template, {}, catalog, options=RunOptions(concurrency=concurrency))


def outcome(result: Any) -> dict[str, Any]:
    """Everything about a run that must not depend on declaration order."""
    return {
        "status": str(result.status),
        "steps": {
            s.name: {
                "template_step": s.template_step,
                "type": s.type,
                "status": str(s.status),
                "attempts": s.attempts,
                "checkpoint_yields": s.checkpoint_yields,
                "result": s.result,
                "error": None
                if s.error is None
                else (s.error.error_type, s.error.message, s.error.retryable),
                "created_by": s.created_by,
                "parents": sorted(s.parents),
                "backoff_ms": list(s.backoff_ms),
            }
            for s in result.steps
        },
        "not_created": sorted(result.not_created),
        "warnings": sorted({str(w.code) for w in result.warnings}),
    }


def assert_same(reference: dict[str, Any], other: dict[str, Any], label: str) -> None:
    """``other == reference``, reporting the first steps that differ."""
    if reference == other:
        return
    differing = {
        name: (reference["steps"].get(name), other["steps"].get(name))
        for name in sorted(set(reference["steps"]) | set(other["steps"]))
        if reference["steps"].get(name) != other["steps"].get(name)
    }
    top = {
        k: (reference[k], other[k]) for k in reference if k != "steps" and reference[k] != other[k]
    }
    raise AssertionError(f"{label} differs from the canonical order: {top} {differing}")


# -- what production would make ----------------------------------------------------


def expected_parents(shape: Shape, result: Any) -> dict[str, set[str]]:
    """Each created step's edges, as production makes them (spec 3.2-3.4, 4.3-4.4).

    * at initialization: the declared dependencies (all created with it here);
    * a batch worker: its analyzer; a batch's convergence step: the workers only;
    * a decision's convergence step: each declared dependency a decision pass
      created (never one that exists from the start, such as its own decision).
      The pass that creates a dependency creates the convergence step too, or
      finds it (an outer decision creates it when it lists a nested decision)
      and adds the edge;
    * any other step a decision creates: each declared dependency created in the
      same pass, the decision in place of every other one.
    """
    declared = {s["name"]: s for s in shape.steps}
    made_by = {s.name: s.created_by for s in result.steps}
    created_by: dict[str | None, set[str]] = defaultdict(set)
    for s in result.steps:
        created_by[s.created_by].add(s.name)
    template_of = {s.name: s.template_step for s in result.steps}
    parents: dict[str, set[str]] = {}
    for s in result.steps:
        spec = declared[s.template_step]
        deps = spec["dependencies"]
        if spec["type"] == "batch_worker" or s.created_by is None:
            want = set(deps)
        elif spec["type"] == "deferred_convergence":
            if declared[s.created_by]["type"] == "batchable":
                want = {n for n in created_by[s.created_by] if template_of[n] in deps}
            else:
                want = {d for d in deps if made_by.get(d) is not None}
        else:
            same_pass = created_by[s.created_by]
            want = {d if d in same_pass else s.created_by for d in deps}
        parents[s.name] = want
    return parents


def ancestors(parents: dict[str, set[str]]) -> dict[str, set[str]]:
    """The transitive closure of ``parents``."""
    found: dict[str, set[str]] = {}

    def of(name: str) -> set[str]:
        if name not in found:
            found[name] = set()
            for parent in parents[name]:
                found[name] |= {parent} | of(parent)
        return found[name]

    for name in parents:
        of(name)
    return found


def seen_by(result: Any) -> dict[str, Any]:
    """The ``step``/``attempt``/``deps``/``digest`` record a handler put into its result."""
    for holder in (result, result.get("routing_context"), result.get("batch_metadata")):
        if isinstance(holder, dict) and "deps" in holder:
            return holder
    raise AssertionError(f"no record of the dependency results in {result!r}")


def digest(results: dict[str, Any]) -> str:
    """What ``orderfx.behaviour.seen`` computes over the dependency results it gets."""
    text = json.dumps(results, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def check_lineage(shape: Shape, result: Any) -> None:
    """Edges as production makes them; every handler saw exactly its completed ancestors."""
    reports = {s.name: s for s in result.steps}
    parents = expected_parents(shape, result)
    for name, want in parents.items():
        assert set(reports[name].parents) == want, (name, reports[name].parents, want)
    lineage = ancestors(parents)
    for s in result.steps:
        if str(s.status) != "complete":
            continue
        seen = seen_by(s.result)
        above = sorted(lineage[s.name])
        assert seen["step"] == s.name
        assert seen["deps"] == above, (s.name, seen["deps"], above)
        assert all(str(reports[a].status) == "complete" for a in above), s.name
        assert seen["digest"] == digest({a: reports[a].result for a in above}), s.name
        assert seen["attempt"] == s.attempts, (s.name, seen["attempt"], s.attempts)


def check_decision_scope(shape: Shape, result: Any) -> bool:
    """A decision creates a step that depends on another decision only with a warning.

    (A convergence step listing a nested decision is the normal case: the outer
    decision creates it with the nested one, spec 3.3 step 4.) Otherwise it is
    production's post-convergence walk going past a decision step it added
    (:func:`test_the_walk_after_a_convergence_step_goes_past_decisions_like_production`),
    which the run reproduces and names with a parity warning. Returns whether the
    run had such a step.
    """
    declared = {s["name"]: s for s in shape.steps}
    past = [
        s.name
        for s in result.steps
        if s.created_by is not None
        and declared[s.created_by]["type"] == "decision"
        and declared[s.template_step]["type"] != "deferred_convergence"
        and any(
            declared[d]["type"] == "decision" and d != s.created_by
            for d in declared[s.template_step]["dependencies"]
        )
    ]
    warned = {
        w.message.split("'")[3]
        for w in result.warnings
        if str(w.code) == "decision_walk_past_decision"
    }
    assert set(past) <= warned, (past, warned)
    if past and currently_in_test_context():
        event("a decision created steps past another decision (parity warning)")
    return not past


def check_behaviour(shape: Shape, result: Any) -> None:
    """Retries, checkpoint yields and batch sums as the template configures them."""
    for s in result.steps:
        spec = shape.step(s.template_step)
        config = spec["handler"].get("initialization", {})
        if str(s.status) == "complete":
            assert s.attempts == config.get("fail_until", 0) + 1, s.name
        if spec["type"] in ("standard", "deferred_convergence") and "trail" in (s.result or {}):
            wanted = config.get("checkpoints", 0)
            assert s.checkpoint_yields == wanted, s.name
            assert s.result["trail"] == list(range(1, wanted + 1)), s.name
        if spec["handler"]["callable"].endswith(("Aggregate",)) and s.result is not None:
            analyzer = shape.step(config["analyzer"])["handler"]["initialization"]
            total, size = analyzer["total"], analyzer["size"]
            assert s.result["no_batches"] is (total == 0), s.name
            assert s.result["workers"] == math.ceil(total / size), s.name
            assert s.result["sum"] == sum(range(total)), s.name
        if spec["type"] == "batch_worker" and str(s.status) == "complete":
            start, end = s.result.get("range", (0, 0))
            chunk = config.get("chunk", 0)
            yields = max(0, math.ceil((end - start) / chunk) - 1) if chunk else 0
            assert s.checkpoint_yields == yields, s.name
            assert s.result["sum"] == sum(range(start, end)), s.name


NEVER_IN_THESE_SHAPES = {
    "dependency_not_created",
    "post_convergence_step_skipped",
    "decision_invalid_target",
    "decision_outcome_missing",
    "batch_outcome_invalid",
    "handler_not_found",
    "handler_import_error",
    "invalid_handler_result",
    "result_not_json",
    "checkpoint_limit",
    "retry_stuck",
}


def check_orders(catalog: Any, shape: Shape, orders: Sequence[Sequence[int]]) -> dict[str, Any]:
    """The canonical run succeeds, and every order gives the very same outcome."""
    reference = run(catalog, shape)
    want = outcome(reference)
    assert want["status"] == "complete", want
    assert all(step["status"] == "complete" for step in want["steps"].values()), want
    codes = {str(w.code) for w in reference.warnings}
    assert not NEVER_IN_THESE_SHAPES & codes, reference.warnings
    check_decision_scope(shape, reference)
    check_lineage(shape, reference)
    check_behaviour(shape, reference)
    for order in orders:
        declared = [shape.steps[i]["name"] for i in order]
        assert_same(want, outcome(run(catalog, shape, order)), f"declaration order {declared}")
    return want


# -- regressions: templates the properties and the fuzz loop found -------------------


def _step(
    name: str, deps: Sequence[str] = (), kind: str = "standard", **more: Any
) -> dict[str, Any]:
    callable_ = more.pop("callable", "orderfx.dsl.step")
    config = more.pop("config", None)
    handler: dict[str, Any] = {"callable": callable_}
    if config:
        handler["initialization"] = config
    return {"name": name, "type": kind, "dependencies": list(deps), "handler": handler, **more}


BOTTOM_UP_CHAIN = Shape([_step("s1"), _step("s2", ["s1"])])
"""Pre-fix: ``KeyError: 's1'`` at initialization with ``s2`` declared first (any property,
first or second generated example)."""

CONVERGENCE_ABOVE_DECISION = Shape(
    [
        _step("r1"),
        _step("c5", ["s4"], "deferred_convergence"),
        _step("d2", ["r1"], "decision", callable="orderfx.dsl.decide", config={"route": ["s4"]}),
        _step("s3", ["d2"]),
        _step("s4", ["s3"]),
    ]
)
"""Pre-fix decision pass: ``KeyError: 's4'`` creating ``c5`` before ``s4`` (shrunk by
Hypothesis from the decision property; already in this canonical order)."""

ROUTED_INSIDE_CHAIN = Shape(
    [
        _step("r1"),
        _step("d2", ["r1"], "decision", callable="orderfx.dsl.decide", config={"route": ["s4"]}),
        _step("s3", ["d2"]),
        _step("s4", ["s3"]),
        _step("s5", ["s4"]),
    ]
)
"""Pre-fix decision pass: ``KeyError: 's4'`` creating ``s5`` first when declared bottom-up
(the route names a step inside the branch; shrunk by Hypothesis from the general property)."""


POST_CONVERGENCE_JOIN = Shape(
    [
        _step("start"),
        _step(
            "route",
            ["start"],
            "decision",
            callable="orderfx.dsl.decide",
            config={"route": ["approve"]},
        ),
        _step("approve", ["route"]),
        _step("merge", ["approve"], "deferred_convergence"),
        _step("notify", ["merge"]),
        _step("archive", ["merge", "notify"]),
    ]
)
"""Found by the fuzz loop (shrunk by hand): ``archive`` follows the convergence step and
``notify``; declared before ``notify``, it drew a ``post_convergence_step_skipped`` warning
("never created") although the walk's next sweep created it (fixed in 2a44e38)."""


NEXT_DECISION_AFTER_CONVERGENCE = Shape(
    [
        _step("start"),
        _step(
            "outer", ["start"], "decision", callable="orderfx.dsl.decide", config={"route": ["b"]}
        ),
        _step("a", ["outer"]),
        _step("b", ["outer"]),
        _step("mid", ["b"], "decision", callable="orderfx.dsl.decide", config={"route": []}),
        _step("merge", ["a", "mid"], "deferred_convergence"),
        _step("inner", ["merge"], "decision", callable="orderfx.dsl.decide", config={"route": []}),
        _step("x", ["inner"]),
    ]
)
"""Found by the deep profile (shrunk by hand): ``outer`` routes to ``b``, whose nested
decision ``mid`` makes ``merge`` a convergence step outside ``b``'s segment; the
post-convergence walk adds ``inner`` and goes on *through* it to ``x``."""


# -- the properties ---------------------------------------------------------------


def describe(shape: Shape) -> None:
    """Hypothesis events (``--hypothesis-show-statistics``): size and shapes drawn."""
    size = len(shape.steps)
    event(f"steps: {'1-4' if size < 5 else '5-12' if size < 13 else '13+'}")
    for kind in sorted({b.split("@")[0] for b in shape.blocks}):
        event(f"block: {kind}")
    if any(b == "decision@1" for b in shape.blocks):
        event("block: nested decision")


@scaled(1.0)
@example(case=(BOTTOM_UP_CHAIN, [[1, 0]]))
@example(case=(ROUTED_INSIDE_CHAIN, [[4, 3, 2, 1, 0], [0, 1, 2, 3, 4]]))
@given(case=shapes_with_orders(orders=2))
def test_declaration_order_never_changes_the_outcome(
    catalog: Any, case: tuple[Shape, list[list[int]]]
) -> None:
    """Any shape, reversed and in a random order: the very same outcome."""
    shape, orders = case
    describe(shape)
    check_orders(catalog, shape, orders)


@scaled(1.0)
@example(case=(CONVERGENCE_ABOVE_DECISION, [[4, 3, 2, 0, 1], [0, 1, 2, 3, 4]]))
@given(case=shapes_with_orders(orders=3, first="decision"))
def test_decisions_converge_the_same_in_every_order(
    catalog: Any, case: tuple[Shape, list[list[int]]]
) -> None:
    """Decisions on top: convergence before, between and after branches, nested, batched."""
    shape, orders = case
    describe(shape)
    check_orders(catalog, shape, orders)


@scaled(0.5)
@given(case=shapes_with_orders(orders=2), data=st.data())
def test_a_step_failing_for_good_blocks_the_task_in_every_order(
    catalog: Any, case: tuple[Shape, list[list[int]]], data: st.DataObject
) -> None:
    """One step (created in the run without failures) fails permanently or exhausts its
    attempts: in every order the task is blocked by exactly that step, after as many
    attempts, and whatever else completed did so with the results of the clean run."""
    shape, orders = case
    reference = run(catalog, shape)
    assert str(reference.status) == "complete"
    candidates = [s.name for s in reference.steps if s.type != "batch_worker"]
    victim = data.draw(st.sampled_from(candidates), label="failing step")
    how = data.draw(st.sampled_from(("permanent", "exhausted")), label="how it fails")
    spec = shape.step(victim)
    fail_until = spec["handler"].get("initialization", {}).get("fail_until", 0)
    max_attempts = spec.get("retry", {}).get("max_attempts", 3)
    if how == "permanent":
        failing, attempts = shape.with_config(victim, fail="permanent"), fail_until + 1
    else:
        failing, attempts = shape.with_config(victim, fail_until=max_attempts), max_attempts
    known = {s.name: s for s in reference.steps}
    outcomes = []
    for order in [None, *orders]:
        result = run(catalog, failing, order)
        assert str(result.status) == "blocked_by_failures"
        failed = result.step(victim)
        assert str(failed.status) == "error"
        assert failed.attempts == attempts
        assert failed.error is not None
        assert failed.error.error_type == ("refused" if how == "permanent" else "flaky")
        assert [s.name for s in result.steps if str(s.status) == "error"] == [victim]
        for s in result.steps:
            # every step that exists here exists without the failure, made the same way
            assert s.name in known, s.name
            assert (s.template_step, s.created_by) == (
                known[s.name].template_step,
                known[s.name].created_by,
            )
            if str(s.status) == "complete":
                assert s.result == known[s.name].result, s.name
        check_lineage(failing, result)
        outcomes.append(
            (str(result.status), str(failed.status), failed.attempts, failed.error.message)
        )
    assert len(set(outcomes)) == 1, outcomes


@scaled(1.0)
@given(case=shapes_with_orders(orders=2))
def test_generated_templates_are_valid_in_every_order(
    tmp_path_factory: pytest.TempPathFactory, case: tuple[Shape, list[list[int]]]
) -> None:
    """The generator stays valid: the linter loads every template (handlers resolved
    against the fixture package), finds no error or warning (but one known false
    positive), and reports the same findings in every declaration order."""
    shape, orders = case
    folder = tmp_path_factory.mktemp("order")
    options = LintOptions(handlers_roots=(ROOT,))
    found = []
    for index, order in enumerate([None, *orders]):
        path = folder / f"t{index}.yaml"
        path.write_text(shape.yaml(order), encoding="utf-8")
        linted = lint_file(path, options)
        assert linted.template is not None, linted.diagnostics
        found.append(sorted((d.rule_id, d.severity, d.step or "") for d in linted.diagnostics))
    assert all(f == found[0] for f in found), found
    for rule, severity, step in found[0]:
        assert severity not in (Severity.ERROR, Severity.WARNING) or tolerated(shape, rule, step), (
            rule,
            step,
        )


def tolerated(shape: Shape, rule: str, step: str) -> bool:
    """The linter's known false positive (see the report of issue 9, point 3).

    ``DECISION_JOIN_NOT_DEFERRED`` reports a join below a decision whose
    dependencies are reached from more than one of its branches, following the
    branches through their convergence step: a diamond *after* the convergence
    step (created whole by the post-convergence walk) is reported as if only some
    of its dependencies could be created.
    """
    if rule != "DECISION_JOIN_NOT_DEFERRED":
        return False
    deps = {s["name"]: s["dependencies"] for s in shape.steps}
    stack, seen = list(deps[step]), set()
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        if shape.step(name)["type"] == "deferred_convergence":
            return True
        stack.extend(deps[name])
    return False


FUZZ_SEEDS = 60
FUZZ_BUDGET_S = 8.0


def test_bounded_fuzz_of_large_templates_in_random_orders(catalog: Any, in_process: Any) -> None:
    """Bigger templates than the properties draw, from fixed seeds, a few orders each, one
    with three handler calls in flight (three workers), one with the handlers in this
    process; stops after a time budget."""
    import random

    started = time.monotonic()
    tried = 0
    for seed in range(FUZZ_SEEDS):
        if tried and time.monotonic() - started > FUZZ_BUDGET_S:
            break
        shape = build(RandomChooser(seed), max_steps=60)
        rng = random.Random(seed)
        orders = [rng.sample(range(len(shape.steps)), len(shape.steps)) for _ in range(3)]
        want = check_orders(catalog, shape, orders)
        concurrent = outcome(run(catalog, shape, orders[0], concurrency=3))
        assert_same(want, concurrent, f"seed {seed}, three calls in flight")
        here = outcome(run(in_process, shape, orders[1]))
        assert_same(want, here, f"seed {seed}, handlers in this process")
        tried += 1
    assert tried >= 1


def test_the_generator_reaches_every_shape() -> None:
    """Shapes the properties rely on are actually generated (seeded, no Hypothesis)."""
    kinds: set[str] = set()
    for seed in range(200):
        shape = build(RandomChooser(seed))
        types = {s["type"] for s in shape.steps}
        kinds |= {b.split("@")[0] for b in shape.blocks}
        kinds |= {f"type:{t}" for t in types}
        if any(b.startswith("decision@1") for b in shape.blocks):
            kinds.add("nested decision")
        for s in shape.steps:
            config = s["handler"].get("initialization", {})
            if "fail_until" in config:
                kinds.add("retry")
            if "checkpoints" in config or "chunk" in config:
                kinds.add("checkpoint")
            if config.get("total") == 0:
                kinds.add("no batches")
            if s["type"] == "decision" and not config.get("route"):
                kinds.add("no branches")
        names = [s["name"] for s in shape.steps]
        for s in shape.steps:
            if s["type"] == "deferred_convergence" and s["name"].startswith("c"):
                deps = [names.index(d) for d in s["dependencies"]]
                position = names.index(s["name"])
                kinds.add(
                    "convergence before"
                    if position < min(deps)
                    else "convergence after"
                    if position > max(deps)
                    else "convergence between"
                )
    assert kinds >= {
        "chain",
        "diamond",
        "decision",
        "batch",
        "nested decision",
        "retry",
        "checkpoint",
        "no batches",
        "no branches",
        "convergence before",
        "convergence between",
        "convergence after",
        "type:batch_worker",
        "type:deferred_convergence",
    }, kinds


# -- the regressions as plain tests ------------------------------------------------


@pytest.mark.parametrize(
    "shape",
    [BOTTOM_UP_CHAIN, CONVERGENCE_ABOVE_DECISION, ROUTED_INSIDE_CHAIN],
    ids=["bottom-up-chain", "convergence-above-decision", "routed-inside-chain"],
)
def test_regressions_run_in_every_order(catalog: Any, shape: Shape) -> None:
    """What crashed the pre-fix runner (KeyError in create_step), in all permutations."""
    import itertools

    check_orders(catalog, shape, list(itertools.permutations(range(len(shape.steps)))))


def test_post_convergence_warning_does_not_depend_on_order(catalog: Any) -> None:
    archive_first = [0, 1, 2, 3, 5, 4]
    want = check_orders(catalog, POST_CONVERGENCE_JOIN, [archive_first, [5, 4, 3, 2, 1, 0]])
    assert want["warnings"] == []
    assert want["steps"]["archive"]["created_by"] == "route"


def test_the_walk_after_a_convergence_step_goes_past_decisions_like_production(
    catalog: Any,
) -> None:
    # Production's post-convergence walk (DecisionPointService) adds every step whose
    # dependencies are all created, decision steps included, and walks on through them:
    # 'outer' creates 'x' although 'inner' routes nowhere. The run does the same, and
    # says so in a parity warning.
    result = run(catalog, NEXT_DECISION_AFTER_CONVERGENCE)
    assert str(result.status) == "complete"
    assert result.step("x").created_by == "outer"
    assert str(result.step("x").status) == "complete"
    warning = next(w for w in result.warnings if str(w.code) == "decision_walk_past_decision")
    assert "'x'" in warning.message and "'inner'" in warning.message
