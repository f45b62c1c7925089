"""Task and step state machines, exactly as Tasker's orchestration defines them.

The states and transitions mirror ``tasker-shared``'s ``TaskState`` /
``WorkflowStepState`` and their state machines (``docs/run-semantics.md``
§1). The runner moves every task and step
through :func:`next_task_state` / :func:`next_step_state`; an event that is not
allowed from the current state raises :class:`IllegalTransitionError`, which is
a bug in the runner, never a user error.
"""

from __future__ import annotations

import enum


class TaskState(enum.StrEnum):
    """The twelve task states (serialized in snake_case, as in Rust)."""

    PENDING = "pending"
    INITIALIZING = "initializing"
    ENQUEUING_STEPS = "enqueuing_steps"
    STEPS_IN_PROCESS = "steps_in_process"
    EVALUATING_RESULTS = "evaluating_results"
    WAITING_FOR_DEPENDENCIES = "waiting_for_dependencies"
    WAITING_FOR_RETRY = "waiting_for_retry"
    BLOCKED_BY_FAILURES = "blocked_by_failures"
    COMPLETE = "complete"
    ERROR = "error"
    CANCELLED = "cancelled"
    RESOLVED_MANUALLY = "resolved_manually"

    @property
    def is_terminal(self) -> bool:
        """Whether the task can never change state again (``TaskState::is_terminal``)."""
        return self in _TERMINAL_TASK_STATES


_TERMINAL_TASK_STATES = frozenset(
    {TaskState.COMPLETE, TaskState.ERROR, TaskState.CANCELLED, TaskState.RESOLVED_MANUALLY}
)


class TaskEvent(enum.StrEnum):
    """Events that move a task between states."""

    START = "start"
    READY_STEPS_FOUND = "ready_steps_found"
    NO_STEPS_FOUND = "no_steps_found"
    NO_DEPENDENCIES_READY = "no_dependencies_ready"
    STEPS_ENQUEUED = "steps_enqueued"
    ENQUEUE_FAILED = "enqueue_failed"
    STEP_COMPLETED = "step_completed"
    STEP_FAILED = "step_failed"
    ALL_STEPS_SUCCESSFUL = "all_steps_successful"
    PERMANENT_FAILURE = "permanent_failure"
    DEPENDENCIES_READY = "dependencies_ready"
    RETRY_READY = "retry_ready"
    GIVE_UP = "give_up"
    MANUAL_RESOLUTION = "manual_resolution"
    CANCEL = "cancel"


_T = TaskState
_TASK_TRANSITIONS: dict[tuple[TaskState, TaskEvent], TaskState] = {
    (_T.PENDING, TaskEvent.START): _T.INITIALIZING,
    (_T.INITIALIZING, TaskEvent.READY_STEPS_FOUND): _T.ENQUEUING_STEPS,
    (_T.INITIALIZING, TaskEvent.NO_STEPS_FOUND): _T.COMPLETE,
    (_T.INITIALIZING, TaskEvent.NO_DEPENDENCIES_READY): _T.WAITING_FOR_DEPENDENCIES,
    (_T.ENQUEUING_STEPS, TaskEvent.STEPS_ENQUEUED): _T.STEPS_IN_PROCESS,
    (_T.ENQUEUING_STEPS, TaskEvent.ENQUEUE_FAILED): _T.ERROR,
    (_T.STEPS_IN_PROCESS, TaskEvent.STEP_COMPLETED): _T.EVALUATING_RESULTS,
    (_T.STEPS_IN_PROCESS, TaskEvent.STEP_FAILED): _T.WAITING_FOR_RETRY,
    (_T.EVALUATING_RESULTS, TaskEvent.ALL_STEPS_SUCCESSFUL): _T.COMPLETE,
    (_T.EVALUATING_RESULTS, TaskEvent.READY_STEPS_FOUND): _T.ENQUEUING_STEPS,
    (_T.EVALUATING_RESULTS, TaskEvent.NO_DEPENDENCIES_READY): _T.WAITING_FOR_DEPENDENCIES,
    (_T.EVALUATING_RESULTS, TaskEvent.PERMANENT_FAILURE): _T.BLOCKED_BY_FAILURES,
    (_T.WAITING_FOR_DEPENDENCIES, TaskEvent.DEPENDENCIES_READY): _T.EVALUATING_RESULTS,
    (_T.WAITING_FOR_RETRY, TaskEvent.RETRY_READY): _T.ENQUEUING_STEPS,
    (_T.BLOCKED_BY_FAILURES, TaskEvent.GIVE_UP): _T.ERROR,
    (_T.BLOCKED_BY_FAILURES, TaskEvent.MANUAL_RESOLUTION): _T.RESOLVED_MANUALLY,
}


