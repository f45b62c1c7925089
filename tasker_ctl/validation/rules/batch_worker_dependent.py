"""A step other than ``deferred_convergence`` depends on a ``batch_worker`` step.

Batch-worker template steps are never created at task initialization; the edge
from them is silently dropped, so a standard (or decision, or batchable)
dependent runs immediately, without waiting for any worker. Only a
``deferred_convergence`` step is created once the workers exist.

FAIL::

    - name: aggregate
      dependencies: [process_batch]

PASS::

    - name: aggregate
      type: deferred_convergence
      dependencies: [process_batch]
"""

from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "BATCH_WORKER_DEPENDENT"
SEVERITY = Severity.ERROR


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report non-deferred steps with a batch_worker dependency."""
    for step in ctx.steps:
        if step.type == "deferred_convergence":
            continue
        for index, dep in enumerate(step.dependencies):
            if dep != step.name and ctx.step_type(dep) == "batch_worker":
                yield ctx.finding(
                    ID,
                    f"{step.type} step {step.label} depends on batch_worker '{dep}': the edge "
                    "is dropped and the step runs without waiting for the workers",
                    f"{step.pointer}/dependencies/{index}",
                    hint="make it `type: deferred_convergence`",
                )
