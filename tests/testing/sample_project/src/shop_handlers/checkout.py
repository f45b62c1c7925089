"""Checkout: load the cart, charge it, ship it."""

from __future__ import annotations

from typing import Any

from tasker_core.step_handler.functional import depends_on, inputs, step_handler

CALLS = 0
"""How many handler calls this process has served (must start at 0 in every test)."""


@step_handler("shop.load_cart")
@inputs("cart_id", "items")
def load_cart(cart_id: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    global CALLS
    CALLS += 1
    total = sum(item["price"] * item["quantity"] for item in items)
    return {"cart_id": cart_id, "total": total, "calls_in_this_worker": CALLS}


@step_handler("shop.charge")
@depends_on(cart="load_cart")
def charge(cart: dict[str, Any]) -> dict[str, Any]:
    return {"charged": cart["total"], "gateway": "real"}


@step_handler("shop.ship")
@depends_on(cart="load_cart", payment="charge")
def ship(cart: dict[str, Any], payment: dict[str, Any]) -> dict[str, Any]:
    return {"cart_id": cart["cart_id"], "paid": payment["charged"], "carrier": "post"}
