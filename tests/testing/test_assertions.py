"""Assertion helpers and snapshots: the text of their failure messages."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasker_ctl.testing import Clock, Run, Step, StepError, Wait
from tasker_ctl.testing.assertions import (
    assert_calls,
    assert_created,
    assert_not_created,
    assert_outcome,
    assert_run_complete,
    assert_step,
    assert_waits,
    match_snapshot,
)


def step(name: str, status: str = "complete", **more: object) -> Step:
    fields: dict[str, object] = {
        "name": name,
        "template_step": name,
        "type": "standard",
        "status": status,
        "attempts": 1,
        "result": {"ok": True} if status == "complete" else None,
        "error": None,
        "created_by": None,
        "created": (),
        "checkpoint_yields": 0,
        "backoff_ms": (),
        "parents": (),
        "calls": (),
    }
    fields.update(more)
    return Step(**fields)  # type: ignore[arg-type]


RUN = Run(
    template=Path("/p/config/tasks/refund.yaml"),
    task="refund",
    status="blocked_by_failures",
    steps={
        "route": step("route", type="decision", created=("manual_review",)),
        "manual_review": step("manual_review", created_by="route"),
        "charge_card": step(
            "charge_card",
            "error",
            attempts=3,
            error=StepError("card declined", "payment_declined", False),
            backoff_ms=(1000, 2000),
        ),
    },
    not_created=("auto_approve",),
    warnings=(),
    events=(),
    clock=Clock(
        False,
        3000.0,
        (Wait("charge_card", 1, 1000, 1000.0), Wait("charge_card", 2, 2000, 3000.0)),
        5.0,
    ),
)
SUMMARY = """

