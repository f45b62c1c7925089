"""What a generated handler needs to know about its step: the handler plan.

:func:`plan_handlers` reads a task template into one :class:`HandlerPlan` per
step: the callable it registers under (exactly ``handler.callable``), its
dependencies with their typed result names, its own result type and a
schema-shaped sample result (:mod:`tasker_ctl.codegen.sample`), and what its
step type needs for the placeholder logic to complete a run:

- a ``decision`` step routes to all its direct children (the steps that list
  it in ``dependencies``, the only steps a decision may create), so a run
  reaches every generated handler;
- a ``batchable`` step splits ``2 × batch_size`` items for the ``batch_worker``
  step that depends on it (its ``batch_config.batch_size``, else 100);
- a step that depends on a ``batch_worker`` step aggregates the workers'
  results (``BatchAggregationScenario``), named after the worker's analyzer;
- a dependency that a run may never create (a step below a decision, the
  template of batch workers) is optional: ``None`` when it did not run;
- every declared dependency is handed over: typed when the step's result is
  (a ``result_schema`` on a standard, convergence or batch worker step),
  untyped (a plain dict) otherwise -- a decision's or batchable's result is the
  SDK's outcome, not a model. The one exception is an aggregator's batch worker
  dependency: no step runs under the template's name, so the workers' results
  are collected with ``BatchAggregationScenario`` instead.

Type names follow upstream's scaffold: ``{Step}Result`` (no namespace) and
``{Task}Input`` (see ``docs/codegen.md``).
"""

from __future__ import annotations

import keyword
from dataclasses import dataclass
from typing import Any

from tasker_ctl.codegen.naming import attribute_names, pascal_case
from tasker_ctl.codegen.sample import sample
from tasker_ctl.model.template import StepType, TaskTemplate

__all__ = ["Dependency", "HandlerPlan", "ScaffoldPlan", "plan_handlers", "type_identifier"]

DEFAULT_BATCH_SIZE = 100
RESERVED = frozenset(keyword.kwlist) | {"context", "handlers", "models", "dependency"}
SDK_CLASSES = frozenset({"StepHandler"})
"""SDK names the handler files import: a handler class of that name would shadow them."""


@dataclass(frozen=True)
class Dependency:
    """One dependency of a step, as its handler receives it."""

    step: str
    param: str
    """The parameter name: snake_case step name + ``_result`` (upstream's)."""
    result_type: str | None
    """The typed model of its result, when the step's result is one."""
    optional: bool
    """Whether a run may complete the handler's step without this one having run."""
    sample: Any
    """A schema-shaped result of that step, for tests."""


@dataclass(frozen=True)
class HandlerPlan:
    """Everything the emitters need to write one step's handler and its test."""

    step: str
    callable: str
    kind: StepType
    description: str | None
    function: str
    class_name: str
    dependencies: tuple[Dependency, ...]
    result_type: str | None
    result_sample: Any
    branches: tuple[str, ...] = ()
    """Decision: the steps it may create (its direct children)."""
    worker_template: str | None = None
    """Batchable: the batch_worker step it creates workers from."""
    batch_size: int = DEFAULT_BATCH_SIZE
    analyzer: str | None = None
    """Batch worker or aggregator: the batchable step that created the workers."""
    aggregates: str | None = None
    """Aggregator: the batch_worker template whose instances it collects."""


@dataclass(frozen=True)
class ScaffoldPlan:
    """The handler plans of a template and the sample task input."""

    handlers: tuple[HandlerPlan, ...]
    input_sample: Any
    unmet: tuple[str, ...]
    """Schema paths whose constraints the samples may not meet (``pattern``)."""


