"""A value is outside the range the Rust model declares (but never enforces).

The structs carry ``#[validate(range(...))]`` attributes that are never run on
templates, so these values load and misbehave later: ``max_attempts`` 1..=100
(``0`` still makes one attempt), ``backoff_base_ms`` 100..=3600000,
``max_backoff_ms`` 1000..=3600000, ``timeout_seconds`` above 0,
``batch_size`` 1..=100000, ``parallelism`` 1..=1000, lifecycle minutes
(``max_duration_minutes`` 1..=43200, the others 1..=10080) and
``staleness_action`` one of ``dlq``, ``error``, ``none``.

FAIL::

    retry:
      max_attempts: 0
    timeout_seconds: 0

PASS::

    retry:
      max_attempts: 1
    timeout_seconds: 30
"""

from collections.abc import Iterator, Mapping
from typing import Any

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "VALUE_OUT_OF_RANGE"
SEVERITY = Severity.WARNING
RETRY = {
    "max_attempts": (1, 100),
    "backoff_base_ms": (100, 3_600_000),
    "max_backoff_ms": (1000, 3_600_000),
}
BATCH = {"batch_size": (1, 100_000), "parallelism": (1, 1000)}
LIFECYCLE = {
    "max_duration_minutes": (1, 43_200),
    "max_waiting_for_dependencies_minutes": (1, 10_080),
    "max_waiting_for_retry_minutes": (1, 10_080),
    "max_steps_in_process_minutes": (1, 10_080),
}
STALENESS_ACTIONS = ("dlq", "error", "none")


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Check every ranged field that is present."""
    for step in ctx.steps:
        yield from _ranges(ctx, step.raw.get("retry"), RETRY, f"{step.pointer}/retry")
        yield from _ranges(ctx, step.raw.get("batch_config"), BATCH, f"{step.pointer}/batch_config")
        if step.raw.get("timeout_seconds") == 0:
            yield ctx.finding(
                ID,
                f"step {step.label}: timeout_seconds 0 is outside 1..=3600",
                f"{step.pointer}/timeout_seconds",
            )
    lifecycle = ctx.data.get("lifecycle")
    yield from _ranges(ctx, lifecycle, LIFECYCLE, "/lifecycle")
    if isinstance(lifecycle, dict):
        action = lifecycle.get("staleness_action")
        if isinstance(action, str) and action not in STALENESS_ACTIONS:
            yield ctx.finding(
                ID,
                f"staleness_action '{action}' is not one of {', '.join(STALENESS_ACTIONS)}",
                "/lifecycle/staleness_action",
            )
    for _env, pointer, item in ctx.env_overrides():
        yield from _ranges(ctx, item.get("retry"), RETRY, f"{pointer}/retry")


def _ranges(
    ctx: RuleContext, block: Any, limits: Mapping[str, tuple[int, int]], pointer: str
) -> Iterator[Finding]:
    if not isinstance(block, dict):
        return
    for key, (low, high) in limits.items():
        value = block.get(key)
        if isinstance(value, int) and not low <= value <= high:
            yield ctx.finding(ID, f"{key} {value} is outside {low}..={high}", f"{pointer}/{key}")
