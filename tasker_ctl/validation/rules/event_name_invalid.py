"""A ``publishes_events`` name is not a valid event name.

Event names are dotted lower-case identifiers: at least one dot, not at the
start or end, no ``..``, only ``[a-z0-9_.]``. The real system checks this only
when an event is published, not when the template is loaded.

FAIL::

    publishes_events:
      - name: PaymentProcessed

PASS::

      - name: payment.processed
"""

import re
from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "EVENT_NAME_INVALID"
SEVERITY = Severity.WARNING
PATTERN = re.compile(r"^[a-z0-9_.]+$")


def problem(name: str) -> str | None:
    """Why ``name`` is not a valid event name, or ``None``."""
    if "." not in name:
        return "must contain a dot (e.g. payment.processed)"
    if name.startswith(".") or name.endswith("."):
        return "must not start or end with a dot"
    if ".." in name:
        return "must not contain '..'"
    if not PATTERN.match(name):
        return "may only contain a-z, 0-9, '_' and '.'"
    return None


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Check every declared event name."""
    for step, index, event in ctx.events():
        name = event.get("name")
        if isinstance(name, str) and (why := problem(name)):
            yield ctx.finding(
                ID,
                f"Step {step.label}, Event '{name}': event name {why}",
                f"{step.pointer}/publishes_events/{index}/name",
            )
