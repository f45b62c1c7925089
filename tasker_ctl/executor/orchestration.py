"""One task's orchestration state, and the only code that changes it.

:class:`Orchestration` reproduces what Tasker's orchestrator keeps in its
``tasks``, ``workflow_steps`` and ``workflow_step_edges`` rows (``docs/run-semantics.md``
§0): it creates steps (every step of a
pass first, then the edges, so declaration order never matters), moves the
task and steps through their state machines, enqueues ready steps in creation
order, and finalizes the task after every result (any step in ``error``
blocks the task; already enqueued steps still run). It knows nothing about
workers or handler calls: :mod:`.outcomes` applies what a call produced, and
:mod:`.runner` drives the loop.

Every change is told to the observers; new edges and completed results are
collected in :attr:`Orchestration.published` for the workers.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from typing import Any

from tasker_ctl.executor.entries import now_iso
from tasker_ctl.executor.events import (
    RunEvent,
    RunObserver,
    StepCreated,
    StepTransition,
    TaskTransition,
    WarningRaised,
)
from tasker_ctl.executor.expansion import NewStep, initial_inputs
from tasker_ctl.executor.notices import RunWarning, WarningCode
from tasker_ctl.executor.payload import IdSource
from tasker_ctl.executor.plan import TemplateGraph
from tasker_ctl.executor.records import StepRecord, Workflow
from tasker_ctl.executor.result import RunResult, StepReport
from tasker_ctl.executor.retry import BackoffPolicy, Clock
from tasker_ctl.executor.states import (
    StepEvent,
    StepState,
    TaskEvent,
    TaskState,
    next_step_state,
    next_task_state,
)
from tasker_ctl.model import StepType, TaskTemplate


class Orchestration:
    """The state of one task: steps, edges, states, queue, warnings."""

    def __init__(
        self,
        template: TaskTemplate,
        clock: Clock,
        ids: IdSource,
        observers: Sequence[RunObserver] = (),
    ) -> None:
        self.template = template
        self.graph = TemplateGraph(template)
        self.workflow = Workflow()
        self.clock = clock
        self.ids = ids
        self.observers = tuple(observers)
        self.task_state = TaskState.PENDING
        self.queue: deque[StepRecord] = deque()
        self.in_flight = 0
        """Calls the runner has out (the finalizer must not complete the task meanwhile)."""
        self.blocked = False
        self.warnings: dict[tuple[str, str | None, str], RunWarning] = {}
        self.published: list[dict[str, Any] | bytes] = []
        """Messages for the workers (new edges; result lines), taken by the runner."""
        self._policies: dict[str, BackoffPolicy] = {}

    # -- reporting ---------------------------------------------------------
    def emit(self, event: RunEvent) -> None:
        """Tell every observer about ``event``."""
        now = self.clock.now_ms()
        for observer in self.observers:
            observer.on_event(event, now)

    def warn(self, code: WarningCode, message: str, step: str | None = None) -> None:
        """Record a warning once."""
        key = (str(code), step, message)
        if key not in self.warnings:
            warning = RunWarning(code, message, step)
            self.warnings[key] = warning
            if self.observers:
                self.emit(WarningRaised(warning))

    def task(self, event: TaskEvent) -> None:
        """Move the task through its state machine."""
        before = self.task_state
        self.task_state = next_task_state(before, event)
        if self.observers:
            self.emit(TaskTransition(str(before), str(self.task_state), str(event)))

    def step_to(self, record: StepRecord, event: StepEvent) -> None:
        """Move a step through its state machine."""
        before = record.state
        record.state = next_step_state(before, event)
        if self.observers:
            self.emit(
                StepTransition(
                    record.name, str(before), str(record.state), str(event), record.attempts
                )
            )

    # -- creating steps ----------------------------------------------------
    def create_steps(
        self,
        steps: Sequence[NewStep],
        created_by: str | None,
        extra_edges: Sequence[tuple[str, str]] = (),
    ) -> list[StepRecord]:
        """Create ``steps``, then every edge to them (and ``extra_edges``).

        Production creates every step of a pass first and the edges after, so a step
        may name parents created later in the same pass: any declaration order works.
        """
        records = [self._create(new, created_by) for new in steps]
        steps_by_name = self.workflow.steps
        edges: list[tuple[str, str]] = []
        for record, new in zip(records, steps, strict=True):
            for parent in new.parents:
                self.workflow.connect(steps_by_name[parent], record)
                edges.append((parent, record.name))
        for parent, child in extra_edges:
            self.workflow.connect(steps_by_name[parent], steps_by_name[child])
            edges.append((parent, child))
        if edges:
            self.published.append({"op": "graph", "edges": edges})
        return records

    def _create(self, new: NewStep, created_by: str | None) -> StepRecord:
        definition = self.graph.steps[new.template_name]
        policy = self._policies.get(new.template_name)
        if policy is None:
            policy = self._policies[new.template_name] = BackoffPolicy.from_retry(definition.retry)
        record = StepRecord(
            len(self.workflow.order),
            new.name,
            definition,
            self.ids.new(),
            new.inputs,
            created_by,
            now_iso(),
            policy,
        )
        self.workflow.add(record)
        if self.observers:
            self.emit(
                StepCreated(
                    new.name, new.template_name, str(definition.type), new.parents, created_by
                )
            )
        handler = definition.handler
        if handler.method and handler.method != "call":
            self.warn(
                WarningCode.HANDLER_METHOD_IGNORED,
                f"handler.method '{handler.method}' is ignored by the Python worker, which "
                "resolves the callable by name and always calls call()",
                new.template_name,
            )
        if handler.resolver:
            self.warn(
                WarningCode.HANDLER_RESOLVER_IGNORED,
                f"handler.resolver '{handler.resolver}' is ignored by the Python worker, which "
                "resolves the callable through the default resolver chain",
                new.template_name,
            )
        return record

    def create_initial_steps(self) -> None:
        """``WorkflowStepBuilder``: the initial step set, then the edges between them."""
        graph = self.graph
        initial = graph.initial_steps()
        created = set(initial)
        new_steps = []
        for name in initial:
            parents = tuple(d for d in graph.deps[name] if d in created)
            new_steps.append(NewStep(name, name, initial_inputs(graph.steps[name]), parents))
            for dep in graph.deps[name]:
                if dep not in created and dep in graph.steps:
                    kind = graph.type_of(dep)
                    why = (
                        "a batch_worker template"
                        if kind is StepType.BATCH_WORKER
                        else "created later by a decision"
                        if kind is not StepType.DEFERRED_CONVERGENCE
                        else "a deferred_convergence step created later"
                    )
                    self.warn(
                        WarningCode.DEPENDENCY_NOT_CREATED,
                        f"'{name}' depends on '{dep}', which does not exist when the task "
                        f"starts ({why}); production creates no edge for it, so '{name}' "
                        f"runs without waiting for '{dep}'",
                        name,
                    )
        self.create_steps(new_steps, None)

    # -- readiness and finalization ----------------------------------------
    def enqueue_ready(self) -> bool:
        """Enqueue every ready step (the task goes to ``steps_in_process``), if any."""
        ready = self.workflow.take_ready(self.clock.now_ms())
        if not ready:
            return False
        self.task(TaskEvent.READY_STEPS_FOUND)
        self.enqueue(ready)
        self.task(TaskEvent.STEPS_ENQUEUED)
        return True

    def enqueue(self, ready: list[StepRecord]) -> None:
        """Move ready steps to ``enqueued`` and append them to the dispatch queue."""
        for record in ready:
            if record.state is StepState.WAITING_FOR_RETRY:
                self.step_to(record, StepEvent.RETRY)
            self.step_to(record, StepEvent.ENQUEUE)
            self.queue.append(record)

    def enqueue_due_retries(self) -> None:
        """Under ``--real-time``, enqueue retries that came due while others run."""
        if self.blocked:
            return
        ready = self.workflow.take_ready(self.clock.now_ms())
        if ready:
            self.enqueue(ready)

    def finalize(self) -> None:
        """``TaskFinalizer``: decide what the task does after a result."""
        if self.task_state is TaskState.STEPS_IN_PROCESS:
            self.task(TaskEvent.STEP_COMPLETED)
        if self.task_state is not TaskState.EVALUATING_RESULTS:
            return
        workflow = self.workflow
        if workflow.errored:
            self.task(TaskEvent.PERMANENT_FAILURE)
            self.blocked = True
            return
        if self.enqueue_ready():
            return
        if self.queue or self.in_flight:
            return
        if workflow.completed == len(workflow.order):
            self.task(TaskEvent.ALL_STEPS_SUCCESSFUL)
            return
        self.task(TaskEvent.NO_DEPENDENCIES_READY)

    def claim(self, record: StepRecord) -> None:
        """The worker picked ``record`` up: attempts + 1, ``in_progress``."""
        record.queued = False
        record.attempts += 1
        record.last_attempted_at = now_iso()
        self.step_to(record, StepEvent.START)

    # -- the outcome -------------------------------------------------------
    def result(
        self, wall_ms: float, handler_ms: float, interrupted: str | None, *, real_time: bool
    ) -> RunResult:
        """The run's result as it stands."""
        workflow = self.workflow
        used_templates = {r.template_step for r in workflow.order}
        not_created = tuple(
            name
            for name in self.graph.steps
            if name not in workflow.steps and name not in used_templates
        )
        steps = tuple(
            StepReport(
                name=r.name,
                template_step=r.template_step,
                type=str(r.definition.type),
                status=r.state,
                attempts=r.attempts,
                checkpoint_yields=r.checkpoint_yields,
                result=r.result,
                error=None if r.state is StepState.COMPLETE else r.error,
                created_by=r.created_by,
                backoff_ms=tuple(r.backoff_ms),
                handler_ms=r.handler_ms,
                parents=tuple(p.name for p in r.parents),
            )
            for r in workflow.order
        )
        return RunResult(
            task_name=self.template.name,
            namespace=self.template.namespace_name,
            version=self.template.version,
            status=self.task_state,
            steps=steps,
            not_created=not_created,
            warnings=tuple(self.warnings.values()),
            wall_ms=wall_ms,
            virtual_ms=self.clock.waited_ms,
            handler_ms=handler_ms,
            interrupted=interrupted is not None,
            interrupted_by=interrupted,
            real_time=real_time,
        )
