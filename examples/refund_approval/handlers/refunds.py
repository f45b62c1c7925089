"""Validate, route (decision), approve (branches) and issue (convergence) a refund."""

from __future__ import annotations

from typing import Any

from tasker_core import StepContext, StepHandler, StepHandlerResult
from tasker_core.step_handler.functional import (
    Decision,
    decision_handler,
    depends_on,
    inputs,
    step_handler,
)

REASONS = {"damaged", "not_delivered", "wrong_item", "changed_mind"}


class ValidateRefundHandler(StepHandler):
    handler_name = "handlers.refunds.ValidateRefundHandler"

    def call(self, context: StepContext) -> StepHandlerResult:
        amount = context.get_input("amount")
        reason = context.get_input("reason")
        if reason not in REASONS:
            return self.failure(
                f"unknown refund reason {reason!r}", error_type="validation_error", retryable=False
            )
        return self.success(
            {"refund_id": context.get_input("refund_id"), "amount": amount, "reason": reason}
        )


@decision_handler("refunds.route_refund")
@depends_on(refund="validate_refund")
def route_refund(refund: dict[str, Any], context):
    amount = refund["amount"]
    if amount <= context.get_config("auto_approve_limit"):
        return Decision.route(["auto_approve"], tier="automatic")
    if amount <= context.get_config("finance_review_limit"):
        return Decision.route(["manager_review"], tier="manager")
    return Decision.route(["manager_review", "finance_review"], tier="manager+finance")


@step_handler("refunds.auto_approve")
@depends_on(refund="validate_refund")
def auto_approve(refund: dict[str, Any]):
    return {"approved_by": "policy:auto", "amount": refund["amount"]}


@step_handler("refunds.manager_review")
@depends_on(refund="validate_refund")
@inputs("reason")
def manager_review(refund: dict[str, Any], reason: str):
    return {"approved_by": "manager:j.smith", "amount": refund["amount"], "note": reason}


@step_handler("refunds.finance_review")
@depends_on(refund="validate_refund")
def finance_review(refund: dict[str, Any]):
    return {"approved_by": "finance:controller", "amount": refund["amount"]}


@step_handler("refunds.issue_refund")
@depends_on(
    refund="validate_refund",
    routing="route_refund",
    auto="auto_approve",
    manager="manager_review",
    finance="finance_review",
)
@inputs("order_id")
def issue_refund(refund, routing, auto, manager, finance, order_id: str):
    # Branches that were not created are simply absent: their results are None.
    approvals = [a["approved_by"] for a in (auto, manager, finance) if a is not None]
    return {
        "order_id": order_id,
        "refunded": refund["amount"],
        "tier": routing["routing_context"]["tier"],
        "approvals": approvals,
    }
