"""A value the real system accepts but acts on differently from what it says.

The Rust structs declare ``#[validate(range(...))]`` limits that are never run
on templates, so every value loads. This rule reports only the values that
production then acts on in a way the template does not say:

* ``retry.max_attempts: 0`` on a retryable step: the first attempt always runs
  and a retry needs ``attempts < max_attempts``, so production makes exactly one
  attempt and never retries, although the step says ``retryable``. (With
  ``retryable: false`` the two agree, and nothing is reported.)
* ``timeout_seconds: 0``: the orchestrator sends every attempt with a 0 ms
  timeout (the 30 s default applies only when the key is absent).
* a template ``lifecycle`` staleness threshold (``max_waiting_for_dependencies_minutes``,
  ``max_waiting_for_retry_minutes``, ``max_steps_in_process_minutes``) below 1
  minute: the staleness sweep reads it, so the task is treated as stale at the
  first sweep after it enters that state.

Values outside the declared ranges that nothing reads or enforces are not
reported: ``backoff_base_ms`` and ``max_backoff_ms`` (retry delays come from the
orchestrator's own backoff settings, never from the template, so ``50`` in a
fast test template changes nothing), ``max_attempts`` above 100 (honoured as
written), ``batch_config.batch_size``/``parallelism`` (the batchable handler
decides the batches), ``max_duration_minutes`` and ``staleness_action`` (not
read), and anything inside an
environment override's ``retry`` (orchestration never applies overrides).

FAIL::

    retry:
      max_attempts: 0
    timeout_seconds: 0

PASS::

    retry:
      max_attempts: 1
    timeout_seconds: 30
"""

from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "VALUE_OUT_OF_RANGE"
SEVERITY = Severity.WARNING
LIFECYCLE_MINUTES = (
    "max_waiting_for_dependencies_minutes",
    "max_waiting_for_retry_minutes",
    "max_steps_in_process_minutes",
)


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report the ranged values production acts on differently from what they say."""
    for step in ctx.steps:
        retry = step.raw.get("retry")
        if (
            isinstance(retry, dict)
            and retry.get("max_attempts") == 0
            and retry.get("retryable") is not False
        ):
            yield ctx.finding(
                ID,
                f"step {step.label}: max_attempts 0 is outside 1..=100; production still "
                "makes the first attempt and never retries, although the step is retryable",
                f"{step.pointer}/retry/max_attempts",
                hint="write `max_attempts: 1` (one attempt, no retries) or the total "
                "number of attempts you want",
            )
        if step.raw.get("timeout_seconds") == 0:
            yield ctx.finding(
                ID,
                f"step {step.label}: timeout_seconds 0 is outside 1..=3600; production "
                "sends every attempt with a 0 ms timeout instead of the 30 s default",
                f"{step.pointer}/timeout_seconds",
                hint="remove it for the 30 s default, or give the seconds a handler needs",
            )
    lifecycle = ctx.data.get("lifecycle")
    if not isinstance(lifecycle, dict):
        return
    for key in LIFECYCLE_MINUTES:
        value = lifecycle.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value < 1:
            yield ctx.finding(
                ID,
                f"lifecycle {key} {value} is below 1 minute; production's staleness check "
                "treats the task as stale at its first sweep in that state",
                f"/lifecycle/{key}",
                hint="remove it for the system default, or give a positive number of minutes",
            )
