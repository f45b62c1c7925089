"""Stub functions the handler worker imports by reference (module-level, importable)."""

from __future__ import annotations

from typing import Any

from tasker_ctl.testing import checkpoint, failure


def charge_half(context: Any) -> Any:
    """Charge half the cart's total; refuse carts over 100 for good."""
    total = context.get_dependency_result("load_cart")["total"]
    if total > 100:
        return failure("over the limit", retryable=False, error_type="limit")
    return {"charged": total / 2, "gateway": "stub", "attempt": context.retry_count + 1}


def explode(context: Any) -> Any:
    """Raise, as a buggy handler would."""
    raise RuntimeError("gateway exploded")


def two_checkpoints(context: Any) -> Any:
    """Yield at cursors 1 and 2, then complete as a csv_batch worker would."""
    cp = context.checkpoint or {}
    cursor = cp.get("cursor") or 0
    acc = (cp.get("accumulated_results") or {}).get("sum", 0)
    if cursor < 2:
        return checkpoint(cursor + 1, cursor + 1, {"sum": acc + cursor + 1})
    return {
        "items_processed": cursor,
        "batch_metadata": {"amount": acc, "by_category": {}},
    }


class Namespace:
    """Functions reached through a class (``module:Class.function``)."""

    @staticmethod
    def fixed(context: Any) -> Any:
        return {"charged": 1}


def die(context: Any) -> Any:
    """Kill the worker process mid-call, as a segfaulting extension would."""
    import os

    os._exit(3)
