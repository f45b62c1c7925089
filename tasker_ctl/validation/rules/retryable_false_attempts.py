"""``retryable: false`` together with ``max_attempts`` above 1: only one attempt is made.

Retries need ``retryable: true``; ``max_attempts`` is then irrelevant. Either
the step should retry, or the attempts setting is misleading.

FAIL::

    retry:
      retryable: false
      max_attempts: 5

PASS::

    retry:
      retryable: false
      max_attempts: 1
"""

from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "RETRYABLE_FALSE_ATTEMPTS"
SEVERITY = Severity.INFO


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report non-retryable steps that declare several attempts."""
    for step in ctx.steps:
        retry = step.raw.get("retry")
        if not isinstance(retry, dict) or retry.get("retryable") is not False:
            continue
        attempts = retry.get("max_attempts")
        if isinstance(attempts, int) and attempts > 1:
            yield ctx.finding(
                ID,
                f"step {step.label} is not retryable, so max_attempts {attempts} has no "
                "effect: it runs once",
                f"{step.pointer}/retry/max_attempts",
            )
