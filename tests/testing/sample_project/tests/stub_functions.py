"""Functions that replace handlers in tests (imported by reference in the worker)."""

from __future__ import annotations

from typing import Any

from tasker_ctl.testing import failure


def charge_half(context: Any) -> Any:
    """Charge half the cart; refuse carts above 100 for good."""
    total = context.get_dependency_result("load_cart")["total"]
    if total > 100:
        return failure("over the limit", retryable=False, error_type="limit")
    return {"charged": total / 2, "gateway": "stub"}
