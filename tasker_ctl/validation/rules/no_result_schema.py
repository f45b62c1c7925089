"""A step declares no ``result_schema`` (SDK code ``NO_RESULT_SCHEMA``, advice only).

The orchestrator never checks results against it, but code generation and the
schema-compatibility tools use it to type what flows between steps.

FAIL::

    - name: charge
      handler: {callable: payments.Charge}

PASS::

    - name: charge
      handler: {callable: payments.Charge}
      result_schema:
        type: object
        properties: {charge_id: {type: string}}
"""

from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "NO_RESULT_SCHEMA"
SEVERITY = Severity.INFO


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report steps without a result schema."""
    for step in ctx.steps:
        if step.raw.get("result_schema") is None:
            yield ctx.finding(
                ID, f"Step {step.label} has no result_schema defined", f"{step.pointer}/name"
            )
