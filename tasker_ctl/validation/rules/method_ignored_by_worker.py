"""``handler.method`` or ``handler.resolver`` is set, but the Python/TypeScript worker ignores it.

The live Python and TypeScript workers resolve a handler by its ``callable``
string only and always invoke ``call``; ``method`` and ``resolver`` are honoured
by the Ruby and Rust workers only. A step that relies on ``method: refund``
silently runs ``call`` instead. The language comes from ``--language``, a
``language:<x>`` tag in ``metadata.tags``, or the handler sources.

FAIL (a Python template)::

    handler:
      callable: payments.PaymentHandler
      method: refund

PASS: give the refund its own handler (``callable: payments.RefundHandler``).
"""

from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "METHOD_IGNORED_BY_WORKER"
SEVERITY = Severity.WARNING
IGNORING = ("python", "typescript")


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report method/resolver hints in Python and TypeScript templates."""
    if ctx.language not in IGNORING:
        return
    for step in ctx.steps:
        method = step.handler.get("method")
        if isinstance(method, str) and method not in ("", "call"):
            yield ctx.finding(
                ID,
                f"the {ctx.language} worker ignores `method: {method}` and always calls "
                f"`call` (step {step.label})",
                f"{step.pointer}/handler/method",
            )
        resolver = step.handler.get("resolver")
        if isinstance(resolver, str) and resolver:
            yield ctx.finding(
                ID,
                f"the {ctx.language} worker ignores `resolver: {resolver}` and resolves by "
                f"callable only (step {step.label})",
                f"{step.pointer}/handler/resolver",
            )
