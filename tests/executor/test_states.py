"""The task and step state machines."""

from __future__ import annotations

import pytest

from tasker_ctl.executor.states import (
    IllegalTransitionError,
    StepEvent,
    StepState,
    TaskEvent,
    TaskState,
    next_step_state,
    next_task_state,
)


def test_step_success_path() -> None:
    state = StepState.PENDING
    for event, expected in [
        (StepEvent.ENQUEUE, StepState.ENQUEUED),
        (StepEvent.START, StepState.IN_PROGRESS),
        (StepEvent.ENQUEUE_FOR_ORCHESTRATION, StepState.ENQUEUED_FOR_ORCHESTRATION),
        (StepEvent.COMPLETE, StepState.COMPLETE),
    ]:
        state = next_step_state(state, event)
        assert state is expected


def test_step_failure_paths() -> None:
    erroring = next_step_state(StepState.IN_PROGRESS, StepEvent.ENQUEUE_AS_ERROR_FOR_ORCHESTRATION)
    assert next_step_state(erroring, StepEvent.WAIT_FOR_RETRY) is StepState.WAITING_FOR_RETRY
    assert next_step_state(erroring, StepEvent.FAIL) is StepState.ERROR
    assert next_step_state(StepState.WAITING_FOR_RETRY, StepEvent.RETRY) is StepState.PENDING
    # error is not terminal in code: operators can retry it
    assert next_step_state(StepState.ERROR, StepEvent.RETRY) is StepState.PENDING
    assert next_step_state(StepState.ERROR, StepEvent.CANCEL) is StepState.CANCELLED


@pytest.mark.parametrize(
    ("state", "event"),
    [
        (StepState.PENDING, StepEvent.COMPLETE),
        (StepState.COMPLETE, StepEvent.START),
        (StepState.WAITING_FOR_RETRY, StepEvent.START),
        (StepState.COMPLETE, StepEvent.CANCEL),
        (StepState.ENQUEUED_FOR_ORCHESTRATION, StepEvent.WAIT_FOR_RETRY),
    ],
)
def test_illegal_step_transitions_raise(state: StepState, event: StepEvent) -> None:
    with pytest.raises(IllegalTransitionError):
        next_step_state(state, event)


def test_dependencies_are_satisfied_only_by_complete_or_resolved() -> None:
    satisfied = {s for s in StepState if s.satisfies_dependencies}
    assert satisfied == {StepState.COMPLETE, StepState.RESOLVED_MANUALLY}


def test_task_main_flow_and_blocking() -> None:
    state = TaskState.PENDING
    for event in (
        TaskEvent.START,
        TaskEvent.READY_STEPS_FOUND,
        TaskEvent.STEPS_ENQUEUED,
        TaskEvent.STEP_COMPLETED,
    ):
        state = next_task_state(state, event)
    assert state is TaskState.EVALUATING_RESULTS
    assert next_task_state(state, TaskEvent.PERMANENT_FAILURE) is TaskState.BLOCKED_BY_FAILURES
    assert next_task_state(state, TaskEvent.ALL_STEPS_SUCCESSFUL) is TaskState.COMPLETE
    waiting = next_task_state(state, TaskEvent.NO_DEPENDENCIES_READY)
    assert next_task_state(waiting, TaskEvent.DEPENDENCIES_READY) is TaskState.EVALUATING_RESULTS
    assert next_task_state(TaskState.BLOCKED_BY_FAILURES, TaskEvent.GIVE_UP) is TaskState.ERROR
    assert next_task_state(TaskState.INITIALIZING, TaskEvent.NO_STEPS_FOUND) is TaskState.COMPLETE


def test_terminal_task_states_refuse_everything() -> None:
    terminal = {s for s in TaskState if s.is_terminal}
    assert terminal == {
        TaskState.COMPLETE,
        TaskState.ERROR,
        TaskState.CANCELLED,
        TaskState.RESOLVED_MANUALLY,
    }
    for state in terminal:
        with pytest.raises(IllegalTransitionError):
            next_task_state(state, TaskEvent.CANCEL)
    assert next_task_state(TaskState.STEPS_IN_PROCESS, TaskEvent.CANCEL) is TaskState.CANCELLED