class StepState(enum.StrEnum):
    """The ten workflow-step states."""

    PENDING = "pending"
    ENQUEUED = "enqueued"
    IN_PROGRESS = "in_progress"
    ENQUEUED_FOR_ORCHESTRATION = "enqueued_for_orchestration"
    ENQUEUED_AS_ERROR_FOR_ORCHESTRATION = "enqueued_as_error_for_orchestration"
    WAITING_FOR_RETRY = "waiting_for_retry"
    COMPLETE = "complete"
    ERROR = "error"
    CANCELLED = "cancelled"
    RESOLVED_MANUALLY = "resolved_manually"

    @property
    def satisfies_dependencies(self) -> bool:
        """Whether a child may run after this parent (``complete`` or ``resolved_manually``)."""
        return self in SATISFYING_STATES


SATISFYING_STATES = frozenset({StepState.COMPLETE, StepState.RESOLVED_MANUALLY})
"""Step states that satisfy a child's dependency on the step."""
RUNNABLE_STATES = frozenset({StepState.PENDING, StepState.WAITING_FOR_RETRY})
"""Step states from which a step can be ready (``evaluate_step_state_readiness``)."""


class StepEvent(enum.StrEnum):
    """Events that move a workflow step between states."""

    ENQUEUE = "enqueue"
    START = "start"
    ENQUEUE_FOR_ORCHESTRATION = "enqueue_for_orchestration"
    ENQUEUE_AS_ERROR_FOR_ORCHESTRATION = "enqueue_as_error_for_orchestration"
    COMPLETE = "complete"
    FAIL = "fail"
    WAIT_FOR_RETRY = "wait_for_retry"
    RETRY = "retry"
    CANCEL = "cancel"


_S = StepState
_STEP_TRANSITIONS: dict[tuple[StepState, StepEvent], StepState] = {
    (_S.PENDING, StepEvent.ENQUEUE): _S.ENQUEUED,
    (_S.PENDING, StepEvent.START): _S.IN_PROGRESS,
    (_S.ENQUEUED, StepEvent.START): _S.IN_PROGRESS,
    (_S.IN_PROGRESS, StepEvent.ENQUEUE_FOR_ORCHESTRATION): _S.ENQUEUED_FOR_ORCHESTRATION,
    (_S.IN_PROGRESS, StepEvent.ENQUEUE_AS_ERROR_FOR_ORCHESTRATION): (
        _S.ENQUEUED_AS_ERROR_FOR_ORCHESTRATION
    ),
    (_S.ENQUEUED_FOR_ORCHESTRATION, StepEvent.COMPLETE): _S.COMPLETE,
    (_S.ENQUEUED_FOR_ORCHESTRATION, StepEvent.FAIL): _S.ERROR,
    (_S.ENQUEUED_AS_ERROR_FOR_ORCHESTRATION, StepEvent.WAIT_FOR_RETRY): _S.WAITING_FOR_RETRY,
    (_S.ENQUEUED_AS_ERROR_FOR_ORCHESTRATION, StepEvent.FAIL): _S.ERROR,
    (_S.ENQUEUED_AS_ERROR_FOR_ORCHESTRATION, StepEvent.COMPLETE): _S.COMPLETE,
    (_S.WAITING_FOR_RETRY, StepEvent.RETRY): _S.PENDING,
    (_S.ERROR, StepEvent.RETRY): _S.PENDING,
    (_S.PENDING, StepEvent.FAIL): _S.ERROR,
    (_S.ENQUEUED, StepEvent.FAIL): _S.ERROR,
    (_S.IN_PROGRESS, StepEvent.FAIL): _S.ERROR,
}
_CANCELLABLE = frozenset(StepState) - {_S.COMPLETE, _S.CANCELLED, _S.RESOLVED_MANUALLY}


class IllegalTransitionError(RuntimeError):
    """The runner tried a transition the state machine forbids (a bug, not user error)."""


def next_task_state(state: TaskState, event: TaskEvent) -> TaskState:
    """The state ``event`` moves a task in ``state`` to.

    Raises:
        IllegalTransitionError: The event is not allowed from ``state``.
    """
    if event is TaskEvent.CANCEL and not state.is_terminal:
        return TaskState.CANCELLED
    target = _TASK_TRANSITIONS.get((state, event))
    if target is None:
        raise IllegalTransitionError(f"task cannot go from {state} on {event}")
    return target


def next_step_state(state: StepState, event: StepEvent) -> StepState:
    """The state ``event`` moves a workflow step in ``state`` to.

    Raises:
        IllegalTransitionError: The event is not allowed from ``state``.
    """
    if event is StepEvent.CANCEL and state in _CANCELLABLE:
        return StepState.CANCELLED
    target = _STEP_TRANSITIONS.get((state, event))
    if target is None:
        raise IllegalTransitionError(f"step cannot go from {state} on {event}")
    return target
