"""Two steps have the same name (SDK code ``DUPLICATE_STEP_NAME``).

Step names are unique per task in the database; the second insert fails when a
task is created, long after the template was registered. One finding per
repeated occurrence.

FAIL::

    steps:
      - name: charge
        handler: {callable: a.Charge}
      - name: charge
        handler: {callable: a.Refund}

PASS: give every step its own name.
"""

from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "DUPLICATE_STEP_NAME"
SEVERITY = Severity.ERROR


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report every step whose name was already used by an earlier step."""
    seen: set[str] = set()
    for step in ctx.steps:
        if step.name is None:
            continue
        if step.name in seen:
            yield ctx.finding(ID, f"Duplicate step name: {step.label}", f"{step.pointer}/name")
        seen.add(step.name)
