"""A step lists itself in its dependencies (SDK code ``SELF_DEPENDENCY``).

Task creation fails with a cycle error.

FAIL::

    - name: charge
      dependencies: [charge]

PASS: remove the step's own name from ``dependencies``.
"""

from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "SELF_DEPENDENCY"
SEVERITY = Severity.ERROR


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report dependencies equal to the step's own name."""
    for step in ctx.steps:
        for index, dep in enumerate(step.dependencies):
            if dep == step.name:
                yield ctx.finding(
                    ID,
                    f"Step {step.label} depends on itself",
                    f"{step.pointer}/dependencies/{index}",
                )
