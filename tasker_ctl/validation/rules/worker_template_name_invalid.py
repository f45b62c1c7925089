"""``initialization.worker_template_name`` of a batchable step is not a ``batch_worker`` step name.

It must be a string naming a ``batch_worker`` step of the template; otherwise
the NoBatches path fails at runtime.

FAIL::

    initialization:
      worker_template_name: process_batches   # the step is process_batch

PASS::

    initialization:
      worker_template_name: process_batch
"""

from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "WORKER_TEMPLATE_NAME_INVALID"
SEVERITY = Severity.ERROR


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Check the key on batchable steps."""
    for step in ctx.steps:
        if step.type != "batchable" or "worker_template_name" not in step.initialization:
            continue
        value = step.initialization["worker_template_name"]
        pointer = f"{step.pointer}/handler/initialization/worker_template_name"
        if not isinstance(value, str):
            yield ctx.finding(ID, f"worker_template_name must be a string, got {value!r}", pointer)
            continue
        kind = ctx.step_type(value)
        if kind != "batch_worker":
            why = "no step has that name" if kind is None else f"that step is {kind}"
            yield ctx.finding(
                ID,
                f"worker_template_name '{value}' of step {step.label} must name a "
                f"batch_worker step: {why}",
                pointer,
            )
