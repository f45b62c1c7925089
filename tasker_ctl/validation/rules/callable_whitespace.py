"""``handler.callable`` contains whitespace.

A callable is a lookup key (an import path, a constant path or a registered
name) and is compared exactly: ``" payments.Charge"`` or ``"payments. Charge"``
never matches a handler in any language.

FAIL::

    callable: "payments.ChargeHandler "

PASS::

    callable: payments.ChargeHandler
"""

from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "CALLABLE_WHITESPACE"
SEVERITY = Severity.ERROR


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report non-empty callables that contain any whitespace character."""
    for step in ctx.steps:
        value = step.handler.get("callable")
        if isinstance(value, str) and value and any(c.isspace() for c in value):
            yield ctx.finding(
                ID,
                f"Step {step.label} has a handler callable with whitespace: {value!r}",
                f"{step.pointer}/handler/callable",
                hint="remove the spaces; callables are matched exactly",
            )
