"""A step's ``composition`` does not read as a composition (SDK code ``COMPOSITION_PARSE_ERROR``).

The SDK deserializes the block into ``CompositionSpec``: ``outcome`` (with
``description`` and ``output_schema``) and ``invocations`` (each with
``capability`` and ``config``, ``checkpoint`` a boolean) are required; ``name``
is an optional string. A block that does not read is refused as a whole, so
none of the grammar checks run on it. Every problem is reported at its own
place (serde stops at the first one).

FAIL::

    composition:
      invocations:
        - capability: transform
          checkpoint: "yes"

PASS::

    composition:
      outcome:
        description: Summarise the order
        output_schema: {type: object}
      invocations:
        - capability: transform
          config: {filter: "{total: .context.total}", output: {type: object}}
"""

from collections.abc import Iterator

from tasker_ctl.validation.composition import of_kind
from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "COMPOSITION_PARSE_ERROR"
SEVERITY = Severity.ERROR


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report composition blocks that do not deserialize."""
    for problem in of_kind(ctx, "parse"):
        yield ctx.finding(ID, problem.message, problem.pointer, key=problem.key, hint=problem.hint)
