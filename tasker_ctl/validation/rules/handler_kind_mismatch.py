"""The handler found for a step is of a kind that does not fit the step type.

A ``decision`` step needs a decision handler (``@decision_handler``,
``DecisionHandler``...), a ``batchable`` step a batch analyzer, a
``batch_worker`` step a batch worker; a decision or batch handler on a
``standard`` step returns an outcome nobody reads. Also checks that a Python
``@batch_analyzer(..., worker_template="x")`` names a ``batch_worker`` step of
the template. Only handlers whose kind is known from the source are checked.

FAIL::

    - name: route
      type: decision
      handler: {callable: handlers.route.route}    # an @step_handler

PASS: decorate ``route`` with ``@decision_handler``.
"""

from collections.abc import Iterator

from tasker_ctl.resolution import Status
from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "HANDLER_KIND_MISMATCH"
SEVERITY = Severity.WARNING
EXPECTED = {
    "decision": ("decision",),
    "batchable": ("batch_analyzer", "batchable"),
    "batch_worker": ("batch_worker", "batchable"),
}
SPECIAL = ("decision", "batch_analyzer", "batch_worker")


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Compare handler kinds (where known) with step types."""
    if ctx.handler_check is None:
        return
    for step in ctx.steps:
        result = ctx.handler_check.results.get(step.index)
        if result is None or result.status is not Status.FOUND or result.handler is None:
            continue
        handler = result.handler
        pointer = f"{step.pointer}/handler/callable"
        kind = handler.kind
        if (step.type in EXPECTED and kind is not None and kind not in EXPECTED[step.type]) or (
            step.type in ("standard", "deferred_convergence") and kind in SPECIAL
        ):
            yield ctx.finding(ID, f"{step.type} step {step.label} uses a {kind} handler", pointer)
        template = handler.worker_template
        if template and ctx.step_type(template) != "batch_worker":
            yield ctx.finding(
                ID,
                f"the batch analyzer of step {step.label} names worker_template '{template}', "
                "which is not a batch_worker step of this template",
                pointer,
            )
