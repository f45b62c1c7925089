"""Workflow tests: run task templates from Python tests, with stubs and assertions.

::

    from tasker_ctl.testing import failure, run

    def test_declined_card_stops_the_refund():
        outcome = run("config/tasks/refund.yaml", context={"amount": 50},
                      stubs={"charge_card": failure("card declined", retryable=False)})
        assert outcome.step("charge_card").status == "error"

The pytest plugin (``tasker_ctl.testing.pytest_plugin``, registered as a ``pytest11``
entry point) offers the same as the ``tasker`` fixture. Everything listed in
``__all__`` is public and follows semantic versioning (``docs/testing-workflows.md``).
Nothing here imports the CLI, Rich or the SDK; the SDK runs in the worker process.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tasker_ctl.testing.runs import (
    Call,
    Clock,
    Event,
    Run,
    RunWarning,
    Step,
    StepError,
    Tasker,
    Wait,
    run,
)
from tasker_ctl.testing.stubs import (
    Stub,
    StubLike,
    call,
    checkpoint,
    failure,
    result,
    sequence,
)

__all__ = [
    "Call",
    "Clock",
    "Event",
    "Run",
    "RunWarning",
    "Step",
    "StepError",
    "Stub",
    "StubLike",
    "Tasker",
    "Wait",
    "assert_calls",
    "assert_created",
    "assert_not_created",
    "assert_outcome",
    "assert_run_complete",
    "assert_step",
    "assert_waits",
    "call",
    "checkpoint",
    "failure",
    "match_snapshot",
    "result",
    "run",
    "sequence",
]

_ASSERTIONS = frozenset(
    {
        "assert_calls",
        "assert_created",
        "assert_not_created",
        "assert_outcome",
        "assert_run_complete",
        "assert_step",
        "assert_waits",
        "match_snapshot",
    }
)

if TYPE_CHECKING:
    from tasker_ctl.testing.assertions import assert_calls as assert_calls
    from tasker_ctl.testing.assertions import assert_created as assert_created
    from tasker_ctl.testing.assertions import assert_not_created as assert_not_created
    from tasker_ctl.testing.assertions import assert_outcome as assert_outcome
    from tasker_ctl.testing.assertions import assert_run_complete as assert_run_complete
    from tasker_ctl.testing.assertions import assert_step as assert_step
    from tasker_ctl.testing.assertions import assert_waits as assert_waits
    from tasker_ctl.testing.assertions import match_snapshot as match_snapshot


def __getattr__(name: str) -> Any:
    """The assertion helpers, imported on first use.

    Lazily, so that the pytest plugin can register ``tasker_ctl.testing.assertions``
    for assertion rewriting before it is imported.
    """
    if name in _ASSERTIONS:
        from tasker_ctl.testing import assertions

        return getattr(assertions, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