task 'refund' (refund.yaml): blocked_by_failures
  route: complete, 1 attempt
  manual_review: complete, 1 attempt
  charge_card: error, 3 attempts, payment_declined: card declined
  not created: auto_approve"""


def message(excinfo: pytest.ExceptionInfo[AssertionError]) -> str:
    return str(excinfo.value)


def test_assert_run_complete_names_the_steps_that_did_not() -> None:
    with pytest.raises(AssertionError) as caught:
        assert_run_complete(RUN)
    assert message(caught) == (
        "task 'refund' is blocked_by_failures, expected complete: 'charge_card' is error "
        "(payment_declined: card declined)" + SUMMARY
    )


def test_assert_step_lists_every_difference() -> None:
    with pytest.raises(AssertionError) as caught:
        assert_step(RUN, "charge_card", status="complete", attempts=1, error_message="timeout")
    assert message(caught) == (
        "step 'charge_card': status is 'error', expected 'complete'; attempts is 3, expected 1; "
        "error message is 'card declined', expected it to contain 'timeout'" + SUMMARY
    )


def test_assert_step_compares_results_and_errors() -> None:
    with pytest.raises(AssertionError) as caught:
        assert_step(RUN, "route", result={"ok": False}, error_type="x")
    assert message(caught).startswith(
        'step \'route\': result is {"ok": true}, expected {"ok": false}; has no error\n'
    )
    assert (
        assert_step(RUN, "charge_card", status="error", error_type="payment_declined").attempts == 3
    )


def test_assert_step_on_a_step_that_was_not_created() -> None:
    with pytest.raises(AssertionError) as caught:
        assert_step(RUN, "auto_approve", status="complete")
    assert message(caught).startswith(
        "step 'auto_approve': it is in the template but was not created: 'auto_approve'; "
        "created: route, manual_review, charge_card; not created: auto_approve\n"
    )


def test_assert_created_says_what_is_missing_and_extra() -> None:
    with pytest.raises(AssertionError) as caught:
        assert_created(RUN, "route", ["auto_approve"])
    assert message(caught) == (
        "step 'route' created [manual_review], expected [auto_approve]: did not create "
        "auto_approve; also created manual_review" + SUMMARY
    )
    assert_created(RUN, "route", ["manual_review"])


def test_assert_not_created_names_the_creator() -> None:
    with pytest.raises(AssertionError) as caught:
        assert_not_created(RUN, "auto_approve", "manual_review")
    assert message(caught) == (
        "expected not to be created, but created: 'manual_review' (by route)" + SUMMARY
    )


def test_assert_calls_and_waits() -> None:
    with pytest.raises(AssertionError) as caught:
        assert_calls(RUN, "route", 2)
    assert message(caught).startswith(
        "step 'route' was called 0 time(s), expected 2 (attempts of the calls: none)\n"
    )
    with pytest.raises(AssertionError) as caught:
        assert_waits(RUN, "charge_card", [500])
    assert message(caught).startswith(
        "step 'charge_card' waited [1000 ms, 2000 ms] before its retries, expected [500 ms]\n"
    )
    assert_waits(RUN, "charge_card", [1000, 2000])


def test_assert_outcome_shows_a_diff() -> None:
    expected = RUN.outcome()
    expected["steps"]["charge_card"]["attempts"] = 2
    with pytest.raises(AssertionError) as caught:
        assert_outcome(RUN, expected)
    text = message(caught)
    assert text.startswith("the run's outcome differs:\n--- expected\n+++ actual\n")
    assert '\n-      "attempts": 2,\n+      "attempts": 3,\n' in text


def test_a_missing_snapshot_is_written_and_fails_once(tmp_path: Path) -> None:
    file = tmp_path / "snaps" / "refund.json"
    with pytest.raises(AssertionError, match="did not exist; it was written now"):
        match_snapshot(RUN, file)
    assert json.loads(file.read_text()) == RUN.outcome()
    assert file.read_text() == RUN.outcome_json()
    match_snapshot(RUN, file)  # now it matches


def test_a_differing_snapshot_fails_with_a_diff_unless_updating(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tmp_path / "refund.json"
    stored = RUN.outcome()
    stored["not_created"] = []
    file.write_text(json.dumps(stored))
    with pytest.raises(AssertionError) as caught:
        match_snapshot(RUN, file)
    text = message(caught)
    assert text.startswith(
        f"the run's outcome differs from snapshot {file} (set TASKER_UPDATE_SNAPSHOTS=1 to "
        "update it):\n--- expected\n+++ actual\n"
    )
    assert '+  "not_created": [\n+    "auto_approve"\n+  ],' in text
    monkeypatch.setenv("TASKER_UPDATE_SNAPSHOTS", "1")
    match_snapshot(RUN, file)
    assert json.loads(file.read_text()) == RUN.outcome()


def test_a_snapshot_that_is_not_json_says_so(tmp_path: Path) -> None:
    file = tmp_path / "broken.json"
    file.write_text("{")
    with pytest.raises(AssertionError, match=r"snapshot .*broken\.json is not valid JSON"):
        match_snapshot(RUN, file)


def test_the_fixture_rewrites_a_differing_snapshot_when_asked(tmp_path: Path) -> None:
    from tasker_ctl.testing.pytest_plugin import TaskerFixture

    test_file = tmp_path / "tests" / "test_refund.py"
    test_file.parent.mkdir()
    keeper = TaskerFixture(test_file, "test_it[amount=5]", update=False)
    path = keeper.snapshot_path()
    assert path == tmp_path / "tests" / "__snapshots__" / "test_refund" / "test_it_amount_5.json"
    path.parent.mkdir(parents=True)
    path.write_text("{}")
    with pytest.raises(AssertionError, match="differs from snapshot"):
        keeper.snapshot(RUN)
    TaskerFixture(test_file, "test_it[amount=5]", update=True).snapshot(RUN)
    assert path.read_text() == RUN.outcome_json()


STATES = st.sampled_from(["complete", "error", "pending", "waiting_for_retry"])


@st.composite
def runs(draw: st.DrawFn) -> Run:
    names = draw(st.lists(st.text("abcxyz_", min_size=1, max_size=6), unique=True, max_size=6))
    steps = {}
    for name in names:
        status = draw(STATES)
        failed = status != "complete" and draw(st.booleans())
        steps[name] = step(
            name,
            status,
            attempts=draw(st.integers(0, 5)),
            result=draw(
                st.none() | st.dictionaries(st.text(max_size=4), st.integers(), max_size=2)
            ),
            error=StepError(draw(st.text(max_size=10)), "t", draw(st.booleans()))
            if failed
            else None,
            created=tuple(draw(st.lists(st.sampled_from(names), unique=True, max_size=3))),
        )
    not_created = tuple(draw(st.lists(st.text("pq", min_size=1, max_size=3), unique=True)))
    return Run(Path("t.yaml"), "t", draw(STATES), steps, not_created, (), (), RUN.clock)


@settings(max_examples=100, deadline=None, derandomize=True)
@given(runs(), st.randoms(use_true_random=False))
def test_the_outcome_is_json_and_ignores_creation_order(run: Run, rnd: random.Random) -> None:
    text = run.outcome_json()
    assert json.loads(text) == run.outcome()
    items = list(run.steps.items())
    rnd.shuffle(items)
    shuffled = Run(
        run.template, run.task, run.status, dict(items), run.not_created[::-1], (), (), run.clock
    )
    assert shuffled.outcome_json() == text


def test_every_public_name_resolves_and_the_helpers_are_the_same_objects() -> None:
    import tasker_ctl.testing as api
    from tasker_ctl.testing import assertions

    for name in api.__all__:
        assert getattr(api, name) is not None, name
    assert api.assert_step is assertions.assert_step
    with pytest.raises(AttributeError, match="has no attribute 'assert_nothing'"):
        api.assert_nothing  # noqa: B018
