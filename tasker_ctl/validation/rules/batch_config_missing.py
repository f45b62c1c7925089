"""A ``batch_worker`` step has no ``batch_config``.

When the batchable step asks for workers, the orchestrator reads
``batch_config`` from the worker-template step and fails with "Invalid batch
configuration: Step x missing batch configuration".

FAIL::

    - name: process_batch
      type: batch_worker
      dependencies: [analyze]
      handler: {callable: csv.ProcessBatch}

PASS::

    - name: process_batch
      type: batch_worker
      dependencies: [analyze]
      handler: {callable: csv.ProcessBatch}
      batch_config:
        batch_size: 100
        parallelism: 4
        cursor_field: row_number
        worker_template: process_batch
        failure_strategy: continue_on_failure
"""

from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "BATCH_CONFIG_MISSING"
SEVERITY = Severity.ERROR


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report batch workers without ``batch_config``."""
    for step in ctx.steps:
        if step.type == "batch_worker" and "batch_config" not in step.raw:
            if f"{step.pointer}/batch_config" in ctx.read.locations:
                continue  # present but unreadable: reported as a type error
            yield ctx.finding(
                ID,
                f"batch_worker step {step.label} has no batch_config; creating its workers "
                "fails at runtime",
                f"{step.pointer}/name",
                hint="add a batch_config block (batch_size, parallelism, cursor_field, "
                "worker_template, failure_strategy)",
            )