def plan_handlers(
    template: TaskTemplate,
    result_types: dict[str, str],
    step: str | None = None,
) -> ScaffoldPlan:
    """Plan the handlers of ``template`` (only ``step``'s if given).

    ``result_types`` maps each step with a typed result to its model's name.
    """
    steps = {s.name: s for s in template.steps}
    unmet: list[str] = []
    samples: dict[str, Any] = {}
    for definition in template.steps:
        if definition.result_schema is not None:
            drawn = sample(definition.result_schema)
            samples[definition.name] = drawn.value
            unmet += [f"steps.{definition.name}.result_schema{p[1:]}" for p in drawn.unmet]
    input_sample: Any = {}
    if template.input_schema is not None:
        drawn = sample(template.input_schema)
        input_sample = drawn.value if isinstance(drawn.value, dict) else {}
        unmet += [f"input_schema{p[1:]}" for p in drawn.unmet]
    optional = _optional_steps(template)
    names = attribute_names([s.name for s in template.steps], RESERVED)
    functions = dict(zip((s.name for s in template.steps), names, strict=True))
    classes = _class_names([s.name for s in template.steps])
    plans: list[HandlerPlan] = []
    for definition in template.steps:
        if step is not None and definition.name != step:
            continue
        kind = definition.type
        params = attribute_names([f"{d}_result" for d in definition.dependencies], RESERVED)
        deps = tuple(
            Dependency(
                step=dep,
                param=param,
                result_type=result_types.get(dep) if _typed(steps, dep) else None,
                optional=dep in optional or _kind(steps, dep) is StepType.BATCH_WORKER,
                sample=samples.get(dep, {}),
            )
            for dep, param in zip(definition.dependencies, params, strict=True)
            if dep in steps
        )
        typed_result = kind in (
            StepType.STANDARD,
            StepType.DEFERRED_CONVERGENCE,
            StepType.BATCH_WORKER,
        )
        plan = HandlerPlan(
            step=definition.name,
            callable=definition.handler.callable,
            kind=kind,
            description=definition.description,
            function=functions[definition.name],
            class_name=classes[definition.name],
            dependencies=deps,
            result_type=result_types.get(definition.name) if typed_result else None,
            result_sample=samples.get(definition.name) if typed_result else None,
        )
        plans.append(_with_kind_details(plan, template))
    return ScaffoldPlan(tuple(plans), input_sample, tuple(unmet))


def type_identifier(name: str) -> str:
    """PascalCase ``name`` as an ASCII identifier: ``2fa`` -> ``Step2fa``, ``名前`` -> ``Step``."""
    pascal = "".join(ch for ch in pascal_case(name) if ch.isascii())
    return pascal if pascal[:1].isalpha() else "Step" + pascal


def _class_names(steps: list[str]) -> dict[str, str]:
    """Each step's handler class: ``{Step}Handler``, made unique with ``2``, ``3``... in order.

    ``Step One`` and ``step_one`` are both ``StepOne``; ``step`` and ``名前`` would be
    ``StepHandler``, the SDK's base class.
    """
    taken: set[str] = set(SDK_CLASSES)
    names: dict[str, str] = {}
    for step in steps:
        stem = type_identifier(step)
        name, n = f"{stem}Handler", 1
        while name in taken:
            n += 1
            name = f"{stem}{n}Handler"
        taken.add(name)
        names[step] = name
    return names


def _kind(steps: dict[str, Any], name: str) -> StepType | None:
    definition = steps.get(name)
    return definition.type if definition is not None else None


def _typed(steps: dict[str, Any], name: str) -> bool:
    return _kind(steps, name) in (
        StepType.STANDARD,
        StepType.DEFERRED_CONVERGENCE,
        StepType.BATCH_WORKER,
    )


def _optional_steps(template: TaskTemplate) -> set[str]:
    """Steps a run may leave uncreated: every descendant of a decision step."""
    children: dict[str, list[str]] = {s.name: [] for s in template.steps}
    for definition in template.steps:
        for dep in definition.dependencies:
            children.setdefault(dep, []).append(definition.name)
    seen: set[str] = set()
    todo = [c for s in template.steps if s.type is StepType.DECISION for c in children[s.name]]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo += children.get(name, [])
    return seen


def _with_kind_details(plan: HandlerPlan, template: TaskTemplate) -> HandlerPlan:
    from dataclasses import replace

    steps = {s.name: s for s in template.steps}
    if plan.kind is StepType.DECISION:
        branches = tuple(s.name for s in template.steps if plan.step in s.dependencies)
        return replace(plan, branches=branches)
    if plan.kind is StepType.BATCHABLE:
        worker = next(
            (
                s
                for s in template.steps
                if s.type is StepType.BATCH_WORKER and plan.step in s.dependencies
            ),
            None,
        )
        named = steps[plan.step].handler.initialization.get("worker_template_name")
        if worker is None and isinstance(named, str) and named in steps:
            worker = steps[named]
        if worker is None:
            return plan
        size = worker.batch_config.batch_size if worker.batch_config else 0
        return replace(plan, worker_template=worker.name, batch_size=size or DEFAULT_BATCH_SIZE)
    if plan.kind is StepType.BATCH_WORKER:
        analyzer = next((d for d in steps[plan.step].dependencies if _is_batchable(steps, d)), None)
        return replace(plan, analyzer=analyzer)
    worker_dep = next(
        (d.step for d in plan.dependencies if _kind(steps, d.step) is StepType.BATCH_WORKER), None
    )
    if worker_dep is not None:
        analyzer = next(
            (d for d in steps[worker_dep].dependencies if _is_batchable(steps, d)), None
        )
        if analyzer is not None:
            return replace(plan, aggregates=worker_dep, analyzer=analyzer)
    return plan


def _is_batchable(steps: dict[str, Any], name: str) -> bool:
    return _kind(steps, name) is StepType.BATCHABLE
