"""Workflow tests for order_pipeline: a linear pipeline, and the payment step's retries.

Run with: pytest examples/order_pipeline/tests (the `tasker` fixture comes with tasker-ctl).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from tasker_ctl.testing import failure, sequence
from tasker_ctl.testing.assertions import assert_run_complete, assert_step, assert_waits

TEMPLATE = "config/tasks/order_pipeline.yaml"
CONTEXT = json.loads((Path(__file__).parent.parent / "context.json").read_text())


def context(**payment: object) -> dict[str, object]:
    data = copy.deepcopy(CONTEXT)
    data["payment"].update(payment)
    return data


def test_the_order_ships_and_the_last_step_sees_every_ancestor(tasker):
    run = tasker.run(TEMPLATE, context=context(gateway_timeouts=0))
    assert_run_complete(run)
    assert list(run.steps) == [
        "validate_cart",
        "reserve_inventory",
        "process_payment",
        "create_shipment",
        "send_confirmation",
    ]
    confirmation = run.step("send_confirmation").last_call
    assert set(confirmation.dependency_results) == {
        "validate_cart",
        "reserve_inventory",
        "process_payment",
        "create_shipment",
    }


def test_a_gateway_timeout_is_retried_with_exponential_backoff(tasker):
    run = tasker.run(TEMPLATE, context=context(gateway_timeouts=2))
    assert_step(run, "process_payment", status="complete", attempts=3)
    assert [c.attempt for c in run.step("process_payment").calls] == [1, 2, 3]
    assert_waits(run, "process_payment", [1000, 2000])  # 500 ms * 2^attempt
    assert run.clock.waited_ms == 3000  # virtual: the test did not sleep


def test_a_declined_card_stops_the_order(tasker):
    run = tasker.run(
        TEMPLATE,
        context=context(gateway_timeouts=0),
        stubs={"process_payment": failure("card declined", retryable=False)},
    )
    assert run.status == "blocked_by_failures"
    assert_step(run, "process_payment", status="error", attempts=1, error_message="declined")
    assert run.step("create_shipment").calls == ()


def test_the_gateway_recovers_on_the_last_attempt(tasker):
    flaky = sequence(
        failure("timeout"),
        failure("timeout"),
        {"charge_id": "ch_1", "amount": 1, "currency": "GBP"},
    )
    run = tasker.run(TEMPLATE, context=context(), stubs={"process_payment": flaky})
    assert_run_complete(run)
    assert_step(run, "process_payment", status="complete", attempts=3)
    assert [c.attempt for c in run.step("process_payment").calls] == [1, 2, 3]
    assert_waits(run, "process_payment", [1000, 2000])  # 500 ms * 2^attempt
    assert run.clock.waited_ms == 3000  # virtual: nobody slept
    payment = run.step("send_confirmation").last_call.dependency("process_payment")
    assert payment == {"charge_id": "ch_1", "amount": 1, "currency": "GBP"}
