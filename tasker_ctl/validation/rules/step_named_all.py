"""A step is called ``ALL``, the keyword that environment overrides use for every step.

An environment override with ``name: ALL`` applies to all steps, so this step
can never be targeted on its own.

FAIL::

    - name: ALL

PASS: any other name.
"""

from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "STEP_NAMED_ALL"
SEVERITY = Severity.WARNING


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report steps named exactly ``ALL``."""
    for step in ctx.steps:
        if step.name == "ALL":
            yield ctx.finding(
                ID,
                "Step is named 'ALL', which environment overrides read as 'every step'",
                f"{step.pointer}/name",
            )
