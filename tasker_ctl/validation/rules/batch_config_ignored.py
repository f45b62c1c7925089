"""``batch_config`` on a step that is not a ``batch_worker``: it is never read.

The orchestrator reads ``batch_config`` only from the worker-template step (the
``batch_worker``), despite a model comment suggesting the batchable step.

FAIL::

    - name: analyze
      type: batchable
      batch_config: {...}

PASS: move ``batch_config`` to the ``batch_worker`` step.
"""

from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "BATCH_CONFIG_IGNORED"
SEVERITY = Severity.WARNING


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report ``batch_config`` blocks on non-worker steps."""
    for step in ctx.steps:
        if step.type != "batch_worker" and step.raw.get("batch_config") is not None:
            yield ctx.finding(
                ID,
                f"batch_config on {step.type} step {step.label} is never read; it belongs on "
                "the batch_worker step",
                f"{step.pointer}/batch_config",
                key=True,
            )
