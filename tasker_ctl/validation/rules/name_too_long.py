"""A name or version is longer than its database column.

Template names are stored in ``varchar(64)``, versions in ``varchar(16)`` and
step names in ``varchar(128)``; batch workers also get a ``_NNN`` suffix, so
their names must leave 4 characters free. The insert fails at registration or
at batch time.

FAIL::

    version: 2026.01.01-release-candidate-1

PASS::

    version: 2026.1.1
"""

from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "NAME_TOO_LONG"
SEVERITY = Severity.ERROR
LIMITS = {"name": 64, "version": 16}
STEP_LIMIT = 128
BATCH_SUFFIX = 4


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Compare lengths with the database columns."""
    for key, limit in LIMITS.items():
        value = ctx.data.get(key)
        if isinstance(value, str) and len(value) > limit:
            yield ctx.finding(
                ID,
                f"Template {key} is {len(value)} characters; the database column holds {limit}",
                f"/{key}",
            )
    for step in ctx.steps:
        if step.name is None:
            continue
        limit = STEP_LIMIT - (BATCH_SUFFIX if step.type == "batch_worker" else 0)
        if len(step.name) > limit:
            yield ctx.finding(
                ID,
                f"Step name '{step.name[:40]}...' is {len(step.name)} characters; at most "
                f"{limit} fit" + (" (batch workers get a _NNN suffix)" if limit < 128 else ""),
                f"{step.pointer}/name",
            )
