"""A ``publishes_events[].publisher`` is empty or not a class/module path.

The publisher names a custom publisher class: identifiers joined by ``::`` or
``.``. The real system checks it only at publish time.

FAIL::

    publisher: "payments publisher"

PASS::

    publisher: payments.publishers.PaymentEventPublisher
"""

import re
from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "EVENT_PUBLISHER_INVALID"
SEVERITY = Severity.WARNING
PATTERN = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*((::|\.)[a-zA-Z_][a-zA-Z0-9_]*)*$")


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Check every declared publisher."""
    for step, index, event in ctx.events():
        publisher = event.get("publisher")
        if not isinstance(publisher, str) or PATTERN.match(publisher):
            continue
        message = (
            "Publisher name cannot be empty"
            if not publisher
            else f"publisher '{publisher}' is not a class or module path"
        )
        yield ctx.finding(
            ID,
            f"Step {step.label}, Event '{event.get('name')}': {message}",
            f"{step.pointer}/publishes_events/{index}/publisher",
        )
