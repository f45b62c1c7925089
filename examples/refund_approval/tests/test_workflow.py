"""Workflow tests for refund_approval: a decision point and deferred convergence.

Run with: pytest examples/refund_approval/tests
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tasker_ctl.testing.assertions import assert_created, assert_not_created, assert_run_complete

TEMPLATE = "config/tasks/refund_approval.yaml"
CONTEXT = json.loads((Path(__file__).parent.parent / "context.json").read_text())


@pytest.mark.parametrize(
    ("amount", "approvals"),
    [
        (40, ["auto_approve"]),
        (250, ["manager_review"]),
        (2500, ["manager_review", "finance_review"]),
    ],
)
def test_the_decision_creates_only_the_approvals_the_amount_needs(tasker, amount, approvals):
    run = tasker.run(TEMPLATE, context={**CONTEXT, "amount": amount})
    assert_run_complete(run)
    assert_created(run, "route_refund", [*approvals, "issue_refund"])
    untaken = {"auto_approve", "manager_review", "finance_review"} - set(approvals)
    assert_not_created(run, *untaken)
    # the convergence step waited for exactly the approvals that were created
    issued = run.step("issue_refund").last_call
    assert set(approvals) <= set(issued.dependency_results)


def test_a_refund_of_a_stubbed_validation_goes_to_finance(tasker):
    run = tasker.run(
        TEMPLATE,
        context=CONTEXT,
        stubs={"validate_refund": {"refund_id": "RF-1", "amount": 5000, "reason": "damaged"}},
    )
    assert run.step("route_refund").created == ("manager_review", "finance_review", "issue_refund")
    assert run.step("finance_review").result["amount"] == 5000


def test_the_outcome_matches_the_stored_snapshot(tasker):
    tasker.snapshot(tasker.run(TEMPLATE, context=CONTEXT))
