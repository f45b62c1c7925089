"""create_shipment and send_confirmation, written with the functional DSL."""

from __future__ import annotations

from typing import Any

from tasker_core.step_handler.functional import depends_on, inputs, step_handler


@step_handler("handlers.shipping.create_shipment")
@depends_on(reservation="reserve_inventory", charge="process_payment")
@inputs("customer")
def create_shipment(reservation: dict[str, Any], charge: dict[str, Any], customer: dict[str, Any]):
    parcels = max(1, sum(line["quantity"] for line in reservation["lines"]) // 10)
    country = customer["address"].get("country", "US")
    return {
        "carrier": "UPS" if country == "US" else "DHL",
        "tracking_number": f"1Z{charge['charge_id'][-8:].upper()}",
        "parcels": parcels,
    }


@step_handler("handlers.shipping.send_confirmation")
@inputs("order_id", "customer")
def send_confirmation(order_id: str, customer: dict[str, Any], context):
    # Every completed ancestor is visible here, not only the direct parent.
    cart = context.get_dependency_result("validate_cart")
    charge = context.get_dependency_result("process_payment")
    shipment = context.get_dependency_result("create_shipment")
    return {
        "to": customer["email"],
        "subject": f"Order {order_id} is on its way",
        "lines": [
            f"{cart['item_count']} items, total {charge['amount']} {charge['currency']}",
            f"{shipment['carrier']} tracking {shipment['tracking_number']}",
        ],
        "steps_seen": sorted(context.dependency_results),
    }
