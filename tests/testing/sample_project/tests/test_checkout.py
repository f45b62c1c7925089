"""The sample project's workflow tests: they use only the `tasker` fixture and the public API."""

from __future__ import annotations

from tasker_ctl.testing import Run, call, failure, sequence
from tasker_ctl.testing.assertions import assert_step, assert_waits

CART = {"cart_id": "C-1", "items": [{"price": 20, "quantity": 2}]}


def test_checkout_completes(tasker) -> None:
    run = tasker.run("checkout", context=CART)  # found under template-paths by name
    assert run.status == "complete"
    assert run.step("ship").result == {"cart_id": "C-1", "paid": 40, "carrier": "post"}
    tasker.snapshot(run)


def test_a_handler_module_counter_starts_fresh_in_a_test(tasker) -> None:
    run = tasker.run("checkout", context=CART)
    assert run.step("load_cart").result["calls_in_this_worker"] == 1


def test_and_again_in_the_next_test(tasker) -> None:
    run = tasker.run("checkout", context=CART)
    assert run.step("load_cart").result["calls_in_this_worker"] == 1


def test_gateway_fails_twice_then_charges(tasker) -> None:
    run: Run = tasker.run(
        "checkout",
        context=CART,
        stubs={"charge": sequence(failure("timeout"), failure("timeout"), {"charged": 40})},
    )
    assert_step(run, "charge", status="complete", attempts=3)
    assert_waits(run, "charge", [2000, 4000])  # 1000 * 2^attempt
    assert [c.attempt for c in run.step("charge").calls] == [1, 2, 3]


def test_a_function_stub_sees_the_cart(tasker) -> None:
    from stub_functions import charge_half

    run = tasker.run("checkout", context=CART, stubs={"charge": call(charge_half)})
    assert run.step("ship").result["paid"] == 20
    assert run.step("charge").last_call.dependency("load_cart")["total"] == 40
