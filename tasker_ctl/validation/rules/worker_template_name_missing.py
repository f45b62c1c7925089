"""A ``batchable`` step has no ``handler.initialization.worker_template_name``.

When the batchable handler returns the NoBatches outcome (nothing to process),
the orchestrator still creates one placeholder worker and needs the worker
template's name from ``initialization.worker_template_name``; without it the
task fails with "Batchable step 'x' missing worker_template_name". Handlers
that always create batches are unaffected, so this is a warning.

FAIL::

    - name: analyze
      type: batchable
      handler:
        callable: csv.Analyze

PASS::

      handler:
        callable: csv.Analyze
        initialization:
          worker_template_name: process_batch
"""

from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "WORKER_TEMPLATE_NAME_MISSING"
SEVERITY = Severity.WARNING


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report batchable steps without the key."""
    for step in ctx.steps:
        if step.type == "batchable" and "worker_template_name" not in step.initialization:
            workers = ctx.batch_workers_of(step.name)
            if not workers:
                continue  # BATCHABLE_WITHOUT_WORKER says what is missing
            yield ctx.finding(
                ID,
                f"batchable step {step.label} has no handler.initialization."
                "worker_template_name: a NoBatches outcome will fail at runtime",
                f"{step.pointer}/handler",
                key=True,
                hint=f"add `worker_template_name: {workers[0]}` under initialization",
            )
