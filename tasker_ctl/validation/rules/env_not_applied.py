"""An environment other than ``production``: the real system never applies it.

The Rust worker resolves templates for ``production`` only, and orchestration
applies no environment at all. Other blocks (``test``, ``development``) are
dead configuration for the real system; ``tasker-ctl run`` can still apply
them locally.

FAIL (advice)::

    environments:
      test:
        steps: [...]

PASS::

    environments:
      production:
        steps: [...]
"""

from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding, escape_pointer

ID = "ENV_NOT_APPLIED"
SEVERITY = Severity.INFO


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report every environment except ``production``."""
    environments = ctx.data.get("environments")
    if not isinstance(environments, dict):
        return
    for env in environments:
        if env != "production":
            yield ctx.finding(
                ID,
                f"environment '{env}' is never applied by the real system (only "
                "'production' is, by the worker)",
                f"/environments/{escape_pointer(env)}",
                key=True,
            )
