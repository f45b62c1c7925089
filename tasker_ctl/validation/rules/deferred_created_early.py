"""A ``deferred_convergence`` step over batch workers is created too early.

In a template that has decision steps, task initialization creates every step
that is not below a decision (and not a batch worker), deferred ones included.
A deferred step that converges a batch outside every decision subtree is
therefore created at init; its edges to the not-yet-existing workers are
dropped, and it runs without waiting for the batch.

FAIL::

    - name: route
      type: decision
      dependencies: [start]
    - name: aggregate
      type: deferred_convergence
      dependencies: [process_batch]    # batch not under the decision

PASS: place the batch pipeline under the decision, or move the decision to a
separate template.
"""

from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "DEFERRED_CREATED_EARLY"
SEVERITY = Severity.WARNING


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report deferred steps outside decision subtrees that wait on batch workers."""
    if not ctx.decision_descendants:
        return
    for step in ctx.steps:
        if step.type != "deferred_convergence" or step.name in ctx.created_by_decision:
            continue
        workers = [d for d in step.dependencies if ctx.step_type(d) == "batch_worker"]
        if workers:
            yield ctx.finding(
                ID,
                f"deferred_convergence step {step.label} is created at task init (the "
                "template has decisions and it is not below one), so it runs without waiting "
                f"for batch worker '{workers[0]}'",
                f"{step.pointer}/type",
            )
