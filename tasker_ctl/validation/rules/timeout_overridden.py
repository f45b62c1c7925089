"""Both ``timeout_seconds`` and ``initialization.timeout_ms`` are set: ``timeout_ms`` wins.

The effective timeout is ``initialization.timeout_ms`` when it is an integer,
else ``timeout_seconds * 1000``, else 30 s. Keep one of the two.

FAIL::

    timeout_seconds: 60
    handler:
      initialization: {timeout_ms: 5000}     # the step times out after 5 s

PASS: keep only the one you mean.
"""

from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "TIMEOUT_OVERRIDDEN"
SEVERITY = Severity.INFO


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report steps that set both timeouts."""
    for step in ctx.steps:
        ms = step.initialization.get("timeout_ms")
        seconds = step.raw.get("timeout_seconds")
        if isinstance(seconds, int) and isinstance(ms, int) and not isinstance(ms, bool):
            yield ctx.finding(
                ID,
                f"step {step.label}: initialization.timeout_ms ({ms} ms) overrides "
                f"timeout_seconds ({seconds} s)",
                f"{step.pointer}/timeout_seconds",
            )
