"""validate_cart: reject bad carts for good, price the good ones."""

from __future__ import annotations

from tasker_core import StepContext, StepHandler, StepHandlerResult


class ValidateCartHandler(StepHandler):
    handler_name = "handlers.cart.ValidateCartHandler"

    def call(self, context: StepContext) -> StepHandlerResult:
        items = context.get_input("items") or []
        problems = [
            f"item {index}: quantity must be positive"
            for index, item in enumerate(items)
            if item.get("quantity", 0) <= 0
        ]
        if not items or problems:
            return self.failure(
                "; ".join(problems) or "the cart is empty",
                error_type="validation_error",
                retryable=False,
            )
        subtotal = round(sum(i["quantity"] * i["unit_price"] for i in items), 2)
        tax = round(subtotal * context.get_config("tax_rate"), 2)
        return self.success(
            {
                "order_id": context.get_input("order_id"),
                "item_count": sum(i["quantity"] for i in items),
                "subtotal": subtotal,
                "tax": tax,
                "total": round(subtotal + tax, 2),
            }
        )
