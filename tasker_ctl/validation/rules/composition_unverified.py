"""A composition contract could not be checked (upstream: ``COMPOSITION_WARNING``, here info).

``UNVERIFIABLE_OUTCOME``: the last invocation is not a transform with an
``output`` schema (a persist or emit ending, say), so nothing shows that the
composition produces ``outcome.output_schema``. ``SCHEMA_DEPTH_EXCEEDED``: the
schemas nest deeper than 32 levels and the deeper part is not compared.
Production behaves the same either way; only the check is missing, so this is
advice, not a warning.

FAIL::

    outcome:
      description: Store the order
      output_schema: {type: object, required: [order_id]}
    invocations:
      - capability: persist
        config: {resource: orders, data: ".context"}
        checkpoint: true

PASS::

    invocations:
      - capability: persist
        config: {resource: orders, data: ".context"}
        checkpoint: true
      - capability: transform
        config:
          filter: "{order_id: .prev.id}"
          output: {type: object, required: [order_id], properties: {order_id: {type: string}}}
"""

from collections.abc import Iterator

from tasker_ctl.validation.composition import of_kind
from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "COMPOSITION_UNVERIFIED"
SEVERITY = Severity.INFO


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report composition contracts that cannot be checked statically."""
    for problem in of_kind(ctx, "unverified"):
        yield ctx.finding(ID, problem.message, problem.pointer, key=problem.key, hint=problem.hint)
