"""``handler.method`` or ``handler.resolver`` is the empty string.

The languages disagree on what ``""`` means: Rust treats ``method: ""`` as
method dispatch to a method with no name and ``resolver: ""`` as a hint, while
Python treats both as unset. Leave the key out instead.

FAIL::

    handler:
      callable: payments.Charge
      method: ""

PASS::

    handler:
      callable: payments.Charge
"""

from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "EMPTY_HANDLER_HINT"
SEVERITY = Severity.ERROR


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report empty ``method``/``resolver`` strings."""
    for step in ctx.steps:
        for key in ("method", "resolver"):
            if step.handler.get(key) == "":
                yield ctx.finding(
                    ID,
                    f"`handler.{key}` is empty (step {step.label}); Rust and Python read it "
                    "differently",
                    f"{step.pointer}/handler/{key}",
                    hint=f"remove `{key}`",
                )
