"""A dependency names a step that does not exist (SDK code ``MISSING_DEP_REF``).

Registration rejects the template: "Step 'x' depends on non-existent step 'y'".
The finding suggests the closest existing step name.

FAIL::

    - name: charge
      dependencies: [validate_card]     # the step is called validate_cart

PASS::

    - name: charge
      dependencies: [validate_cart]
"""

from collections.abc import Iterator

from tasker_ctl.suggest import close_matches
from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "MISSING_DEP_REF"
SEVERITY = Severity.ERROR


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report every dependency that names no step of the template."""
    names = list(ctx.by_name)
    for step in ctx.steps:
        for index, dep in enumerate(step.dependencies):
            if dep in ctx.by_name:
                continue
            close = close_matches(dep, names, n=1)
            yield ctx.finding(
                ID,
                f"Step {step.label} depends on '{dep}' which does not exist",
                f"{step.pointer}/dependencies/{index}",
                hint=f"did you mean '{close[0]}'?" if close else None,
            )
