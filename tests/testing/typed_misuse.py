"""Mistakes ``mypy --strict`` must catch in a consumer of the API (test_plugin.py)."""

from __future__ import annotations

from tasker_ctl.testing import Run, failure


def misuse(run: Run) -> None:
    attempts: str = run.step("x").attempts
    failure("x", retryable="no")
    run.clock.waits_for(1)
    print(attempts)
