"""The namespace cannot be turned into a queue name.

Each namespace gets the queues ``worker_{namespace}_queue`` and
``{namespace}_domain_events``, which must be at most 47 characters of
``[A-Za-z0-9_]`` starting with a letter or ``_``. Registration does not check
this; the worker fails with ``InvalidQueueName`` when it builds the queue.

FAIL::

    namespace_name: order-processing

PASS::

    namespace_name: order_processing
"""

import re
from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "NAMESPACE_INVALID_FOR_QUEUE"
SEVERITY = Severity.ERROR
PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
MAX_LENGTH = 33


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report a namespace with other characters or more than 33 characters."""
    namespace = ctx.data.get("namespace_name")
    if not isinstance(namespace, str) or not namespace:
        return
    if not PATTERN.match(namespace):
        yield ctx.finding(
            ID,
            f"Namespace '{namespace}' is not a valid queue name: use letters, digits and "
            "'_', starting with a letter or '_'",
            "/namespace_name",
        )
    elif len(namespace) > MAX_LENGTH:
        yield ctx.finding(
            ID,
            f"Namespace '{namespace}' is {len(namespace)} chars: the queue name "
            f"'{namespace}_domain_events' exceeds the 47-character limit",
            "/namespace_name",
            hint="shorten the namespace to 29 characters or fewer",
        )
