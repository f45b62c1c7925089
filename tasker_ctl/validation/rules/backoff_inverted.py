"""``retry.backoff_base_ms`` is larger than ``retry.max_backoff_ms``.

The cap is below the first delay, so every retry waits the cap; the two values
are almost certainly swapped.

FAIL::

    retry:
      backoff_base_ms: 30000
      max_backoff_ms: 1000

PASS::

    retry:
      backoff_base_ms: 1000
      max_backoff_ms: 30000
"""

from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "BACKOFF_INVERTED"
SEVERITY = Severity.WARNING


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Compare the two backoff values where both are set."""
    for step in ctx.steps:
        retry = step.raw.get("retry")
        if not isinstance(retry, dict):
            continue
        base, cap = retry.get("backoff_base_ms"), retry.get("max_backoff_ms")
        if isinstance(base, int) and isinstance(cap, int) and base > cap:
            yield ctx.finding(
                ID,
                f"step {step.label}: backoff_base_ms {base} is larger than max_backoff_ms {cap}",
                f"{step.pointer}/retry/backoff_base_ms",
            )
