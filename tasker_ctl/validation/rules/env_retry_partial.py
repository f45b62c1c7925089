"""A ``production`` override sets only part of a step's ``retry``: the rest is dropped.

Of all ``environments``, only ``production`` is ever applied, and only by the
worker, to its copy of the step (what handlers see as ``step_definition``).
There an override's ``retry`` replaces the step's whole retry block: a field
the override leaves out takes its default (``retryable: true``,
``max_attempts: 3``), not the step's value. Orchestration creates the steps
from the template without any override, so retries themselves keep following
the step's own block. Either way production does not do what the override
says: the override's values never reach the retries, and the worker's copy
loses the settings the override left out.

Reported only for ``retryable`` and ``max_attempts`` written on the step's own
``retry`` and left out of a ``production`` override (the backoff fields are
not read at runtime; other environments are never applied, see
``ENV_NOT_APPLIED``).

FAIL::

    steps:
      - name: charge
        retry: {retryable: false, max_attempts: 1}
    environments:
      production:
        steps:
          - name: charge
            retry: {max_attempts: 2}     # retryable silently becomes true

PASS: repeat ``retryable`` and ``max_attempts`` in the override, or change the
step's own ``retry`` block, which is what orchestration reads.
"""

from collections.abc import Iterator
from typing import Any

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "ENV_RETRY_PARTIAL"
SEVERITY = Severity.WARNING
APPLIED_ENVIRONMENT = "production"
DEFAULTS: dict[str, Any] = {"retryable": True, "max_attempts": 3}
"""The retry fields production reads, with the defaults an override falls back to."""


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report production overrides that drop a retry setting the step wrote."""
    for env, pointer, item in ctx.env_overrides():
        retry = item.get("retry")
        if env != APPLIED_ENVIRONMENT or not isinstance(retry, dict):
            continue
        dropped = sorted(
            {
                field
                for field, default in DEFAULTS.items()
                if field not in retry
                for step_retry in _targets(ctx, item.get("name"))
                if field in step_retry and step_retry[field] != default
            }
        )
        if dropped:
            effects = ", ".join(f"{f} becomes {_shown(DEFAULTS[f])}" for f in dropped)
            yield ctx.finding(
                ID,
                f"environment '{env}' reaches only the worker's copy of the step (orchestration "
                "retries by the step's own retry block), and there it replaces the whole "
                f"retry block of '{item.get('name')}': {effects}",
                f"{pointer}/retry",
                key=True,
                hint="repeat " + ", ".join(dropped) + " in the override, or change the "
                "step's own retry block",
            )


def _targets(ctx: RuleContext, name: Any) -> list[dict[str, Any]]:
    """The retry blocks written on the steps the override names (``ALL``: every step)."""
    steps = ctx.steps if name == "ALL" else [s for s in ctx.steps if s.name == name]
    return [retry for s in steps if isinstance(retry := s.raw.get("retry"), dict)]


def _shown(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)
