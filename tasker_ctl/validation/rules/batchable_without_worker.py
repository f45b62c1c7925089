"""A ``batchable`` step has no ``batch_worker`` step depending on it.

A batchable handler creates worker instances from a ``batch_worker`` template
step that depends on it; with none, "Worker template not found" is the only
possible outcome.

FAIL::

    - name: analyze
      type: batchable
    - name: process
      dependencies: [analyze]      # standard, not batch_worker

PASS: make the worker ``type: batch_worker`` with a ``batch_config``.
"""

from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "BATCHABLE_WITHOUT_WORKER"
SEVERITY = Severity.ERROR


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report batchable steps that no batch_worker depends on."""
    for step in ctx.steps:
        if step.type != "batchable" or step.name is None:
            continue
        if not ctx.batch_workers_of(step.name):
            yield ctx.finding(
                ID,
                f"batchable step {step.label} has no batch_worker step depending on it",
                f"{step.pointer}/name",
                hint=f"add a step with `type: batch_worker` and `dependencies: [{step.name}]`",
            )
