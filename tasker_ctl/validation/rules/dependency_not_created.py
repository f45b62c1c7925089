"""A step that exists from the start depends on a ``deferred_convergence`` step that does not.

In a template without decision steps, task initialization creates every step
except ``batch_worker`` and ``deferred_convergence`` steps, and makes edges only
between created steps. A standard (or batchable) step that depends on a
deferred step therefore gets no edge from it: it runs at once, without waiting
for the convergence step (``tasker-ctl run`` warns ``dependency_not_created``).
Making it deferred does not help either: a batch creates only the deferred
steps that list the worker template itself. Work that must follow the
convergence step belongs in its handler.

FAIL::

    - name: aggregate
      type: deferred_convergence
      dependencies: [process_batch]
    - name: report
      dependencies: [aggregate]      # runs as soon as the task starts

PASS: do the reporting in ``aggregate``'s handler.
"""

from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "DEPENDENCY_NOT_CREATED"
SEVERITY = Severity.ERROR


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report initial steps of decision-free templates that wait on a deferred step."""
    if ctx.decision_descendants:
        return  # with decisions, deferred steps outside them exist from the start
    for step in ctx.steps:
        if step.type in ("deferred_convergence", "batch_worker"):
            continue
        for index, dep in enumerate(step.dependencies):
            if dep != step.name and ctx.step_type(dep) == "deferred_convergence":
                yield ctx.finding(
                    ID,
                    f"{step.type} step {step.label} depends on deferred_convergence step "
                    f"'{dep}', which does not exist when the task starts: the edge is dropped "
                    f"and {step.label} runs without waiting for it",
                    f"{step.pointer}/dependencies/{index}",
                    hint=f"move this work into the handler of '{dep}'",
                )
