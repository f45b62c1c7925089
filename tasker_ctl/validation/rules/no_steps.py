"""The template has no steps.

The Rust registry accepts ``steps: []`` (or no ``steps`` key), but the worker's
template validation fails with "Template must have at least one step", and a
task created from it does nothing.

FAIL::

    name: order
    namespace_name: shop
    version: 1.0.0
    steps: []

PASS: at least one step.
"""

from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "NO_STEPS"
SEVERITY = Severity.ERROR


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report a template whose ``steps`` list is empty or missing."""
    steps = ctx.data.get("steps")
    if "steps" in ctx.read.locations and not isinstance(steps, list):
        return  # unreadable: INVALID_TYPE already says why
    if not steps:
        yield ctx.finding(
            ID,
            "Template must have at least one step",
            "/steps",
            key=True,
            hint="add a step under `steps:`",
        )
