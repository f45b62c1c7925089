"""An environment override sets only some ``retry`` fields: the others revert to defaults.

An override's ``retry`` replaces the step's whole retry block; omitted fields
take the serde defaults (``retryable: true``, ``max_attempts: 3``, no backoff
times), not the step's values. ``retry: {max_attempts: 1}`` on a step with
``retryable: false`` makes it retryable again.

FAIL::

    steps:
      - name: charge
        retry: {retryable: false, max_attempts: 1}
    environments:
      production:
        steps:
          - name: charge
            retry: {max_attempts: 2}     # retryable silently becomes true

PASS: repeat every retry field in the override.
"""

from collections.abc import Iterator
from typing import Any

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "ENV_RETRY_PARTIAL"
SEVERITY = Severity.WARNING
DEFAULTS: dict[str, Any] = {
    "retryable": True,
    "max_attempts": 3,
    "backoff": "exponential",
    "backoff_base_ms": None,
    "max_backoff_ms": None,
}


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report overrides whose omitted retry fields change the step's behaviour."""
    for env, pointer, item in ctx.env_overrides():
        if not isinstance(item.get("retry"), dict):
            continue
        targets = _targets(ctx, item.get("name"))
        changed = sorted(
            {
                field
                for field in DEFAULTS
                if field not in item["retry"]
                for step_retry in targets
                if step_retry.get(field, DEFAULTS[field]) != DEFAULTS[field]
            }
        )
        if changed:
            effects = ", ".join(f"{f} becomes {_shown(DEFAULTS[f])}" for f in changed)
            yield ctx.finding(
                ID,
                f"environment '{env}' replaces the whole retry block of "
                f"'{item.get('name')}': {effects}",
                f"{pointer}/retry",
                key=True,
                hint="repeat " + ", ".join(changed) + " in the override",
            )


def _targets(ctx: RuleContext, name: Any) -> list[dict[str, Any]]:
    steps = ctx.steps if name == "ALL" else [s for s in ctx.steps if s.name == name]
    blocks = []
    for step in steps:
        retry = step.raw.get("retry")
        blocks.append(
            retry if isinstance(retry, dict) else {"backoff_base_ms": 1000, "max_backoff_ms": 30000}
        )
    return blocks


def _shown(value: Any) -> str:
    if value is None:
        return "unset"
    return str(value).lower() if isinstance(value, bool) else str(value)
