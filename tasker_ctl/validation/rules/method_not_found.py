"""``handler.method`` names a method the resolved handler does not have (``--import`` only).

With method dispatch the worker calls ``handler.<method>(context)``; a missing
method makes resolution fail (Python returns no handler; Ruby and Rust raise).

FAIL::

    handler:
      callable: payments.PaymentHandler
      method: refnud

PASS::

      method: refund
"""

from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "METHOD_NOT_FOUND"
SEVERITY = Severity.ERROR


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report methods missing on the resolved handlers."""
    if ctx.handler_check is None:
        return
    for step in ctx.steps:
        method = ctx.handler_check.missing_methods.get(step.index)
        if method is not None:
            yield ctx.finding(
                ID,
                f"Step {step.label}: the handler has no method '{method}'",
                f"{step.pointer}/handler/method",
            )
