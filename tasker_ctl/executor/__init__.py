"""Run a task template in-process, the way Tasker's orchestrator and Python worker would.

Public API::

    with open_handlers(template, template_path=path) as catalog:
        result = run_workflow(template, context, catalog, options=RunOptions())

:func:`open_handlers` imports the real SDK (``tasker_core``) and the handler
packages into a private registry; :func:`run_workflow` executes the task and
returns a :class:`RunResult`. Failed steps are data in the result; only input
that cannot be run at all raises a :class:`~tasker_ctl.errors.TaskerCtlError`.
This package does no terminal I/O: observers (:class:`RunObserver`) hear
about every state change.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tasker_ctl.errors import ContextSchemaError
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
from tasker_ctl.executor.runner import FFI_TIMEOUT_S, Runner, RunOptions
from tasker_ctl.executor.schemas import check_input_schema
from tasker_ctl.executor.sdk import INSTALL_HINT, load_sdk
from tasker_ctl.executor.states import StepState, TaskState
from tasker_ctl.model import TaskTemplate

__all__ = [
    "FFI_TIMEOUT_S",
    "INSTALL_HINT",
    "HandlerCatalog",
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
    "open_handlers",
    "resolve_sources",
    "run_workflow",
]


@contextmanager
def open_handlers(
    template: TaskTemplate,
    *,
    template_path: Path | None = None,
    roots: Sequence[Path] = (),
    packages: Sequence[str] = (),
) -> Iterator[HandlerCatalog]:
    """Load the SDK and the handler packages for ``template`` (see :mod:`.discovery`).

    Raises:
        MissingDependencyError: ``tasker_core`` is not installed.
        HandlerPackageError: A handler root or package does not exist.
    """
    sdk = load_sdk()
    sources = resolve_sources(template_path, roots, packages)
    callables = [step.handler.callable for step in template.steps]
    with handler_scope(sdk, sources, callables) as catalog:
        yield catalog


def run_workflow(
    template: TaskTemplate,
    context: dict[str, Any],
    catalog: HandlerCatalog,
    *,
    options: RunOptions | None = None,
    observers: Sequence[RunObserver] = (),
) -> RunResult:
    """Execute ``template`` with task ``context`` until the task reaches a final state.

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
    runner = Runner(
        template, context, load_sdk(), catalog, options, tuple(observers), tuple(notices)
    )
    return runner.run()
