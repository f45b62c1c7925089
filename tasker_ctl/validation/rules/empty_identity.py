"""``name``, ``namespace_name`` or ``version`` is empty.

Registration rejects the template with ``Template name cannot be empty`` (or
the namespace/version variant). ``name:`` with no value is an empty string for
serde, not a missing field.

FAIL::

    name: ""
    namespace_name: shop
    version:

PASS::

    name: order
    namespace_name: shop
    version: 1.0.0
"""

from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "EMPTY_IDENTITY"
SEVERITY = Severity.ERROR

_LABELS = {"name": "name", "namespace_name": "namespace_name", "version": "version"}


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report each identity field that is present but empty."""
    for key, label in _LABELS.items():
        value = ctx.data.get(key)
        if isinstance(value, str) and not value.strip():
            yield ctx.finding(ID, f"Template {label} cannot be empty", f"/{key}")
