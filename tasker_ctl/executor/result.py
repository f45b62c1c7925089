"""The outcome of a run: the data every reporter renders."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tasker_ctl.executor.notices import RunWarning
from tasker_ctl.executor.states import StepState, TaskState


@dataclass(frozen=True, slots=True)
class StepFailure:
    """Why a step's last attempt failed."""

    message: str
    error_type: str
    retryable: bool
    location: str | None = None
    """``file:line in function`` of the handler code that failed, when known."""
    exception_type: str | None = None
    """The Python exception class that failed the handler (``KeyError``), when one did."""
    source_line: str | None = None
    """The source text of the line at ``location``."""
    traceback: str | None = None
    """The handler's traceback, SDK and tasker-ctl frames folded."""


@dataclass(frozen=True, slots=True)
class StepReport:
    """One workflow step at the end of the run."""

    name: str
    template_step: str
    type: str
    status: StepState
    attempts: int
    checkpoint_yields: int
    result: Any
    error: StepFailure | None
    created_by: str | None
    backoff_ms: tuple[int, ...]
    handler_ms: float
    parents: tuple[str, ...]


@dataclass(frozen=True)
class RunResult:
    """Everything a run produced."""

    task_name: str
    namespace: str
    version: str
    status: TaskState
    steps: tuple[StepReport, ...]
    not_created: tuple[str, ...]
    warnings: tuple[RunWarning, ...]
    wall_ms: float
    virtual_ms: float
    handler_ms: float
    interrupted: bool = False
    real_time: bool = False
    """Whether retry waits were slept (``--real-time``) rather than skipped."""
    interrupted_by: str | None = None
    """What ended the run early: ``SIGINT``, ``SIGTERM`` or ``SIGHUP``."""

    @property
    def complete(self) -> bool:
        """Whether the task reached ``complete``."""
        return self.status is TaskState.COMPLETE

    def step(self, name: str) -> StepReport:
        """The report of step ``name`` (``KeyError`` if it was never created)."""
        for report in self.steps:
            if report.name == name:
                return report
        raise KeyError(name)

    @property
    def failed_steps(self) -> tuple[StepReport, ...]:
        """Steps whose last attempt failed (in error, or waiting for a retry)."""
        return tuple(s for s in self.steps if s.error is not None)
