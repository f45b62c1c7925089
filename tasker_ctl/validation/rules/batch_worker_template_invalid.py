"""``batch_config.worker_template`` does not name a ``batch_worker`` step.

The worker template must be a ``batch_worker`` step of the same template
(conventionally the step that carries the ``batch_config`` itself); otherwise
the orchestrator fails with "Worker template not found" or "is not a
BatchWorker type".

FAIL::

    - name: process_batch
      type: batch_worker
      batch_config: {worker_template: process_batches, ...}

PASS::

      batch_config: {worker_template: process_batch, ...}
"""

from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "BATCH_WORKER_TEMPLATE_INVALID"
SEVERITY = Severity.ERROR


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Check every ``batch_config.worker_template`` against the steps."""
    for step in ctx.steps:
        config = step.raw.get("batch_config")
        if not isinstance(config, dict) or not isinstance(config.get("worker_template"), str):
            continue
        target = config["worker_template"]
        kind = ctx.step_type(target)
        if kind == "batch_worker":
            continue
        why = "no step has that name" if kind is None else f"that step is {kind}"
        yield ctx.finding(
            ID,
            f"batch_config.worker_template '{target}' of step {step.label} must name a "
            f"batch_worker step: {why}",
            f"{step.pointer}/batch_config/worker_template",
            hint=f"use {step.label}" if step.type == "batch_worker" else None,
        )
