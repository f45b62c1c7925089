"""A ``decision`` step has no dependencies.

Registration rejects the template: "Decision step 'x' must have at least one
dependency".

FAIL::

    - name: route
      type: decision
      handler: {callable: orders.RouteHandler}

PASS::

    - name: route
      type: decision
      dependencies: [validate]
      handler: {callable: orders.RouteHandler}
"""

from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "DECISION_WITHOUT_DEPENDENCY"
SEVERITY = Severity.ERROR


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report decision steps with an empty dependency list."""
    for step in ctx.steps:
        if step.type == "decision" and not step.dependencies:
            yield ctx.finding(
                ID,
                f"Decision step {step.label} must have at least one dependency",
                f"{step.pointer}/name",
            )
