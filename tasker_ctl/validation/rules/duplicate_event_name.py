"""A step declares the same event name twice: only the last declaration is used.

FAIL::

    publishes_events:
      - name: payment.processed
        ...
      - name: payment.processed
        ...

PASS: one declaration per event name (use ``condition`` to pick when it fires).
"""

from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "DUPLICATE_EVENT_NAME"
SEVERITY = Severity.WARNING


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report repeated event names within one step."""
    seen: set[tuple[int, str]] = set()
    for step, index, event in ctx.events():
        name = event.get("name")
        if not isinstance(name, str):
            continue
        if (step.index, name) in seen:
            yield ctx.finding(
                ID,
                f"Step {step.label}: duplicate event name '{name}' - only the last "
                "declaration will be used",
                f"{step.pointer}/publishes_events/{index}/name",
            )
        seen.add((step.index, name))
