"""A composition breaks a grammar rule (SDK code ``COMPOSITION_INVALID``).

The message starts with the grammar's own code:

* ``EMPTY_COMPOSITION``: no invocations; ``TOO_MANY_INVOCATIONS``: more than 100;
* ``FIELD_TOO_LONG``: ``name`` over 256 bytes, ``outcome.description`` over
  4096, a ``capability`` over 128;
* ``MISSING_CAPABILITY``: not one of transform, validate, assert, acquire,
  persist, emit;
* ``CONFIG_SCHEMA_VIOLATION``: ``config`` breaks the capability's schema
  (transform needs ``filter`` and ``output``, assert ``filter`` and ``error``,
  validate ``schema``, acquire ``resource``, persist ``resource`` and ``data``,
  emit ``event_name`` and ``payload``);
* ``MISSING_OUTPUT_SCHEMA``: a transform without a non-empty ``output`` schema;
* ``INVALID_EXPRESSION``: a jq filter that does not compile (transform and
  assert ``filter``; persist ``data``; acquire ``params``; emit ``payload``,
  ``condition`` and ``metadata.correlation_id``/``idempotency_key``; and
  ``validate_success``/``result_shape``), as a string or ``{expression: ...}``;
* ``CHECKPOINT_REQUIRED``: a persist or emit invocation without
  ``checkpoint: true`` (a retry would repeat the write);
* ``MISSING_REQUIRED_FIELD``, ``TYPE_MISMATCH``, ``MISSING_PRODUCER_SCHEMA``:
  the final transform's ``output`` does not give what ``outcome.output_schema``
  requires.

FAIL::

    invocations:
      - capability: transform
        config:
          filter: ".context | {total: .amount"
          output: {type: object}

PASS::

    invocations:
      - capability: transform
        config:
          filter: ".context | {total: .amount}"
          output: {type: object}
"""

from collections.abc import Iterator

from tasker_ctl.validation.composition import of_kind
from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "COMPOSITION_INVALID"
SEVERITY = Severity.ERROR


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report grammar errors in compositions."""
    for problem in of_kind(ctx, "invalid"):
        yield ctx.finding(ID, problem.message, problem.pointer, key=problem.key, hint=problem.hint)
