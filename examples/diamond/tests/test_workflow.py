"""Workflow tests for diamond (customer_onboarding): fan-out, fan-in, an async handler.

Run with: pytest examples/diamond/tests
"""

from __future__ import annotations

import json
from pathlib import Path

from tasker_ctl.testing import failure
from tasker_ctl.testing.assertions import assert_run_complete, assert_step

TEMPLATE = "config/tasks/customer_onboarding.yaml"
CONTEXT = json.loads((Path(__file__).parent.parent / "context.json").read_text())


def test_both_branches_feed_the_decision(tasker):
    run = tasker.run(TEMPLATE, context=CONTEXT, concurrency=2)
    assert_run_complete(run)
    assert run.step("approve_account").parents == ("verify_identity", "check_credit")
    seen = run.step("approve_account").last_call.dependency_results
    assert {"load_applicant", "verify_identity", "check_credit"} <= set(seen)


def test_a_failed_identity_check_blocks_the_approval(tasker):
    run = tasker.run(
        TEMPLATE,
        context=CONTEXT,
        stubs={"verify_identity": failure("document expired", retryable=False)},
    )
    assert not run.complete
    assert_step(run, "verify_identity", status="error", error_message="expired")
    assert_step(run, "check_credit", status="complete")
    assert run.step("approve_account").calls == ()
