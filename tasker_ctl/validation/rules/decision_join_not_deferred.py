"""A step below a decision joins branches (or pre-decision steps) without being deferred.

When a decision creates steps, a created non-deferred step gets an edge *from
the decision* in place of each dependency that was not created in the same
batch. With two or more such dependencies (a pre-decision step, or sibling
branches of which only one is chosen) this yields duplicate edges or a step
that runs without waiting. ``deferred_convergence`` is the step type for
joining branches: it waits for whichever of its dependencies were created.

FAIL::

    - name: route
      type: decision
      dependencies: [validate]
    - name: auto_approve
      dependencies: [route]
    - name: manual_review
      dependencies: [route]
    - name: finalize
      dependencies: [auto_approve, manual_review]

PASS::

    - name: finalize
      type: deferred_convergence
      dependencies: [auto_approve, manual_review]
"""

from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "DECISION_JOIN_NOT_DEFERRED"
SEVERITY = Severity.WARNING


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report non-deferred decision descendants with deps spanning branches."""
    reported: set[str] = set()
    for decision, below in ctx.decision_descendants.items():
        children = ctx.dependents.get(decision, [])
        branch_of: dict[str, set[str]] = {}
        for child in children:
            for name in {child} | ctx.descendants(child):
                branch_of.setdefault(name, set()).add(child)
        for step in ctx.steps:
            if step.name not in below or step.name in reported:
                continue
            if step.type in ("deferred_convergence", "batch_worker"):
                continue
            deps = list(dict.fromkeys(d for d in step.dependencies if d in ctx.by_name))
            if len(deps) < 2:
                continue
            outside = [d for d in deps if d not in below and d != decision]
            branches: set[str] = set()
            for dep in deps:
                branches |= branch_of.get(dep, set())
            if outside or len(branches) > 1:
                reported.add(step.name)
                yield ctx.finding(
                    ID,
                    f"step {step.label} below decision '{decision}' joins "
                    f"{', '.join(deps)}; only some of them are created with it",
                    f"{step.pointer}/type" if "type" in step.raw else f"{step.pointer}/name",
                    hint="make it `type: deferred_convergence`",
                )
