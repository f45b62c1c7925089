"""The executor's public API (re-exported lazily by :mod:`tasker_ctl.executor`)."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tasker_ctl.errors import ContextSchemaError
from tasker_ctl.executor.capacity import MAX_WORKERS, max_workers
from tasker_ctl.executor.discovery import (
    HandlerCatalog,
    HandlerSources,
    ImportProblem,
    handler_scope,
    resolve_sources,
)
from tasker_ctl.executor.events import RunEvent, RunObserver
from tasker_ctl.executor.notices import RunWarning, WarningCode
from tasker_ctl.executor.result import RunResult, StepFailure, StepReport
from tasker_ctl.executor.runner import FFI_TIMEOUT_S, Runner, RunOptions, Workers
from tasker_ctl.executor.schemas import check_input_schema
from tasker_ctl.executor.sdk import INSTALL_HINT, load_sdk
from tasker_ctl.executor.states import StepState, TaskState
from tasker_ctl.executor.worker import WorkerCore
from tasker_ctl.executor.workers import HandlerInfo, InProcessWorkers, WorkerPool
from tasker_ctl.model import TaskTemplate

__all__ = [
    "FFI_TIMEOUT_S",
    "INSTALL_HINT",
    "MAX_WORKERS",
    "HandlerCatalog",
    "HandlerInfo",
    "HandlerSources",
    "ImportProblem",
    "RunEvent",
    "RunObserver",
    "RunOptions",
    "RunResult",
    "RunWarning",
    "StepFailure",
    "StepReport",
    "StepState",
    "TaskState",
    "WarningCode",
    "WorkerPool",
    "Workers",
    "max_workers",
    "open_handlers",
    "resolve_sources",
    "run_workflow",
]


@contextmanager
def open_handlers(
    template: TaskTemplate | None,
    *,
    template_path: Path | None = None,
    roots: Sequence[Path] = (),
    packages: Sequence[str] = (),
    in_process: bool = False,
    wait: bool = True,
    testing: dict[str, Any] | None = None,
) -> Iterator[Workers]:
    """Start the handler worker for ``template`` (see :mod:`.discovery` for the sources).

    With ``in_process`` the handlers are imported and called in this process
    instead (for debuggers: no timeouts, no crash isolation). With ``wait=False``
    the worker imports the handlers while the caller goes on (the CLI lints the
    template meanwhile); :func:`run_workflow` waits for it. ``testing`` (stubs and a
    call record, from :mod:`tasker_ctl.testing`) goes to the worker in its ``load``
    message (see :mod:`.protocol`); it needs a worker process.

    Raises:
        MissingDependencyError: ``tasker_core`` is not installed.
        HandlerPackageError: A handler root or package does not exist.
    """
    sources = resolve_sources(template_path, roots, packages)
    callables = [step.handler.callable for step in template.steps] if template else []
    if in_process:
        if testing is not None:
            raise ValueError("stubs need a worker process: in_process cannot take testing")
        sdk = load_sdk()
        with handler_scope(sdk, sources, callables) as catalog:
            yield InProcessWorkers(WorkerCore(sdk, catalog, in_process=True), sources)
        return
    if importlib.util.find_spec("tasker_core") is None:
        load_sdk()  # raises the one clear sentence about installing the SDK
    pool = WorkerPool(sources, callables, 1, testing)
    try:
        pool.start(wait=wait)
        yield pool
    finally:
        pool.close()


def run_workflow(
    template: TaskTemplate,
    context: dict[str, Any],
    workers: Workers | HandlerCatalog,
    *,
    options: RunOptions | None = None,
    observers: Sequence[RunObserver] = (),
) -> RunResult:
    """Execute ``template`` with task ``context`` until the task reaches a final state.

    ``workers`` comes from :func:`open_handlers`; a :class:`HandlerCatalog` (handlers
    already imported in this process) runs them in-process.

    Raises:
        ContextSchemaError: ``--strict`` and the context does not match ``input_schema``.
        MissingDependencyError: ``tasker_core`` is not installed.
    """
    options = options or RunOptions()
    notices = check_input_schema(template, context)
    mismatches = [n for n in notices if n.code is WarningCode.INPUT_SCHEMA_MISMATCH]
    if options.strict and mismatches:
        raise ContextSchemaError(
            mismatches[0].message,
            hint="fix the context file, or run without --strict to see what happens anyway",
        )
    if isinstance(workers, HandlerCatalog):
        core = WorkerCore(load_sdk(), workers, in_process=True)
        workers = InProcessWorkers(core, workers.sources)
    if isinstance(workers, WorkerPool):
        workers.size = max(1, min(options.concurrency, max_workers()))
        # --concurrency N asks for parallelism: start the workers now, in parallel
        workers.prestart(min(workers.size, len(template.steps)))
        workers.wait_ready()
    runner = Runner(template, context, workers, options, tuple(observers), tuple(notices))
    return runner.run()
