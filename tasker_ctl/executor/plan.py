"""The template as a graph: which steps exist at start, and the decision regions.

Pure functions over a :class:`~tasker_ctl.model.TaskTemplate`, following
``TaskTemplate::initial_step_set`` and ``graphs_from_decision`` as described in
``docs/run-semantics.md`` §3.2-3.3:

* Without decision steps, every step except ``batch_worker`` and
  ``deferred_convergence`` steps exists from the start.
* With decision steps, every step that is not a (transitive) descendant of a
  decision exists from the start, except ``batch_worker`` steps (so a
  ``deferred_convergence`` step outside every decision is created at start).
* Edges exist only between created steps.

A decision's *region* is everything reachable forward from its direct
children, stopping at other decision steps (those are the region's *exits*).
The region is split into *segments*: its weakly connected parts, each with the
exit decisions it touches.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tasker_ctl.model import StepDefinition, StepType, TaskTemplate


@dataclass(frozen=True)
class Segment:
    """One connected part of a decision's region."""

    members: frozenset[str]
    exits: frozenset[str]


@dataclass(frozen=True)
class Region:
    """Steps reachable from a decision before the next decision steps."""

    members: frozenset[str]
    exits: frozenset[str]
    segments: tuple[Segment, ...]


class TemplateGraph:
    """Read-only graph queries over the steps of one template."""

    def __init__(self, template: TaskTemplate) -> None:
        self.template = template
        self.steps: dict[str, StepDefinition] = {}
        for step in template.steps:
            self.steps.setdefault(step.name, step)
        self.position = {name: index for index, name in enumerate(self.steps)}
        self.deps: dict[str, tuple[str, ...]] = {
            name: tuple(dict.fromkeys(step.dependencies)) for name, step in self.steps.items()
        }
        self.dependents: dict[str, list[str]] = {name: [] for name in self.steps}
        for name, deps in self.deps.items():
            for dep in deps:
                if dep in self.dependents:
                    self.dependents[dep].append(name)
        self._regions: dict[str, Region] = {}

    def type_of(self, name: str) -> StepType:
        """The declared type of template step ``name``."""
        return self.steps[name].type

    def in_template_order(self, names: Iterable[str]) -> list[str]:
        """``names`` sorted by their position in the template."""
        return sorted(set(names), key=lambda n: self.position.get(n, len(self.position)))

    def descendants(self, name: str) -> set[str]:
        """Every step that depends on ``name``, directly or transitively."""
        seen: set[str] = set()
        stack = list(self.dependents.get(name, ()))
        while stack:
            current = stack.pop()
            if current not in seen:
                seen.add(current)
                stack.extend(self.dependents.get(current, ()))
        return seen

    def initial_steps(self) -> list[str]:
        """Names of the steps created when the task is initialized, in template order."""
        decisions = [n for n, s in self.steps.items() if s.type is StepType.DECISION]
        if not decisions:
            skipped = {StepType.BATCH_WORKER, StepType.DEFERRED_CONVERGENCE}
            return [n for n, s in self.steps.items() if s.type not in skipped]
        below: set[str] = set()
        for decision in decisions:
            below |= self.descendants(decision)
        return [
            n
            for n, s in self.steps.items()
            if n not in below and s.type is not StepType.BATCH_WORKER
        ]

    def region(self, decision: str) -> Region:
        """The region (and its segments) that starts at ``decision``."""
        cached = self._regions.get(decision)
        if cached is not None:
            return cached
        members: set[str] = set()
        exits: set[str] = set()
        stack = list(self.dependents.get(decision, ()))
        while stack:
            current = stack.pop()
            if current in members or current in exits:
                continue
            if self.steps[current].type is StepType.DECISION:
                exits.add(current)
                continue
            members.add(current)
            stack.extend(self.dependents.get(current, ()))
        region = Region(frozenset(members), frozenset(exits), self._segments(members))
        self._regions[decision] = region
        return region

    def _segments(self, members: set[str]) -> tuple[Segment, ...]:
        parent = {name: name for name in members}

        def find(name: str) -> str:
            while parent[name] != name:
                parent[name] = parent[parent[name]]
                name = parent[name]
            return name

        for name in members:
            for dep in self.deps[name]:
                if dep in members:
                    parent[find(dep)] = find(name)
        groups: dict[str, set[str]] = {}
        for name in members:
            groups.setdefault(find(name), set()).add(name)
        segments = []
        for group in groups.values():
            touched = {
                child
                for name in group
                for child in self.dependents.get(name, ())
                if self.steps[child].type is StepType.DECISION
            }
            segments.append(Segment(frozenset(group), frozenset(touched)))
        segments.sort(key=lambda seg: min(self.position[n] for n in seg.members))
        return tuple(segments)

    def convergence_steps_after(self, template_name: str) -> list[str]:
        """``deferred_convergence`` steps that list ``template_name`` as a dependency."""
        return [
            name
            for name, step in self.steps.items()
            if step.type is StepType.DEFERRED_CONVERGENCE and template_name in self.deps[name]
        ]
