"""A schema (``input_schema``, ``result_schema``, an event ``schema``) is not a valid JSON Schema.

Nothing in the real system validates these documents at load time; a broken
``result_schema`` breaks code generation and the schema-compatibility tools,
and a broken event ``schema`` makes every publish of that event fail its payload
validation. The check is structural: keyword value types (``type`` names,
``required`` as a list, ``properties`` as a mapping...), regex patterns that
compile, and misspelt keywords.

FAIL::

    result_schema:
      type: obj
      required: true

PASS::

    result_schema:
      type: object
      required: [charge_id]
"""

from collections.abc import Iterator
from typing import Any

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.json_schema_check import schema_problems
from tasker_ctl.validation.serde import Finding

ID = "INVALID_JSON_SCHEMA"
SEVERITY = Severity.WARNING


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Check every schema the template declares."""
    yield from _check(ctx, ctx.data.get("input_schema"), "/input_schema", "input_schema")
    for index, event in enumerate(_list(ctx.data.get("domain_events"))):
        if isinstance(event, dict) and event.get("schema") is not None:
            yield from _check(ctx, event["schema"], f"/domain_events/{index}/schema", "schema")
    for step in ctx.steps:
        pointer = f"{step.pointer}/result_schema"
        yield from _check(ctx, step.raw.get("result_schema"), pointer, "result_schema")
    for step, index, event in ctx.events():
        at = f"{step.pointer}/publishes_events/{index}/schema"
        yield from _check(ctx, event.get("schema"), at, "event schema")


def _check(ctx: RuleContext, schema: Any, pointer: str, label: str) -> Iterator[Finding]:
    if schema is None:
        return
    for at, message in schema_problems(schema, pointer):
        yield ctx.finding(ID, f"{label}: {message}", at)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
