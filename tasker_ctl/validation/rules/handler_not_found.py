"""``handler.callable`` does not resolve to any handler in the handler sources.

The worker would fail the step with "Handler not found: x". Resolution follows
the target language's worker (see ``--explain HANDLER_NOT_CHECKED`` for how the
language and the sources are found):

* Python: a class with ``handler_name = "x"``, a DSL function decorated with
  ``@step_handler("x")`` (or ``decision_handler``, ``batch_analyzer``,
  ``batch_worker``, ``api_handler``), or an importable ``pkg.module.ClassName``;
  found statically with ``ast`` (``--import`` asks the real ``tasker_core``
  registry instead);
* Ruby: a DSL registration or a constant path (``Handlers::ChargeHandler``);
* TypeScript: ``defineHandler('x', ...)`` and friends, or ``static handlerName``;
* Rust: an explicit key (``fn name(&self) -> &str { "x" }``).

FAIL::

    callable: handlers.charge_handler.charge_card     # registered as charge

PASS::

    callable: handlers.charge_handler.charge
"""

from collections.abc import Iterator

from tasker_ctl.resolution import Status
from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "HANDLER_NOT_FOUND"
SEVERITY = Severity.ERROR


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report callables that did not resolve."""
    if ctx.handler_check is None:
        return
    for step in ctx.steps:
        result = ctx.handler_check.results.get(step.index)
        if result is None or result.status is not Status.NOT_FOUND:
            continue
        hint = (
            "did you mean " + " or ".join(f"'{s}'" for s in result.suggestions) + "?"
            if result.suggestions
            else "check the callable, or pass --handlers-root / --handler-package"
        )
        yield ctx.finding(
            ID,
            f"Step {step.label}: {result.detail}",
            f"{step.pointer}/handler/callable",
            hint=hint,
        )
