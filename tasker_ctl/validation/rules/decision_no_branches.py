"""A ``decision`` step has no dependent steps: it can only choose "no branches".

A decision creates steps among its descendants; with none, any other outcome
fails ("is not a valid descendant of decision point").

FAIL::

    - name: route
      type: decision
      dependencies: [validate]
    # no step depends on route

PASS: add the branch steps with ``dependencies: [route]``.
"""

from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "DECISION_NO_BRANCHES"
SEVERITY = Severity.WARNING


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report decision steps that nothing depends on."""
    for step in ctx.steps:
        if step.type == "decision" and step.name and not ctx.dependents.get(step.name):
            yield ctx.finding(
                ID,
                f"decision step {step.label} has no dependent steps, so it can only return "
                "NoBranches",
                f"{step.pointer}/name",
            )
