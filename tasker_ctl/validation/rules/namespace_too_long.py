"""The namespace is longer than 29 characters (SDK code ``NAMESPACE_TOO_LONG``).

Queue names are limited to 47 characters. From 30 characters on, the
``{namespace}_domain_events_dlq`` queue name no longer fits, so the namespace
fails at runtime; the SDK validator only warns, this linter reports an error.
From 34 characters on even ``{namespace}_domain_events`` fails (reported as
``NAMESPACE_INVALID_FOR_QUEUE``).

FAIL::

    namespace_name: customer_success_refund_processing

PASS::

    namespace_name: customer_success
"""

from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "NAMESPACE_TOO_LONG"
SEVERITY = Severity.ERROR
LIMIT = 29
QUEUE_LIMIT = 33


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report 30-33 characters (longer ones are ``NAMESPACE_INVALID_FOR_QUEUE``)."""
    namespace = ctx.data.get("namespace_name")
    if isinstance(namespace, str) and LIMIT < len(namespace) <= QUEUE_LIMIT:
        yield ctx.finding(
            ID,
            f"Namespace '{namespace}' is {len(namespace)} chars (max {LIMIT} for PGMQ queue "
            f"names): '{namespace}_domain_events_dlq' exceeds 47 characters",
            "/namespace_name",
            hint=f"shorten the namespace to {LIMIT} characters or fewer",
        )
