"""reserve_inventory: hold stock for each SKU of the cart."""

from __future__ import annotations

from tasker_core import StepContext, StepHandler, StepHandlerResult

WAREHOUSE = {"KB-101": 40, "MS-220": 12, "HD-330": 3, "CB-044": 500}


class ReserveInventoryHandler(StepHandler):
    handler_name = "handlers.inventory.ReserveInventoryHandler"

    def call(self, context: StepContext) -> StepHandlerResult:
        reservations = []
        for item in context.get_input("items"):
            available = WAREHOUSE.get(item["sku"], 0)
            if available < item["quantity"]:
                return self.failure(
                    f"only {available} of {item['sku']} in stock, {item['quantity']} ordered",
                    error_type="out_of_stock",
                    retryable=False,
                )
            reservations.append(
                {"sku": item["sku"], "quantity": item["quantity"], "bin": f"A-{len(item['sku'])}"}
            )
        order_id = context.get_input("order_id")
        return self.success({"reservation_id": f"RSV-{order_id}", "lines": reservations})
