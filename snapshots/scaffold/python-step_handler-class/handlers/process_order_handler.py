"""ProcessOrder step handler, written as a ``StepHandler`` subclass.

Register it in a task template by its ``handler_name`` (which is also its
import path, so both lookups of the Python worker find it):

    steps:
      - name: process_order
        handler:
          callable: handlers.process_order_handler.ProcessOrderHandler
"""

from __future__ import annotations

from tasker_core import StepContext, StepHandler, StepHandlerResult


class ProcessOrderHandler(StepHandler):
    """Do the work of the ``process_order`` step.

    Return ``self.failure(..., retryable=False)`` for failures a retry cannot
    fix: an exception raised from a class-based handler is always retried by
    the Python worker, even ``PermanentError``.
    """

    handler_name = "handlers.process_order_handler.ProcessOrderHandler"
    handler_version = "1.0.0"

    def call(self, context: StepContext) -> StepHandlerResult:
        """Read the task input and the previous step's result; return a result."""
        input_value = context.get_input("input_value")
        previous_result = context.get_dependency_result("previous_step")
        return self.success(
            {
                "processed": True,
                "handler": self.handler_name,
                "input_received": input_value,
                "had_previous_result": previous_result is not None,
                "attempt": context.retry_count + 1,
            }
        )
