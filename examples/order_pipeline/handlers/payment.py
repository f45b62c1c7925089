"""process_payment: charge the card through a (simulated) payment gateway.

Set ``payment.gateway_timeouts`` in the context to make the gateway time out
on the first N attempts; the step fails with a retryable error and Tasker
retries it (``context.retry_count`` tells the handler which attempt it is).
"""

from __future__ import annotations

import hashlib

from tasker_core import StepContext, StepHandler, StepHandlerResult


class ProcessPaymentHandler(StepHandler):
    handler_name = "handlers.payment.ProcessPaymentHandler"

    def call(self, context: StepContext) -> StepHandlerResult:
        payment = context.get_input("payment")
        cart = context.get_dependency_result("validate_cart")
        if context.retry_count < payment.get("gateway_timeouts", 0):
            return self.failure(
                f"payment gateway timed out (attempt {context.retry_count + 1})",
                error_type="timeout",
                retryable=True,
            )
        if payment["token"].startswith("tok_declined"):
            return self.failure("card declined", error_type="payment_declined", retryable=False)
        digest = hashlib.sha256(f"{payment['token']}:{cart['total']}".encode()).hexdigest()
        return self.success(
            {
                "charge_id": f"ch_{digest[:12]}",
                "amount": cart["total"],
                "currency": payment.get("currency", "USD"),
                "attempts_needed": context.retry_count + 1,
            }
        )
