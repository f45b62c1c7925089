"""tasker_ctl.testing against the real executor and SDK: stubs, records, clock, isolation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tasker_ctl.errors import HandlerPackageError, InputFileError, TemplateNotRunnableError
from tasker_ctl.testing import (
    Run,
    Tasker,
    call,
    checkpoint,
    failure,
    result,
    sequence,
)
from tests.testing.conftest import CART, EXAMPLES, SAMPLE

pytestmark = [pytest.mark.sdk, pytest.mark.usefixtures("sdk")]


@pytest.fixture(scope="module")
def shop() -> Tasker:
    return Tasker(SAMPLE)


@pytest.fixture(scope="module")
def plain(shop: Tasker) -> Run:
    """The sample checkout with its real handlers."""
    return shop.run("checkout", context=CART)  # by name, under template-paths = workflows


@pytest.fixture(scope="module")
def declined(shop: Tasker) -> Run:
    """The sample checkout with a card that is declined for good."""
    stub = failure("card declined", retryable=False, error_type="declined")
    return shop.run("checkout", context=CART, stubs={"charge": stub})


def test_the_sample_project_runs_from_its_settings(plain: Run) -> None:
    run = plain
    assert run.template == SAMPLE / "workflows" / "checkout.yaml"
    assert run.status == "complete" and run.complete
    assert list(run.steps) == ["load_cart", "charge", "ship"]
    assert run.step("ship").result == {"cart_id": "C-1", "paid": 40, "carrier": "post"}
    assert run.stubbed == ()
    # what each real handler was given is recorded
    ship = run.step("ship").last_call
    assert (ship.attempt, ship.stubbed, ship.handler) == (1, False, "shop.ship")
    assert ship.context == CART
    assert sorted(ship.dependency_results) == ["charge", "load_cart"]
    assert ship.dependency("charge") == {"charged": 40, "gateway": "real"}
    assert ship.checkpoint is None


def test_a_handler_module_counter_does_not_leak_from_one_run_to_the_next(
    shop: Tasker, plain: Run
) -> None:
    again = shop.run("checkout", context=CART)
    counts = [r.step("load_cart").result["calls_in_this_worker"] for r in (plain, again)]
    assert counts == [1, 1]


def test_a_fixed_result_replaces_the_handler(shop: Tasker) -> None:
    run = shop.run("checkout", context=CART, stubs={"charge": {"charged": 7}})
    assert run.step("ship").result["paid"] == 7
    charge = run.step("charge")
    assert charge.result == {"charged": 7}
    assert [(c.attempt, c.stubbed) for c in charge.calls] == [(1, True)]
    assert charge.last_call.dependency("load_cart")["total"] == 40
    assert run.stubbed == ("charge",)
    assert run.step("load_cart").last_call.stubbed is False


def test_a_permanent_failure_stops_the_task(declined: Run) -> None:
    run = declined
    assert run.status == "blocked_by_failures"
    charge = run.step("charge")
    assert (charge.status, charge.attempts) == ("error", 1)
    assert charge.error is not None
    assert (charge.error.type, charge.error.message, charge.error.retryable) == (
        "declined",
        "card declined",
        False,
    )
    assert run.step("ship").status == "pending" and run.step("ship").calls == ()


def test_a_retryable_failure_with_retry_after_uses_up_the_attempts(shop: Tasker) -> None:
    run = shop.run("checkout", context=CART, stubs={"charge": failure("busy", retry_after=5)})
    # ten seconds of waits on the virtual clock, not slept through (the run's own report)
    assert run.clock.wall_ms < run.clock.waited_ms
    charge = run.step("charge")
    assert (charge.status, charge.attempts) == ("error", 3)
    assert [c.attempt for c in charge.calls] == [1, 2, 3]
    # retry_after replaces the template's backoff (within max_backoff_ms); production
    # drops it (a parity warning)
    assert run.clock.waits_for("charge") == (5000, 5000)
    assert run.clock.now_ms == 10_000 and run.clock.waited_ms == 10_000
    assert run.clock.real_time is False
    assert "retry_after_dropped" in {w.code for w in run.warnings}


def test_a_sequence_fails_twice_then_succeeds_on_a_virtual_clock(shop: Tasker) -> None:
    run = shop.run(
        "checkout",
        context=CART,
        stubs={"charge": sequence(failure("timeout"), failure("timeout"), result(charged=40))},
    )
    assert run.complete
    charge = run.step("charge")
    assert charge.attempts == 3
    assert charge.backoff_ms == (2000, 4000)  # exponential: 1000 ms * 2^attempt
    waits = [(w.step, w.attempt, w.delay_ms, w.due_ms) for w in run.clock.waits]
    assert waits == [("charge", 1, 2000, 2000.0), ("charge", 2, 4000, 6000.0)]
    assert run.clock.now_ms == 6000
    kinds = [e.kind for e in run.events]
    assert kinds.count("retry_scheduled") == 2 and kinds[-1] == "run_finished"
    advanced = [e.at_ms for e in run.events if e.kind == "clock_advanced"]
    assert advanced == [2000.0, 6000.0]


def test_a_function_stub_runs_in_the_worker_with_the_sdk_context(shop: Tasker) -> None:
    from tests.testing.stubfns import charge_half

    run = shop.run("checkout", context=CART, stubs={"charge": call(charge_half)})
    assert run.step("charge").result == {"charged": 20, "gateway": "stub", "attempt": 1}
    big = {**CART, "items": [{"price": 200, "quantity": 1}]}
    refused = shop.run("checkout", context=big, stubs={"charge": call(charge_half)})
    error = refused.step("charge").error
    assert error is not None and (error.type, error.retryable) == ("limit", False)


def test_a_function_stub_by_path_and_through_a_class(shop: Tasker) -> None:
    target = call("tests.testing.stubfns:Namespace.fixed")
    run = shop.run("checkout", context=CART, stubs={"charge": target})
    assert run.step("charge").result == {"charged": 1}


def test_an_exception_in_a_function_stub_is_a_retryable_failure(shop: Tasker) -> None:
    run = shop.run(
        "checkout", context=CART, stubs={"charge": call("tests.testing.stubfns:explode")}
    )
    charge = run.step("charge")
    assert (charge.status, charge.attempts) == ("error", 3)
    assert charge.error is not None and "gateway exploded" in charge.error.message
    assert charge.error.retryable is True


def test_checkpoint_yields_are_recorded_call_by_call() -> None:
    run = Tasker(EXAMPLES / "csv_batch").run(
        "config/tasks/csv_batch.yaml",
        context={"csv_file": "transactions.csv", "batch_size": 1000},
        stubs={"process_csv_batch": call("tests.testing.stubfns:two_checkpoints")},
    )
    assert run.complete, run.summary()
    worker = next(s for s in run if s.template_step == "process_csv_batch")
    assert worker.checkpoint_yields == 2 and worker.attempts == 1
    seen = [(c.attempt, c.checkpoint) for c in worker.calls]
    assert [a for a, _ in seen] == [1, 1, 1]
    assert [cp and (cp["cursor"], cp["accumulated_results"]) for _, cp in seen] == [
        None,
        (1, {"sum": 1}),
        (2, {"sum": 3}),
    ]
    assert worker.calls[0].inputs["cursor"]["start_cursor"] == 0  # the worker's cursor range
    assert worker.created_by == "analyze_csv"
    assert worker.name in run.step("analyze_csv").created


def test_the_checkpoint_helper_builds_the_sdk_yield() -> None:
    pytest.importorskip("tasker_core")
    from tasker_ctl.executor.sdk import load_sdk
    from tasker_ctl.testing._worker import handler_result

    made = handler_result(load_sdk(), checkpoint({"page": 2}, 10, {"n": 3}))
    assert made.metadata["checkpoint_yield"] is True
    assert made.result == {
        "type": "checkpoint_yield",
        "cursor": {"page": 2},
        "items_processed": 10,
        "accumulated_results": {"n": 3},
    }


def test_outcome_is_stable_json(shop: Tasker, declined: Run) -> None:
    stub = failure("card declined", retryable=False, error_type="declined")
    second = shop.run("checkout", context=CART, stubs={"charge": stub})
    assert declined.outcome_json() == second.outcome_json()
    data = json.loads(declined.outcome_json())
    assert data == declined.outcome()
    assert data["version"] == 1
    assert data["task"] == {"name": "checkout", "status": "blocked_by_failures"}
    assert data["steps"]["charge"] == {
        "status": "error",
        "attempts": 1,
        "checkpoint_yields": 0,
        "created_by": None,
        "created": [],
        "result": None,
        "error": {"type": "declined", "message": "card declined", "retryable": False},
    }
    assert list(data["steps"]) == sorted(data["steps"])


def test_a_decision_run_reports_created_and_not_created_steps() -> None:
    run = Tasker(EXAMPLES / "refund_approval").run(
        "config/tasks/refund_approval.yaml",
        context={"refund_id": "R", "order_id": "O", "amount": 40, "reason": "damaged"},
    )
    assert run.step("route_refund").created == ("auto_approve", "issue_refund")
    assert run.not_created == ("manager_review", "finance_review")
    with pytest.raises(KeyError, match="in the template but was not created: 'finance_review'"):
        run.step("finance_review")
    with pytest.raises(KeyError, match="there is no such step: 'nope'"):
        run.step("nope")


# -- what cannot be run raises, with a sentence that says why -------------------------


def test_a_stub_for_an_unknown_step_is_refused_with_a_suggestion(shop: Tasker) -> None:
    with pytest.raises(ValueError, match="a stub names step 'charg', which the template does not"):
        shop.run("checkout", context=CART, stubs={"charg": {}})


def test_an_unimportable_stub_function_is_a_handler_package_error(shop: Tasker) -> None:
    with pytest.raises(HandlerPackageError) as caught:
        shop.run("checkout", context=CART, stubs={"charge": call("no_such_module:fn")})
    assert "the stub for step 'charge' names no_such_module:fn, which the handler worker " in str(
        caught.value
    )


def test_a_missing_template_names_where_it_looked(shop: Tasker) -> None:
    with pytest.raises(InputFileError, match="task template nothere not found"):
        shop.run("nothere")


def test_a_template_with_lint_errors_lists_them(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: bad\nnamespace_name: t\nversion: 1.0.0\nsteps:\n"
        "  - name: a\n    dependencies: [missing]\n    handler:\n      callable: x.y\n"
    )
    with pytest.raises(TemplateNotRunnableError) as caught:
        Tasker(tmp_path).run(bad)
    text = str(caught.value)
    assert text.startswith(f"{bad}: 1 lint error stop the run")
    assert f"\n  {bad}:6:" in text and "missing" in text


def test_a_context_that_is_not_json_is_refused(shop: Tasker) -> None:
    with pytest.raises(TypeError, match="the task context must be JSON data"):
        shop.run("checkout", context={"when": object()})
    with pytest.raises(TypeError, match="stubs must map step names to stubs, not list"):
        shop.run("checkout", context=CART, stubs=["charge"])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("\ud800", "the task context:1:13: a string at $.cart_id holds a lone UTF-16 surrogate"),
        (10**400, "the task context:1:13: number out of range at $.cart_id"),
    ],
)
def test_a_context_production_would_refuse_is_refused(
    shop: Tasker, value: object, message: str
) -> None:
    with pytest.raises(InputFileError) as caught:
        shop.run("checkout", context={"cart_id": value, "items": []})
    assert str(caught.value).startswith(message)


def test_the_context_is_parsed_as_production_parses_it(shop: Tasker) -> None:
    run = shop.run("checkout", context={**CART, "big": 2**70})
    assert run.step("load_cart").last_call.context["big"] == float(2**70)  # serde_json: f64
    (note,) = [w for w in run.warnings if w.code == "context_parity"]
    assert "integers beyond 64 bits" in note.message and "$.big" in note.message


def test_a_run_is_iterable_and_summarized(declined: Run) -> None:
    assert [s.name for s in declined] == ["load_cart", "charge", "ship"]
    assert declined.summary().splitlines() == [
        "task 'checkout' (checkout.yaml): blocked_by_failures",
        "  load_cart: complete, 1 attempt",
        "  charge: error, 1 attempt, declined: card declined [stubbed]",
        "  ship: pending, 0 attempts",
    ]


@pytest.mark.parametrize("bad", [0, -1, True, 1.5])
def test_a_concurrency_below_one_is_refused(shop: Tasker, bad: object) -> None:
    with pytest.raises(ValueError, match="concurrency must be an int of at least 1"):
        shop.run("checkout", context=CART, concurrency=bad)  # type: ignore[arg-type]


def test_a_workflow_whose_handlers_do_not_exist_yet_runs_on_stubs(tmp_path: Path) -> None:
    (tmp_path / "draft.yaml").write_text(
        "name: draft\nnamespace_name: t\nversion: 1.0.0\nsteps:\n"
        "  - name: a\n    handler:\n      callable: nowhere.A\n"
        "  - name: b\n    dependencies: [a]\n    handler:\n      callable: nowhere.B\n"
    )
    run = Tasker(tmp_path).run("draft", stubs={"a": {"x": 1}, "b": sequence(failure("f"), {})})
    assert run.complete and run.stubbed == ("a", "b")
    assert run.step("b").last_call.dependency("a") == {"x": 1}
    assert run.step("b").attempts == 2


def test_a_call_that_kills_its_worker_is_still_recorded(shop: Tasker) -> None:
    run = shop.run("checkout", context=CART, stubs={"charge": call("tests.testing.stubfns:die")})
    charge = run.step("charge")
    assert charge.status == "error" and charge.attempts == 3
    assert [c.attempt for c in charge.calls] == [1, 2, 3]  # each from a replacement worker
    assert charge.calls[0].dependency("load_cart")["total"] == 40


def test_a_handler_bug_shows_where_it_is_in_failure_messages(shop: Tasker) -> None:
    from tasker_ctl.testing import assert_run_complete

    run = shop.run("checkout", context={"cart_id": "C", "items": [{"price": 1}]})
    error = run.step("load_cart").error
    assert error is not None and error.exception_type == "KeyError"
    assert error.location is not None and "shop_handlers/checkout.py:18" in error.location
    with pytest.raises(AssertionError) as caught:
        assert_run_complete(run)
    text = str(caught.value)
    assert "  load_cart: error, 3 attempts, handler_error: 'quantity' (at " in text
    assert "\nload_cart's handler raised:\nTraceback (most recent call last):\n" in text
    assert 'item["quantity"] for item in items)' in text and text.endswith("KeyError: 'quantity'")
