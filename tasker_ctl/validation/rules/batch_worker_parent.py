"""A ``batch_worker`` step does not depend on exactly one ``batchable`` step.

Worker instances are created by one batchable step and get an edge from it; a
worker template depending on no batchable step is never instantiated, and one
depending on two is ambiguous.

FAIL::

    - name: process_batch
      type: batch_worker
      dependencies: [load_file]     # a standard step

PASS::

      dependencies: [analyze]       # the batchable step
"""

from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "BATCH_WORKER_PARENT"
SEVERITY = Severity.ERROR


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Count batchable dependencies of every batch worker."""
    for step in ctx.steps:
        if step.type != "batch_worker":
            continue
        parents = [d for d in dict.fromkeys(step.dependencies) if ctx.step_type(d) == "batchable"]
        if len(parents) == 1:
            continue
        what = "no batchable step" if not parents else f"{len(parents)} batchable steps"
        yield ctx.finding(
            ID,
            f"batch_worker step {step.label} depends on {what}; it must depend on exactly one",
            f"{step.pointer}/dependencies" if step.dependencies else f"{step.pointer}/name",
            key=bool(step.dependencies),
        )
