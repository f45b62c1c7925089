"""Dynamic steps: what a decision or batch outcome adds to the running task.

Pure functions: ``(template graph, outcome, existing steps) -> Expansion``.
They reproduce ``DecisionPointService`` and ``BatchProcessingService`` as
described in ``docs/run-semantics.md`` §3 and §4, including
the quirks: a failing pass is not fatal, it creates nothing and the task goes
on (and may complete); every such case yields a :class:`Notice`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from tasker_ctl.executor.notices import Notice, WarningCode
from tasker_ctl.executor.plan import TemplateGraph
from tasker_ctl.model import StepDefinition, StepType

MAX_STEPS_PER_DECISION = 100
"""``orchestration.decision_points.max_steps_per_decision`` of the base configuration."""


@dataclass(frozen=True)
class NewStep:
    """A workflow step to create: its name, template step, inputs and parents."""

    name: str
    template_name: str
    inputs: dict[str, Any] | None
    parents: tuple[str, ...]


@dataclass(frozen=True)
class Expansion:
    """Steps (in creation order) and extra edges ``(parent, child)`` to existing steps."""

    steps: tuple[NewStep, ...] = ()
    edges_to_existing: tuple[tuple[str, str], ...] = ()
    notices: tuple[Notice, ...] = field(default=())

    @classmethod
    def nothing(cls, code: WarningCode | None = None, message: str = "") -> Expansion:
        """An expansion that creates nothing, optionally with one notice."""
        return cls(notices=(Notice(code, message),) if code is not None else ())


def initial_inputs(step: StepDefinition) -> dict[str, Any] | None:
    """``workflow_step.inputs`` at creation: the handler initialization, or NULL if empty."""
    return dict(step.handler.initialization) if step.handler.initialization else None


def expand_decision(
    graph: TemplateGraph, decision: str, result: Any, existing: Collection[str]
) -> Expansion:
    """Steps created by the ``decision_point_outcome`` of a completed decision step."""
    outcome = _outcome(result, "decision_point_outcome")
    kind = outcome.get("type")
    if kind == "no_branches":
        return Expansion()
    names = outcome.get("step_names")
    if kind != "create_steps" or not isinstance(names, list):
        return Expansion.nothing(
            WarningCode.DECISION_OUTCOME_MISSING,
            f"decision step '{decision}' succeeded without a valid decision_point_outcome "
            "({'type': 'create_steps', 'step_names': [...]} or {'type': 'no_branches'}); "
            "production logs a warning and creates nothing, as for no_branches",
        )
    region = graph.region(decision)
    invalid = [n for n in names if not isinstance(n, str) or n not in region.members]
    if invalid:
        return Expansion.nothing(
            WarningCode.DECISION_INVALID_TARGET,
            f"decision step '{decision}' asked for {_names(invalid)}, which "
            f"{'is not a step' if len(invalid) == 1 else 'are not steps'} reachable from it "
            "before the next decision; production rejects the whole outcome without failing "
            "(InvalidDescendant), creates no branch at all, and the task can still complete",
        )
    chosen: dict[str, None] = dict.fromkeys(names)
    allowed: set[str] = set()
    for segment in region.segments:
        if segment.members & chosen.keys():
            allowed |= segment.members | segment.exits
            chosen.update(dict.fromkeys(graph.in_template_order(segment.exits)))
    _walk_forward(graph, chosen, allowed)
    new_convergence = [
        name
        for name, step in graph.steps.items()
        if step.type is StepType.DEFERRED_CONVERGENCE
        and name not in chosen
        and set(graph.deps[name]) & chosen.keys()
    ]
    chosen.update(dict.fromkeys(new_convergence))
    notices = _post_convergence(graph, decision, chosen, new_convergence, existing)
    ordered = graph.in_template_order(chosen)
    to_create = [n for n in ordered if n not in existing]
    reused = [
        n for n in ordered if n in existing and graph.type_of(n) is StepType.DEFERRED_CONVERGENCE
    ]
    if len(to_create) > MAX_STEPS_PER_DECISION:
        return Expansion.nothing(
            WarningCode.DECISION_TOO_MANY_STEPS,
            f"decision step '{decision}' would create {len(to_create)} steps, more than the "
            f"maximum of {MAX_STEPS_PER_DECISION}; production creates none of them",
        )
    return _with_decision_edges(graph, decision, to_create, reused, notices)


def _outcome(result: Any, key: str) -> Mapping[str, Any]:
    """``result[key]`` when it is an object, else an empty one."""
    outcome = result.get(key) if isinstance(result, Mapping) else None
    return outcome if isinstance(outcome, Mapping) else {}


def _names(names: list[Any]) -> str:
    return ", ".join(f"'{n}'" for n in names)


def _walk_forward(graph: TemplateGraph, chosen: dict[str, None], allowed: set[str]) -> None:
    skipped = {StepType.DEFERRED_CONVERGENCE, StepType.BATCH_WORKER}
    stack = [n for n in chosen if graph.type_of(n) is not StepType.DECISION]
    while stack:
        current = stack.pop()
        for child in graph.dependents[current]:
            if child in chosen or child not in allowed or graph.type_of(child) in skipped:
                continue
            chosen[child] = None
            if graph.type_of(child) is not StepType.DECISION:
                stack.append(child)


def _post_convergence(
    graph: TemplateGraph,
    decision: str,
    chosen: dict[str, None],
    frontier: list[str],
    existing: Collection[str],
) -> list[Notice]:
    """Add the steps after new convergence steps whose dependencies are all chosen.

    Runs to a fixed point first, so the outcome never depends on declaration order,
    then reports the steps the walk had to skip.
    """
    added = set(frontier)

    def blocked(name: str) -> list[str] | None:
        """The missing dependencies of a candidate, or None when it is no candidate."""
        step = graph.steps[name]
        if name in chosen or step.type is StepType.BATCH_WORKER:
            return None
        deps = graph.deps[name]
        if not set(deps) & added:
            return None
        missing = [d for d in deps if d not in chosen and d != decision]
        if missing and name in existing:
            return None  # created by an earlier pass: it exists, without this edge
        return missing

    changed = bool(frontier)
    while changed:
        changed = False
        for name in graph.steps:
            if blocked(name) == []:
                chosen[name] = None
                added.add(name)
                changed = True
    notices: list[Notice] = []
    for name in graph.in_template_order(added - set(frontier)):
        past = [
            d
            for d in graph.deps[name]
            if d in added and d != decision and graph.type_of(d) is StepType.DECISION
        ]
        if past:
            notices.append(
                Notice(
                    WarningCode.DECISION_WALK_PAST_DECISION,
                    f"decision '{decision}' also creates '{name}', which depends on decision "
                    f"{_names(past)}: production's walk after a convergence step does not stop "
                    f"at decision steps, so '{name}' exists (and runs) whatever "
                    f"{_names(past)} decides",
                )
            )
    for name in graph.steps:
        missing = blocked(name)
        if missing:
            notices.append(
                Notice(
                    WarningCode.POST_CONVERGENCE_STEP_SKIPPED,
                    f"step '{name}' follows a convergence step created by decision "
                    f"'{decision}' but also depends on {_names(missing)}, which that decision "
                    "did not create; production's post-convergence walk skips it, so it is "
                    "never created",
                )
            )
    return notices


def _with_decision_edges(
    graph: TemplateGraph,
    decision: str,
    to_create: list[str],
    reused: list[str],
    notices: list[Notice],
) -> Expansion:
    """Parents of the new steps, and edges into convergence steps that already exist.

    Production finds an existing convergence step instead of creating it again and
    adds edges from its dependencies created in this pass.
    """
    created = set(to_create)
    steps: list[NewStep] = []
    for name in to_create:
        parents: list[str] = []
        for dep in graph.deps[name]:
            if dep in created:
                parents.append(dep)
            elif graph.type_of(name) is StepType.DEFERRED_CONVERGENCE:
                continue
            elif decision in parents:
                return Expansion.nothing(
                    WarningCode.DECISION_PASS_ROLLED_BACK,
                    f"decision step '{decision}' creates '{name}', whose dependencies "
                    f"{_names(list(graph.deps[name]))} were not created in the same pass; "
                    "production replaces each of them with an edge from the decision, the "
                    "second identical edge violates unique_edge_per_step_pair and the whole "
                    "pass rolls back: no branch is created",
                )
            else:
                parents.append(decision)
        steps.append(NewStep(name, name, initial_inputs(graph.steps[name]), tuple(parents)))
    extra = tuple((dep, name) for name in reused for dep in graph.deps[name] if dep in created)
    return Expansion(steps=tuple(steps), edges_to_existing=extra, notices=tuple(notices))


def expand_batches(
    graph: TemplateGraph, analyzer: str, result: Any, existing: Collection[str]
) -> Expansion:
    """Workers (and convergence steps) created by a ``batch_processing_outcome``."""
    outcome = _outcome(result, "batch_processing_outcome")
    kind = outcome.get("type")
    if kind not in ("create_batches", "no_batches"):
        return _batch_failure(
            analyzer, "the step result does not contain a batch_processing_outcome"
        )
    if kind == "no_batches":
        init = graph.steps[analyzer].handler.initialization
        template_name = init.get("worker_template_name")
        if not isinstance(template_name, str):
            return _batch_failure(
                analyzer,
                "the outcome is no_batches but the batchable step has no "
                "handler.initialization.worker_template_name (a string), so production "
                "cannot create the placeholder worker or the convergence step",
            )
        cursors: list[dict[str, Any]] = [
            {"batch_id": "000", "start_cursor": 0, "end_cursor": 0, "batch_size": 0}
        ]
    else:
        template_name = outcome.get("worker_template_name")
        parsed = _parse_cursors(outcome.get("cursor_configs"))
        if not isinstance(template_name, str) or parsed is None:
            return _batch_failure(
                analyzer,
                "create_batches needs a worker_template_name string and cursor_configs "
                "entries with batch_id (string), start_cursor, end_cursor and batch_size "
                "(non-negative integer)",
            )
        cursors = parsed
    problem = _worker_template_problem(graph, template_name)
    if problem is None and not cursors:
        problem = "cursor_configs is empty"
    if problem is not None:
        return _batch_failure(analyzer, problem)
    return _workers(graph, analyzer, template_name, cursors, existing, kind == "no_batches")


def _batch_failure(analyzer: str, reason: str) -> Expansion:
    return Expansion.nothing(
        WarningCode.BATCH_OUTCOME_INVALID,
        f"batchable step '{analyzer}': {reason}; production logs the error, creates no "
        "workers and no convergence step, and the task can complete after the analyzer",
    )


def _parse_cursors(value: Any) -> list[dict[str, Any]] | None:
    if not isinstance(value, list):
        return None
    cursors = []
    for item in value:
        if not isinstance(item, Mapping):
            return None
        batch_id, size = item.get("batch_id"), item.get("batch_size")
        if not isinstance(batch_id, str) or "start_cursor" not in item or "end_cursor" not in item:
            return None
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            return None
        cursors.append(
            {
                "batch_id": batch_id,
                "start_cursor": item["start_cursor"],
                "end_cursor": item["end_cursor"],
                "batch_size": size,
            }
        )
    return cursors


def _worker_template_problem(graph: TemplateGraph, name: str) -> str | None:
    step = graph.steps.get(name)
    if step is None:
        default = (
            " (Batchable.batch_analyzer_success uses that name unless it gets "
            "worker_template_name=...)"
            if name == "batch_worker"
            else ""
        )
        return f"worker template '{name}' is not a step of the template{default}"
    if step.type is not StepType.BATCH_WORKER:
        return f"worker template '{name}' is a {step.type} step, not batch_worker"
    if step.batch_config is None:
        return f"worker template '{name}' has no batch_config"
    return None


def _workers(
    graph: TemplateGraph,
    analyzer: str,
    template_name: str,
    cursors: list[dict[str, Any]],
    existing: Collection[str],
    no_op: bool,
) -> Expansion:
    template = graph.steps[template_name]
    config = template.batch_config
    assert config is not None
    metadata = {
        "cursor_field": config.cursor_field,
        "failure_strategy": str(config.failure_strategy),
    }
    workers: list[NewStep] = []
    seen: set[str] = set()
    for cursor in cursors:
        name = f"{template_name}_{cursor['batch_id']}"
        if name in seen or name in existing:
            return _batch_failure(
                analyzer, f"worker '{name}' would be created twice (duplicate batch_id)"
            )
        seen.add(name)
        inputs = dict(template.handler.initialization)
        inputs.update(
            {
                "cursor": cursor,
                "batch_metadata": dict(metadata),
                "is_no_op": no_op,
                "__template_step_name": template_name,
            }
        )
        workers.append(NewStep(name, template_name, inputs, (analyzer,)))
    worker_names = tuple(w.name for w in workers)
    steps = list(workers)
    extra: list[tuple[str, str]] = []
    for aggregator in graph.convergence_steps_after(template_name):
        if aggregator in existing:
            extra.extend((w, aggregator) for w in worker_names)
        else:
            spec = graph.steps[aggregator]
            steps.append(NewStep(aggregator, aggregator, initial_inputs(spec), worker_names))
    return Expansion(steps=tuple(steps), edges_to_existing=tuple(extra))
