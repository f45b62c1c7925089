"""What a rule sees: the template as the real system reads it, plus graph helpers.

:class:`RuleContext` wraps one file's :class:`~tasker_ctl.validation.serde.ReadResult`.
Steps are exposed as :class:`StepView` (name, type, dependencies, handler),
built defensively: a step whose fields did not read still appears with what
did. Graph facts that several rules need (dependents, decision descendants,
cycles) are computed once, on first use.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tasker_ctl.validation.serde import Finding, ReadResult, escape_pointer

if TYPE_CHECKING:
    from tasker_ctl.validation.handlers import HandlerCheck


@dataclass(frozen=True)
class StepView:
    """One step, as far as it could be read."""

    index: int
    name: str | None
    type: str
    dependencies: tuple[str, ...]
    handler: Mapping[str, Any]
    raw: Mapping[str, Any]

    @property
    def pointer(self) -> str:
        """JSON pointer of the step."""
        return f"/steps/{self.index}"

    @property
    def label(self) -> str:
        """How messages name the step: ``'charge'``, or ``#3 (no name)`` when it has none."""
        return f"'{self.name}'" if self.name is not None else f"#{self.index + 1} (no name)"

    @property
    def initialization(self) -> Mapping[str, Any]:
        """``handler.initialization`` (empty when absent or unreadable)."""
        init = self.handler.get("initialization")
        return init if isinstance(init, dict) else {}


