"""``result_schema`` asks for what the outcome lacks (``COMPOSITION_RESULT_SCHEMA_MISMATCH``).

The composition's result is its outcome; the step's ``result_schema`` is what
dependants and generated types expect of it. Every field ``result_schema``
requires must be declared in ``outcome.output_schema`` with a compatible type
(an integer meets a number), recursively; an outcome with no schema meets no
requirement. The message starts with the grammar code (``MISSING_REQUIRED_FIELD``,
``TYPE_MISMATCH``, ``MISSING_PRODUCER_SCHEMA``). Optional fields of another
type are ``COMPOSITION_WARNING``.

FAIL::

    result_schema:
      type: object
      required: [order_id]
    composition:
      outcome:
        description: Summarise
        output_schema:
          type: object
          properties: {total: {type: number}}

PASS::

    result_schema:
      type: object
      required: [total]
    composition:
      outcome:
        description: Summarise
        output_schema:
          type: object
          properties: {total: {type: number}}
"""

from collections.abc import Iterator

from tasker_ctl.validation.composition import of_kind
from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "COMPOSITION_RESULT_SCHEMA_MISMATCH"
SEVERITY = Severity.ERROR


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report result schemas the composition outcome does not satisfy."""
    for problem in of_kind(ctx, "result_schema"):
        yield ctx.finding(ID, problem.message, problem.pointer, key=problem.key, hint=problem.hint)
