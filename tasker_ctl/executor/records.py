"""The created workflow steps of one task: state, edges, readiness, ancestors.

This is the in-memory stand-in for the ``workflow_steps`` and
``workflow_step_edges`` rows. Readiness follows ``evaluate_step_state_readiness``
(``docs/run-semantics.md`` §2.1): a step is ready when it is ``pending`` or ``waiting_for_retry``,
every parent *edge* is complete, it is retry-eligible (first attempt, or
``retryable`` and ``attempts < max_attempts``) and its retry time has come.
Parent counts are kept per step so readiness is O(1) per change.
"""

from __future__ import annotations

import heapq
import json
from typing import Any

from tasker_ctl.executor.retry import BackoffPolicy
from tasker_ctl.executor.states import RUNNABLE_STATES, SATISFYING_STATES, StepState
from tasker_ctl.model import StepDefinition

_NULL = "null"


class StepRecord:
    """One workflow step (a row of ``workflow_steps`` plus bookkeeping)."""

    __slots__ = (
        "attempts",
        "backoff_ms",
        "checkpoint",
        "checkpoint_text",
        "checkpoint_yields",
        "children",
        "created_at",
        "created_by",
        "definition",
        "error",
        "handler_ms",
        "inputs_text",
        "last_attempted_at",
        "max_attempts",
        "name",
        "next_retry_ms",
        "parents",
        "policy",
        "queued",
        "result",
        "results_text",
        "retryable",
        "seq",
        "state",
        "uuid",
        "waiting_on",
    )

    def __init__(
        self,
        seq: int,
        name: str,
        definition: StepDefinition,
        uuid: str,
        inputs: dict[str, Any] | None,
        created_by: str | None,
        created_at: str,
        policy: BackoffPolicy,
    ) -> None:
        self.seq = seq
        self.name = name
        self.definition = definition
        self.uuid = uuid
        self.state = StepState.PENDING
        self.attempts = 0
        self.retryable = definition.retry.retryable
        self.max_attempts = definition.retry.max_attempts
        self.policy = policy
        self.inputs_text = _NULL if inputs is None else json.dumps(inputs)
        self.created_by = created_by
        self.created_at = created_at
        self.parents: list[StepRecord] = []
        self.children: list[StepRecord] = []
        self.waiting_on = 0
        self.checkpoint: dict[str, Any] | None = None
        self.checkpoint_text = _NULL
        self.checkpoint_yields = 0
        self.results_text = _NULL
        self.result: Any = None
        """The ``result`` of the persisted entry, once the step is complete."""
        self.error: Any = None
        self.next_retry_ms = 0.0
        self.backoff_ms: list[int] = []
        self.handler_ms = 0.0
        self.last_attempted_at: str | None = None
        self.queued = False

    @property
    def retry_eligible(self) -> bool:
        """``attempts == 0`` or (``retryable`` and ``attempts < max_attempts``)."""
        return self.attempts == 0 or (self.retryable and self.attempts < self.max_attempts)

    @property
    def template_step(self) -> str:
        """The template step this step was made from."""
        return self.definition.name


class Workflow:
    """All created steps, in creation order, with their edges and ready candidates."""

    def __init__(self) -> None:
        self.steps: dict[str, StepRecord] = {}
        self.order: list[StepRecord] = []
        self.completed = 0
        self.errored = 0
        self._candidates: list[tuple[int, StepRecord]] = []
        self._retries: list[tuple[float, int, StepRecord]] = []

    def add(self, record: StepRecord) -> None:
        """Register a new step (it starts ``pending`` with no parents)."""
        self.steps[record.name] = record
        self.order.append(record)
        heapq.heappush(self._candidates, (record.seq, record))

    def connect(self, parent: StepRecord, child: StepRecord) -> None:
        """Add the edge ``parent -> child``."""
        parent.children.append(child)
        child.parents.append(parent)
        if parent.state not in SATISFYING_STATES:
            child.waiting_on += 1

    def mark_complete(self, record: StepRecord) -> None:
        """Count a completion and release the children waiting on it."""
        self.completed += 1
        for child in record.children:
            child.waiting_on -= 1
            if child.waiting_on == 0:
                heapq.heappush(self._candidates, (child.seq, child))

    def schedule_retry(self, record: StepRecord, due_ms: float) -> None:
        """Make ``record`` a candidate again once the clock reaches ``due_ms``."""
        record.next_retry_ms = due_ms
        heapq.heappush(self._retries, (due_ms, record.seq, record))

    def next_retry_due(self) -> float | None:
        """When the earliest scheduled retry is due, if any."""
        while self._retries and self._retries[0][2].state is not StepState.WAITING_FOR_RETRY:
            heapq.heappop(self._retries)
        return self._retries[0][0] if self._retries else None

    def take_ready(self, now_ms: float) -> list[StepRecord]:
        """Every step ready at ``now_ms``, in creation order, each at most once."""
        while self._retries and self._retries[0][0] <= now_ms:
            _, seq, record = heapq.heappop(self._retries)
            heapq.heappush(self._candidates, (seq, record))
        ready: list[StepRecord] = []
        candidates = self._candidates
        while candidates:
            _, record = heapq.heappop(candidates)
            if (
                not record.queued
                and record.state in RUNNABLE_STATES
                and record.waiting_on == 0
                and record.retry_eligible
                and record.next_retry_ms <= now_ms
            ):
                record.queued = True
                ready.append(record)
        return ready
