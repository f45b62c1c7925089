"""``handler.callable`` is the empty string (SDK code ``EMPTY_CALLABLE``).

The Rust loader accepts ``callable: ""``; no resolver can find a handler for it,
so the step fails with "Handler not found" at runtime.

FAIL::

    handler:
      callable: ""

PASS::

    handler:
      callable: payments.ChargeHandler
"""

from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "EMPTY_CALLABLE"
SEVERITY = Severity.ERROR


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report callables that are exactly ``""``."""
    for step in ctx.steps:
        if step.handler.get("callable") == "":
            yield ctx.finding(
                ID,
                f"Step {step.label} has an empty handler callable",
                f"{step.pointer}/handler/callable",
            )