@dataclass
class RuleContext:
    """Everything a rule may look at for one file."""

    path: Path
    read: ReadResult
    language: str | None = None
    """The handlers' language, inferred or forced (``None`` when unknown)."""
    rule_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    handler_check: HandlerCheck | None = None

    @property
    def data(self) -> dict[str, Any]:
        """The template as serde reads it (canonical field names)."""
        return self.read.data

    def options(self, rule_id: str) -> Mapping[str, Any]:
        """Options configured for a rule in ``[lint.rules]``."""
        return self.rule_options.get(rule_id, {})

    @cached_property
    def steps(self) -> list[StepView]:
        """Every step in file order."""
        views = []
        raw_steps = self.data.get("steps")
        for index, raw in enumerate(raw_steps if isinstance(raw_steps, list) else []):
            if not isinstance(raw, dict):
                continue
            name = raw.get("name")
            deps = raw.get("dependencies")
            handler = raw.get("handler")
            views.append(
                StepView(
                    index=index,
                    name=name if isinstance(name, str) else None,
                    type=str(raw.get("type") or "standard"),
                    dependencies=tuple(d for d in deps if isinstance(d, str))
                    if isinstance(deps, list)
                    else (),
                    handler=handler if isinstance(handler, dict) else {},
                    raw=raw,
                )
            )
        return views

    @cached_property
    def by_name(self) -> dict[str, StepView]:
        """Steps by name (the first one when names repeat)."""
        found: dict[str, StepView] = {}
        for step in self.steps:
            if step.name is not None and step.name not in found:
                found[step.name] = step
        return found

    @cached_property
    def dependents(self) -> dict[str, list[str]]:
        """Step name -> names of the steps that depend on it (file order, unique)."""
        result: dict[str, list[str]] = {name: [] for name in self.by_name}
        for step in self.steps:
            if step.name is None:
                continue
            for dep in dict.fromkeys(step.dependencies):
                if dep in result and step.name not in result[dep]:
                    result[dep].append(step.name)
        return result

    @cached_property
    def decision_descendants(self) -> dict[str, set[str]]:
        """Decision name -> every step reachable forward from it (transitively)."""
        result: dict[str, set[str]] = {}
        for step in self.steps:
            if step.type == "decision" and step.name is not None:
                result[step.name] = self.descendants(step.name)
        return result

    @cached_property
    def created_by_decision(self) -> set[str]:
        """Steps that are transitive descendants of some decision (created dynamically)."""
        found: set[str] = set()
        for descendants in self.decision_descendants.values():
            found |= descendants
        return found

    @cached_property
    def created_by_decision_pass(self) -> set[str]:
        """Steps that a decision's own pass creates (orchestration spec 3.3).

        Everything reachable from a decision's children without passing through a
        ``batch_worker`` or ``deferred_convergence`` step, then the deferred steps
        below a decision that converge some of those, and what follows them. Batch
        workers, and the convergence steps of their batches, are created later by
        the batch, not by the decision.
        """
        found: set[str] = set()
        todo = [
            child for decision in self.decision_descendants for child in self.dependents[decision]
        ]
        while True:
            while todo:
                name = todo.pop()
                kind = self.step_type(name)
                if name not in found and kind not in ("batch_worker", "deferred_convergence"):
                    found.add(name)
                    todo.extend(self.dependents.get(name, ()))
            converging = [
                step.name
                for step in self.steps
                if step.type == "deferred_convergence"
                and step.name in self.created_by_decision
                and step.name not in found
                and any(dep in found for dep in step.dependencies)
            ]
            if not converging:
                return found
            found.update(n for n in converging if n is not None)
            todo = [after for name in converging if name for after in self.dependents[name]]

    def ancestors(self, name: str) -> set[str]:
        """Every step ``name`` waits for, directly or transitively (by declared dependencies)."""
        seen: set[str] = set()
        todo = list(self.by_name[name].dependencies) if name in self.by_name else []
        while todo:
            current = todo.pop()
            if current not in seen and current in self.by_name:
                seen.add(current)
                todo.extend(self.by_name[current].dependencies)
        return seen

    def descendants(self, name: str) -> set[str]:
        """Every step reachable forward from ``name`` (not including it unless cyclic)."""
        seen: set[str] = set()
        todo = list(self.dependents.get(name, ()))
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            todo.extend(self.dependents.get(current, ()))
        return seen

    def batch_workers_of(self, name: str | None) -> list[str]:
        """The ``batch_worker`` steps that depend on step ``name`` (file order)."""
        dependents = self.dependents.get(name, []) if name is not None else []
        return [n for n in dependents if self.step_type(n) == "batch_worker"]

    def events(self) -> Iterator[tuple[StepView, int, dict[str, Any]]]:
        """Every readable ``publishes_events`` item: (step, index in the list, event)."""
        for step in self.steps:
            events = step.raw.get("publishes_events")
            for index, event in enumerate(events if isinstance(events, list) else []):
                if isinstance(event, dict):
                    yield step, index, event

    def env_overrides(self) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """Every readable environment step override: (environment, its pointer, override)."""
        environments = self.data.get("environments")
        for env, override in environments.items() if isinstance(environments, dict) else ():
            steps = override.get("steps") if isinstance(override, dict) else None
            for index, item in enumerate(steps if isinstance(steps, list) else []):
                if isinstance(item, dict):
                    yield env, f"/environments/{escape_pointer(env)}/steps/{index}", item

    def step_type(self, name: str) -> str | None:
        """The type of the step called ``name``, if it exists."""
        step = self.by_name.get(name)
        return step.type if step else None

    # -- positions -----------------------------------------------------------
    def position(self, pointer: str, *, key: bool = False) -> tuple[int, int]:
        """Line and column of ``pointer`` (its key with ``key=True``), or of its nearest parent."""
        current = pointer
        while True:
            table = self.read.key_locations if key else self.read.locations
            if current in table:
                return table[current]
            if key and current in self.read.locations:
                return self.read.locations[current]
            if not current:
                return (1, 1)
            current = current.rsplit("/", 1)[0]

    def finding(
        self,
        rule_id: str,
        message: str,
        pointer: str,
        *,
        key: bool = False,
        hint: str | None = None,
    ) -> Finding:
        """A finding located at ``pointer`` (at its key with ``key=True``)."""
        line, column = self.position(pointer, key=key)
        return Finding(rule_id, message, pointer, line, column, hint)
