"""A ``deferred_convergence`` step can never be created.

A deferred step is created dynamically, when a batch or a decision creates one
of its dependencies. In a template without decision steps, a deferred step none
of whose dependencies is a ``batch_worker`` is never created: it never runs, and
neither does anything after it. Below a decision, the decision creates its
branches (up to the next batch worker or deferred step) and the deferred steps
that converge them; a batch creates only its workers and the deferred steps that
list the worker template. A deferred step that waits only on another deferred
step is created by neither.

FAIL::

    - name: a
    - name: b
      type: deferred_convergence
      dependencies: [a]          # a is created at init: b never is

PASS: make ``b`` a ``standard`` step, or make it converge a batch
(``dependencies: [process_batch]``) or decision branches. A deferred step that
only follows another deferred step (a batch's convergence step) is never
created either; its work belongs in that step's handler.
"""

from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "DEFERRED_UNREACHABLE"
SEVERITY = Severity.ERROR


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report deferred steps with no dynamically created dependency."""
    has_decisions = bool(ctx.decision_descendants)
    for step in ctx.steps:
        if step.type != "deferred_convergence" or step.name is None:
            continue
        if has_decisions and step.name not in ctx.created_by_decision:
            continue  # created at init with the rest of the graph: it acts as a standard step
        if any(
            ctx.step_type(d) == "batch_worker" or d in ctx.created_by_decision_pass
            for d in step.dependencies
        ):
            continue
        deferred = [d for d in step.dependencies if ctx.step_type(d) == "deferred_convergence"]
        yield ctx.finding(
            ID,
            f"deferred_convergence step {step.label} is never created: none of its "
            "dependencies is a batch_worker or a step created by a decision",
            f"{step.pointer}/type",
            # after a deferred step, a standard step would not wait either
            hint=f"move this work into the handler of '{deferred[0]}'"
            if deferred
            else "use `type: standard`, or make it depend on a batch_worker step",
        )
