"""An environment override names a step that does not exist: it is silently ignored.

Overrides apply to the step with that name, or to every step with
``name: ALL``; any other name matches nothing.

FAIL::

    environments:
      production:
        steps:
          - name: chrage
            timeout_seconds: 60

PASS::

          - name: charge
"""

from collections.abc import Iterator

from tasker_ctl.suggest import close_matches
from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "ENV_OVERRIDE_UNKNOWN_STEP"
SEVERITY = Severity.WARNING


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Compare override names with the step names."""
    names = list(ctx.by_name)
    for env, pointer, item in ctx.env_overrides():
        name = item.get("name")
        if not isinstance(name, str) or name == "ALL" or name in ctx.by_name:
            continue
        close = close_matches(name, names, n=1)
        yield ctx.finding(
            ID,
            f"environment '{env}' overrides step '{name}', which does not exist; the "
            "override is ignored",
            f"{pointer}/name",
            hint=f"did you mean '{close[0]}'?" if close else "use a step name or ALL",
        )
