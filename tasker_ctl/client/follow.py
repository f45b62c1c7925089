"""Following a task on the orchestration API until it reaches a final state.

``task create --wait`` polls ``GET /v1/tasks/{uuid}`` (the task with its steps'
readiness: state and attempts) with a backoff that starts short, grows while
nothing changes and starts short again when something does, until the task is
in one of upstream's terminal states (``TaskState::is_terminal``: ``complete``,
``error``, ``cancelled``, ``resolved_manually``) or the deadline passes. Then
``GET .../workflow_steps`` once, for the steps' results.

``blocked_by_failures`` also ends the wait: a step is in ``error`` and nothing more
will be scheduled; the only way on without an operator is the finalizer's
``GiveUp`` to ``error`` (``BlockedByFailures -> Error``), so waiting longer cannot
turn it into a success, while ``task reset-step``/``resolve-step`` can.

This module has no output of its own: each poll is handed to ``on_poll`` (the
live view). A failed call raises :class:`~tasker_ctl.client.errors.RemoteError`
as every other call does.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = [
    "FINAL_STATES",
    "STOP_STATES",
    "SUCCESS_STATES",
    "FollowResult",
    "Poller",
    "backoff_delays",
    "follow_task",
    "snapshot",
]

FINAL_STATES = frozenset({"complete", "error", "cancelled", "resolved_manually"})
"""Upstream's terminal task states."""

STOP_STATES = FINAL_STATES | {"blocked_by_failures"}
"""States that end ``--wait``: the terminal ones, and blocked by failed steps."""

SUCCESS_STATES = frozenset({"complete", "resolved_manually"})
"""Final states in which the task's work is done (exit 0)."""


class Poller(Protocol):
    """What following needs of :class:`~tasker_ctl.client.api.OrchestrationApi`."""

    def get_task(self, task_uuid: str) -> Any:
        """The task's ``TaskResponse``."""

    def list_steps(self, task_uuid: str) -> Any:
        """The task's ``StepResponse`` list."""


@dataclass(frozen=True)
class FollowResult:
    """The task as last seen, its steps (``StepResponse`` list) and whether time ran out."""

    task: dict[str, Any]
    steps: list[Any]
    timed_out: bool
    polls: int

    @property
    def status(self) -> str:
        """The task's last seen state."""
        return str(self.task.get("status", ""))

    @property
    def succeeded(self) -> bool:
        """Whether the task ended complete (or resolved by hand) in time."""
        return not self.timed_out and self.status in SUCCESS_STATES


def backoff_delays(first: float = 0.25, factor: float = 1.6, cap: float = 5.0) -> Any:
    """An endless generator of poll delays: ``first``, growing by ``factor`` up to ``cap``."""
    delay = first
    while True:
        yield delay
        delay = min(cap, delay * factor)


def snapshot(task: Any) -> tuple[Any, ...]:
    """What a person watching would notice changing: the task's state and its steps'."""
    if not isinstance(task, dict):
        return ()
    steps = task.get("steps") if isinstance(task.get("steps"), list) else []
    return (
        task.get("status"),
        tuple(
            (s.get("name"), s.get("current_state"), s.get("attempts"))
            for s in steps or ()
            if isinstance(s, dict)
        ),
    )


def follow_task(
    api: Poller,
    task_uuid: str,
    *,
    timeout: float,
    on_poll: Callable[[dict[str, Any]], None] = lambda task: None,
    first: dict[str, Any] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    first_delay: float = 0.25,
    max_delay: float = 5.0,
) -> FollowResult:
    """Poll the task until it is final (or blocked) or ``timeout`` seconds have passed.

    ``first`` is the task as ``POST /v1/tasks`` answered it (shown before the first poll).
    """
    deadline = clock() + timeout
    task: dict[str, Any] = dict(first) if isinstance(first, dict) else {}
    polls = 0
    if task:
        on_poll(task)
    delays = backoff_delays(first_delay, cap=max_delay)
    seen = snapshot(task)
    while str(task.get("status", "")) not in STOP_STATES:
        remaining = deadline - clock()
        if remaining <= 0:
            return FollowResult(task, _steps(api, task_uuid), True, polls)
        if polls or task:
            sleep(min(next(delays), remaining))
        answer = api.get_task(task_uuid)
        polls += 1
        task = answer if isinstance(answer, dict) else {}
        now = snapshot(task)
        if now != seen:
            seen = now
            delays = backoff_delays(first_delay, cap=max_delay)
            on_poll(task)
    return FollowResult(task, _steps(api, task_uuid), False, polls)


def _steps(api: Poller, task_uuid: str) -> list[Any]:
    steps = api.list_steps(task_uuid)
    return steps if isinstance(steps, list) else []
