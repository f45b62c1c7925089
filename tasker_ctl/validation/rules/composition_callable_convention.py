"""A step has a ``composition`` but its callable does not start with ``grammar:``.

SDK parity (``COMPOSITION_CALLABLE_CONVENTION``): composition steps are run by
the grammar engine, addressed as ``grammar:<name>``.

FAIL::

    handler: {callable: orders.Compose}
    composition: {...}

PASS::

    handler: {callable: "grammar:order_summary"}
"""

from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "COMPOSITION_CALLABLE_CONVENTION"
SEVERITY = Severity.WARNING


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report composition steps with a non-grammar callable."""
    for step in ctx.steps:
        callable_ = step.handler.get("callable")
        if step.raw.get("composition") is None or not isinstance(callable_, str):
            continue
        if not callable_.startswith("grammar:"):
            yield ctx.finding(
                ID,
                f"step has a composition but callable '{callable_}' does not use the "
                "'grammar:' prefix",
                f"{step.pointer}/handler/callable",
            )
