"""An optional field has another type on the producing side (SDK code ``COMPOSITION_WARNING``).

Upstream reports these at warning level: the final transform's ``output`` gives
an optional field of ``outcome.output_schema`` another type (``TYPE_MISMATCH``
in the message), or the composition's outcome gives an optional field of the
step's ``result_schema`` another type (upstream's code for that case is
``COMPOSITION_RESULT_SCHEMA_MISMATCH`` at warning level). When the field is
present, the step returns a value of a type its declaration does not allow.

FAIL::

    result_schema:
      type: object
      properties: {note: {type: string}}
    composition:
      outcome:
        description: Summarise
        output_schema:
          type: object
          properties: {note: {type: integer}}

PASS::

    result_schema:
      type: object
      properties: {note: {type: string}}
    composition:
      outcome:
        description: Summarise
        output_schema:
          type: object
          properties: {note: {type: string}}
"""

from collections.abc import Iterator

from tasker_ctl.validation.composition import of_kind
from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "COMPOSITION_WARNING"
SEVERITY = Severity.WARNING


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report type differences on optional fields of composition contracts."""
    for problem in of_kind(ctx, "warning"):
        yield ctx.finding(ID, problem.message, problem.pointer, key=problem.key, hint=problem.hint)
