"""A template, namespace or step name is not snake_case.

Names become queue names, database keys and worker-instance names; every tool
and the original schema expect ``^[a-z][a-z0-9_]*$``. Other names load, but
mixed case and dashes cause trouble later (queue names reject ``-``).

FAIL::

    - name: ValidateCart

PASS::

    - name: validate_cart
"""

import re
from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "NAME_NOT_SNAKE_CASE"
SEVERITY = Severity.WARNING
SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
QUEUE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report non-snake_case names (empty names are ``EMPTY_IDENTITY``'s job)."""
    for key, label in (("name", "Template name"), ("namespace_name", "Namespace")):
        value = ctx.data.get(key)
        if key == "namespace_name" and isinstance(value, str) and not QUEUE.match(value):
            continue  # NAMESPACE_INVALID_FOR_QUEUE reports it as an error
        if isinstance(value, str) and value and not SNAKE.match(value):
            yield ctx.finding(ID, f"{label} '{value}' is not snake_case", f"/{key}")
    for step in ctx.steps:
        if step.name and step.name != "ALL" and not SNAKE.match(step.name):
            yield ctx.finding(
                ID, f"Step name {step.label} is not snake_case", f"{step.pointer}/name"
            )
