"""What happens during a run, as it happens: events for observers.

The runner reports every state change to its observers (the live view, the
JSONL event log); it never formats or writes anything itself. Observers run
on the runner's thread and must be quick.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from tasker_ctl.executor.notices import RunWarning


@dataclass(frozen=True, slots=True)
class RunStarted:
    """The run begins."""

    task: str
    namespace: str
    version: str
    concurrency: int
    real_time: bool


@dataclass(frozen=True, slots=True)
class TaskTransition:
    """The task changed state."""

    from_state: str
    to_state: str
    event: str


@dataclass(frozen=True, slots=True)
class StepCreated:
    """A workflow step now exists (at start, or created by a decision or batch)."""

    step: str
    template_step: str
    step_type: str
    parents: tuple[str, ...]
    created_by: str | None


@dataclass(frozen=True, slots=True)
class StepTransition:
    """A step changed state; ``attempts`` is its attempt count after the change."""

    step: str
    from_state: str
    to_state: str
    event: str
    attempts: int


@dataclass(frozen=True, slots=True)
class AttemptFinished:
    """A handler call came back (or timed out)."""

    step: str
    attempt: int
    outcome: str
    handler_ms: float
    error_type: str | None = None
    message: str | None = None
    exception_type: str | None = None
    """The Python exception class that failed the handler, when one did."""
    location: str | None = None
    """``file:line in function`` of the handler's own frame where it failed."""
    source_line: str | None = None
    """The source text of that line."""
    traceback: str | None = None
    """The handler's traceback, SDK and tasker-ctl frames folded."""


@dataclass(frozen=True, slots=True)
class RetryScheduled:
    """A failed step will be retried after ``delay_ms`` (virtual unless --real-time)."""

    step: str
    attempt: int
    delay_ms: int
    due_ms: float


@dataclass(frozen=True, slots=True)
class CheckpointYielded:
    """A handler yielded a checkpoint; the step is dispatched again."""

    step: str
    cursor: Any
    items_processed: Any
    yields: int


@dataclass(frozen=True, slots=True)
class BatchCreated:
    """A batchable step's outcome created ``workers`` workers."""

    analyzer: str
    worker_template: str
    workers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ClockAdvanced:
    """Nothing could run, so time moved on to the next retry."""

    to_ms: float


@dataclass(frozen=True, slots=True)
class WarningRaised:
    """A (parity) warning."""

    warning: RunWarning


@dataclass(frozen=True, slots=True)
class RunFinished:
    """The run is over (complete, stuck, blocked or interrupted)."""

    task_status: str
    interrupted: bool


RunEvent = (
    RunStarted
    | TaskTransition
    | StepCreated
    | StepTransition
    | AttemptFinished
    | RetryScheduled
    | CheckpointYielded
    | BatchCreated
    | ClockAdvanced
    | WarningRaised
    | RunFinished
)


class RunObserver(Protocol):
    """Something that wants to know what the run is doing."""

    def on_event(self, event: RunEvent, virtual_ms: float) -> None:
        """Called for every event; ``virtual_ms`` is the scheduler clock."""
        ...
