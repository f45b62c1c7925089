"""ProcessOrder step handler, written with the tasker_core functional DSL.

Register it in a task template by the name given to ``@step_handler``:

    steps:
      - name: process_order
        handler:
          callable: handlers.process_order_handler.process_order

The Python worker finds the handler by scanning the ``handlers`` package
(``HandlerRegistry.discover_handlers("handlers")``) and matching that
name with ``handler.callable``; ``tasker-ctl run`` does the same.
"""

from __future__ import annotations

from typing import Any

from tasker_core import StepContext
from tasker_core.step_handler.functional import depends_on, inputs, step_handler

CALLABLE = "handlers.process_order_handler.process_order"


@step_handler(CALLABLE)
@depends_on(previous_result="previous_step")
@inputs("input_value")
def process_order(
    previous_result: dict[str, Any] | None,
    input_value: Any,
    context: StepContext,
) -> dict[str, Any]:
    """Do the work of the ``process_order`` step.

    Args:
        previous_result: Result of the ``previous_step`` step, or ``None`` when
            the workflow has no such step. Rename both to match your workflow.
        input_value: ``input_value`` from the task context (``None`` if absent).
        context: The step context: retry count, step configuration and the
            results of every ancestor step.

    Returns:
        The step result. A returned dict becomes a success; raise
        ``tasker_core.PermanentError`` for a failure no retry can fix and
        ``tasker_core.RetryableError`` for a transient one.
    """
    return {
        "processed": True,
        "handler": CALLABLE,
        "input_received": input_value,
        "had_previous_result": previous_result is not None,
        "attempt": context.retry_count + 1,
    }
