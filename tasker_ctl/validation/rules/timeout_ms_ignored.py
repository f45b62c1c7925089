"""``handler.initialization.timeout_ms`` is not a non-negative integer, so it is ignored.

The orchestrator takes the step timeout from ``initialization.timeout_ms`` only
when it is an unsigned integer; anything else (``"5000"``, ``5.5``, ``-1``) is
skipped silently and ``timeout_seconds`` (or 30 s) applies.

FAIL::

    initialization:
      timeout_ms: "5000"

PASS::

    initialization:
      timeout_ms: 5000
"""

from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "TIMEOUT_MS_IGNORED"
SEVERITY = Severity.WARNING


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report ``timeout_ms`` values that are not whole non-negative numbers."""
    for step in ctx.steps:
        if "timeout_ms" not in step.initialization:
            continue
        value = step.initialization["timeout_ms"]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            yield ctx.finding(
                ID,
                f"initialization.timeout_ms {value!r} of step {step.label} is not a "
                "non-negative integer and is ignored",
                f"{step.pointer}/handler/initialization/timeout_ms",
            )
