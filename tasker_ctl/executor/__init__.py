"""Run a task template locally, the way Tasker's orchestrator and Python worker would.

Public API::

    with open_handlers(template, template_path=path) as workers:
        result = run_workflow(template, context, workers, options=RunOptions())

:func:`open_handlers` starts a worker process (:mod:`.worker`) that imports the
real SDK (``tasker_core``) and the handler packages; :func:`run_workflow`
executes the task in this process (:mod:`.runner`, the orchestrator) and
returns a :class:`RunResult`, while handlers run in the workers. Failed steps
are data in the result; only input that cannot be run at all raises a
:class:`~tasker_ctl.errors.TaskerCtlError`. This package does no terminal I/O:
observers (:class:`RunObserver`) hear about every state change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from tasker_ctl.executor.api import FFI_TIMEOUT_S as FFI_TIMEOUT_S
    from tasker_ctl.executor.api import INSTALL_HINT as INSTALL_HINT
    from tasker_ctl.executor.api import MAX_WORKERS as MAX_WORKERS
    from tasker_ctl.executor.api import HandlerCatalog as HandlerCatalog
    from tasker_ctl.executor.api import HandlerInfo as HandlerInfo
    from tasker_ctl.executor.api import HandlerSources as HandlerSources
    from tasker_ctl.executor.api import ImportProblem as ImportProblem
    from tasker_ctl.executor.api import RunEvent as RunEvent
    from tasker_ctl.executor.api import RunObserver as RunObserver
    from tasker_ctl.executor.api import RunOptions as RunOptions
    from tasker_ctl.executor.api import RunResult as RunResult
    from tasker_ctl.executor.api import RunWarning as RunWarning
    from tasker_ctl.executor.api import StepFailure as StepFailure
    from tasker_ctl.executor.api import StepReport as StepReport
    from tasker_ctl.executor.api import StepState as StepState
    from tasker_ctl.executor.api import TaskState as TaskState
    from tasker_ctl.executor.api import WarningCode as WarningCode
    from tasker_ctl.executor.api import WorkerPool as WorkerPool
    from tasker_ctl.executor.api import Workers as Workers
    from tasker_ctl.executor.api import max_workers as max_workers
    from tasker_ctl.executor.api import open_handlers as open_handlers
    from tasker_ctl.executor.api import resolve_sources as resolve_sources
    from tasker_ctl.executor.api import run_workflow as run_workflow


def __getattr__(name: str) -> Any:
    """Import the API on first use, so the worker process (a submodule) starts light."""
    if name in __all__:
        from tasker_ctl.executor import api

        return getattr(api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
