"""A workflow test as a user writes it, type-checked with ``mypy --strict`` (test_plugin.py).

Not collected here (its name does not start with ``test_``): it is input for mypy.
"""

from __future__ import annotations

from pathlib import Path

from tasker_ctl.testing import (
    Call,
    Clock,
    Event,
    Run,
    Step,
    StepError,
    Stub,
    Tasker,
    Wait,
    assert_created,
    assert_step,
    call,
    checkpoint,
    failure,
    match_snapshot,
    result,
    run,
    sequence,
)
from tasker_ctl.testing.pytest_plugin import TaskerFixture


def charge(context: object) -> dict[str, int]:
    return {"charged": 1}


def check(tasker: TaskerFixture, snapshots: Path) -> int:
    flaky: Stub = sequence(failure("timeout", retry_after=1.5), {"charged": 1})
    outcome: Run = tasker.run(
        "config/tasks/refund.yaml",
        context={"amount": 5000},
        stubs={"charge_card": flaky, "route": result(queue="risk"), "other": call(charge)},
        concurrency=2,
    )
    step: Step = outcome.step("charge_card")
    attempts: int = step.attempts + len(step.calls)
    error: StepError | None = step.error
    calls: tuple[Call, ...] = step.calls
    first_attempt: int = calls[0].attempt if calls else 0
    clock: Clock = outcome.clock
    waits: tuple[Wait, ...] = clock.waits
    events: tuple[Event, ...] = outcome.events
    created: tuple[str, ...] = outcome.step("route").created
    assert_step(outcome, "charge_card", status="complete", attempts=2)
    assert_created(outcome, "route", created)
    match_snapshot(outcome, snapshots / "refund.json")
    tasker.snapshot(outcome, "refund")
    direct: Run = run(Path("t.yaml"), stubs={"a": checkpoint(1, 1)})
    again: Run = Tasker("project").run("t", real_time=True)
    data: dict[str, object] = direct.outcome()
    text: str = again.outcome_json()
    message = error.message if error is not None else ""
    return attempts + first_attempt + len(waits) + len(events) + len(data) + len(text + message)
