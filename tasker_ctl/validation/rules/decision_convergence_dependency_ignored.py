"""A deferred step that a decision creates lists a dependency that does not exist yet.

When a decision creates its branches it also creates the ``deferred_convergence``
steps that list one of them, with edges **only from the steps created in that
same pass**. A dependency that is not created in the pass (a batch's convergence
step or workers, created later by the batch; a step of another decision), or
that runs beside the decision instead of before it, gets no edge: the deferred
step runs as soon as the branches it does wait for are done, without it.

FAIL::

    - name: route
      type: decision
    - name: express
      dependencies: [route]
    - name: split_lines              # batchable, created by route
      type: batchable
      dependencies: [route]
    - name: sum_lines                # created later, by the batch
      type: deferred_convergence
      dependencies: [process_lines]
    - name: finish
      type: deferred_convergence
      dependencies: [express, sum_lines]   # runs after express, without sum_lines

PASS: depend on steps the decision creates (``[express, split_lines]``), or put the
work that needs the batch's result in the batch's own convergence step.
"""

from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "DECISION_CONVERGENCE_DEPENDENCY_IGNORED"
SEVERITY = Severity.WARNING


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report dependencies of decision-created deferred steps that get no edge."""
    created = ctx.created_by_decision_pass
    for step in ctx.steps:
        if step.type != "deferred_convergence" or step.name not in created:
            continue
        deciders = [d for d, below in ctx.decision_descendants.items() if step.name in below]
        # complete before every decision that can create this step: nothing to wait for
        done_before = set.intersection(*(ctx.ancestors(d) | {d} for d in deciders))
        for index, dep in enumerate(step.dependencies):
            if dep in created or dep in done_before or dep not in ctx.by_name:
                continue
            if dep == step.name:
                continue
            later = ""
            kind = ctx.step_type(dep)
            if kind == "batch_worker":
                later = " (a batch worker, created later by its batch)"
            elif kind == "deferred_convergence":
                later = " (created later, by a batch)"
            yield ctx.finding(
                ID,
                f"deferred_convergence step {step.label} is created by decision "
                f"'{deciders[0]}' with edges only from the steps that decision creates: it "
                f"does not wait for '{dep}'{later} and can run before it",
                f"{step.pointer}/dependencies/{index}",
                hint=f"depend on steps '{deciders[0]}' creates, or move the work that needs "
                f"'{dep}' into a step that runs after it",
            )
