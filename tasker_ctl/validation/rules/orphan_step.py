"""A step has no dependencies and nothing depends on it (SDK code ``ORPHAN_STEP``).

In a template with more than one step, such a step runs in parallel with
everything, unconnected; usually a dependency is missing. Templates that run
independent steps on purpose can turn the rule off in ``.tasker-ctl.toml``::

    [lint.rules]
    ORPHAN_STEP = "off"

FAIL::

    - name: a
    - name: b
      dependencies: [a]
    - name: audit          # nothing depends on it, it depends on nothing

PASS: connect ``audit`` (e.g. ``dependencies: [b]``).
"""

from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "ORPHAN_STEP"
SEVERITY = Severity.WARNING


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report unconnected steps when the template has more than one step."""
    if len(ctx.steps) < 2:
        return
    for step in ctx.steps:
        if step.name is None or step.dependencies or ctx.dependents.get(step.name):
            continue
        yield ctx.finding(
            ID,
            f"Step {step.label} has no dependencies and nothing depends on it",
            f"{step.pointer}/name",
        )
