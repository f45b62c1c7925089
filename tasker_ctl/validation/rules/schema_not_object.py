"""A ``result_schema`` declares a ``type`` other than ``object`` (SDK code ``SCHEMA_NOT_OBJECT``).

Step results are JSON objects (the worker wraps whatever the handler returns
into an object); a schema for a string or an array describes something the
dependants never see.

FAIL::

    result_schema:
      type: array

PASS::

    result_schema:
      type: object
"""

from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "SCHEMA_NOT_OBJECT"
SEVERITY = Severity.WARNING


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report result schemas whose ``type`` is present and not ``"object"``."""
    for step in ctx.steps:
        schema = step.raw.get("result_schema")
        if isinstance(schema, dict) and "type" in schema and schema["type"] != "object":
            yield ctx.finding(
                ID,
                f"Step {step.label} result_schema type is '{schema['type']}', expected 'object'",
                f"{step.pointer}/result_schema/type",
            )
