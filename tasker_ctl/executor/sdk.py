"""The one door to the real Tasker Python SDK (``tasker_core`` from ``tasker-py``).

``tasker_core`` is imported lazily, the first time a run needs it, after
setting ``RUST_LOG=off`` unless the user chose a level: otherwise importing it
prints about a hundred Rust log lines to stdout. Without the SDK, :func:`load_sdk`
raises :class:`~tasker_ctl.errors.MissingDependencyError` with one sentence
saying what to install.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from tasker_ctl.errors import MissingDependencyError

INSTALL_HINT = "pip install 'tasker-ctl[sdk]'"


@dataclass(frozen=True)
class Sdk:
    """The SDK classes the executor drives (all from ``tasker_core`` itself)."""

    FfiStepEvent: Any
    StepContext: Any
    StepHandlerResult: Any
    StepExecutionResult: Any
    StepError: Any
    StepHandler: Any
    HandlerRegistry: Any
    StepExecutionSubscriber: Any
    EventBridge: Any
    PermanentError: Any
    version: str

    def new_subscriber(self, registry: Any) -> Any:
        """A real ``StepExecutionSubscriber`` whose helpers classify results like the worker."""
        return self.StepExecutionSubscriber(
            event_bridge=self.EventBridge(), handler_registry=registry, worker_id="tasker-ctl"
        )


@lru_cache(maxsize=1)
def load_sdk() -> Sdk:
    """Import ``tasker_core`` (quietly) and return the pieces the executor uses.

    Raises:
        MissingDependencyError: The SDK is not installed or cannot be imported.
    """
    os.environ.setdefault("RUST_LOG", "off")
    try:
        import tasker_core
        from tasker_core.errors import PermanentError
        from tasker_core.event_bridge import EventBridge
        from tasker_core.handler import HandlerRegistry
        from tasker_core.step_execution_subscriber import StepExecutionSubscriber
        from tasker_core.step_handler.base import StepHandler
        from tasker_core.types import (
            FfiStepEvent,
            StepContext,
            StepError,
            StepExecutionResult,
            StepHandlerResult,
        )
    except ImportError as exc:
        raise MissingDependencyError(
            f"'tasker-ctl run' needs the Tasker Python SDK (tasker_core), which is not "
            f"installed or failed to import ({exc}); install it with: {INSTALL_HINT}",
            hint="the SDK has wheels for Linux x86_64 (glibc >= 2.34) and macOS arm64",
        ) from exc
    return Sdk(
        FfiStepEvent=FfiStepEvent,
        StepContext=StepContext,
        StepHandlerResult=StepHandlerResult,
        StepExecutionResult=StepExecutionResult,
        StepError=StepError,
        StepHandler=StepHandler,
        HandlerRegistry=HandlerRegistry,
        StepExecutionSubscriber=StepExecutionSubscriber,
        EventBridge=EventBridge,
        PermanentError=PermanentError,
        version=str(getattr(tasker_core, "__version__", "unknown")),
    )
