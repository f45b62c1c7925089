"""The same step is listed twice in one ``dependencies`` list.

The database has a unique constraint per edge and the insert has no conflict
handling, so task creation fails ("Failed to create edge"). The old JSON schema
had ``uniqueItems``; Rust does not check it.

FAIL::

    dependencies: [validate, validate]

PASS::

    dependencies: [validate]
"""

from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "DUPLICATE_DEPENDENCY"
SEVERITY = Severity.ERROR


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report the second and later occurrences of a dependency."""
    for step in ctx.steps:
        seen: set[str] = set()
        for index, dep in enumerate(step.dependencies):
            if dep in seen:
                yield ctx.finding(
                    ID,
                    f"Step {step.label} lists dependency '{dep}' more than once",
                    f"{step.pointer}/dependencies/{index}",
                    hint="remove the repeated entry",
                )
            seen.add(dep)
