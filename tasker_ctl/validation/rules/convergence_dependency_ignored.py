"""A batch's convergence step also depends on a step the batch does not wait for.

When a batch creates its workers, it also creates every ``deferred_convergence``
step that lists the worker template, with edges **from the workers only**: the
step's other dependencies are dropped. A dependency that is not already upstream
of the workers (the batchable step and what comes before it) is therefore not
waited for, and the convergence step can run before it finishes.

FAIL::

    - name: load_prices              # runs in parallel with the batch
    - name: aggregate
      type: deferred_convergence
      dependencies: [process_batch, load_prices]

PASS: make ``load_prices`` run before the batchable step
(``analyze: dependencies: [load_prices]``), so the workers already wait for it.
"""

from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "CONVERGENCE_DEPENDENCY_IGNORED"
SEVERITY = Severity.WARNING


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report deps of batch convergence steps that are not upstream of the workers."""
    for step in ctx.steps:
        if step.type != "deferred_convergence" or step.name in ctx.created_by_decision_pass:
            continue  # a decision may create it first, with edges of its own
        workers = [d for d in step.dependencies if ctx.step_type(d) == "batch_worker"]
        if not workers:
            continue
        upstream = set(workers).union(*(ctx.ancestors(w) for w in workers))
        for index, dep in enumerate(step.dependencies):
            if dep in upstream or dep not in ctx.by_name or dep == step.name:
                continue
            yield ctx.finding(
                ID,
                f"deferred_convergence step {step.label} is created by the batch of "
                f"'{workers[0]}' with edges from its workers only: it does not wait for "
                f"'{dep}'",
                f"{step.pointer}/dependencies/{index}",
                hint=f"make '{dep}' run before the batchable step, so the workers wait for it",
            )
