"""The one door to the real Tasker Python SDK (``tasker_core`` from ``tasker-py``).

``tasker_core`` is imported lazily, the first time a run needs it, after
setting ``RUST_LOG=off`` unless the user chose a level: otherwise importing it
prints about a hundred Rust log lines to stdout. Without the SDK, :func:`load_sdk`
raises :class:`~tasker_ctl.errors.MissingDependencyError` with one sentence
saying what to install.
"""

from __future__ import annotations

import os
import sys
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
    HandlerRegistry: Any
    StepExecutionSubscriber: Any
    EventBridge: Any
    PermanentError: Any

    def new_subscriber(self, registry: Any) -> Any:
        """A real ``StepExecutionSubscriber`` whose helpers classify results like the worker."""
        return self.StepExecutionSubscriber(
            event_bridge=self.EventBridge(), handler_registry=registry, worker_id="tasker-ctl"
        )

    def event(self, ids: tuple[str, str, str, str], payload: dict[str, Any]) -> Any:
        """A real ``FfiStepEvent`` (``event_id, task_uuid, step_uuid, correlation_id``)."""
        event_id, task_uuid, step_uuid, correlation_id = ids
        return self.FfiStepEvent(
            event_id=event_id,
            task_uuid=task_uuid,
            step_uuid=step_uuid,
            correlation_id=correlation_id,
            task_correlation_id=correlation_id,
            task_sequence_step=payload,
        )

    def failure(self, message: str, error_type: str, *, retryable: bool) -> Any:
        """A ``StepHandlerResult`` failure built by the SDK."""
        return self.StepHandlerResult.failure(
            message=message, error_type=error_type, retryable=retryable
        )


def _skip_httpx_command_line() -> bool:
    """Keep ``import httpx`` (done by the SDK) from loading httpx's command-line client.

    ``httpx/__init__`` imports its optional CLI (``httpx._main``: click, rich,
    pygments) when they are installed, about 40 ms of a worker's start; it falls
    back to a stub ``httpx.main`` when that import fails, which is all handlers
    could ever miss. Only done when httpx is not imported yet; the block is lifted
    again right after the SDK is imported.
    """
    if "httpx" in sys.modules or "httpx._main" in sys.modules:
        return False
    sys.modules["httpx._main"] = None  # type: ignore[assignment]
    return True


@lru_cache(maxsize=1)
def load_sdk() -> Sdk:
    """Import ``tasker_core`` (quietly) and return the pieces the executor uses.

    Raises:
        MissingDependencyError: The SDK is not installed or cannot be imported.
    """
    os.environ.setdefault("RUST_LOG", "off")
    skipped = _skip_httpx_command_line()
    try:
        import tasker_core  # noqa: F401 - the package itself, not only cached submodules
        from tasker_core.errors import PermanentError
        from tasker_core.event_bridge import EventBridge
        from tasker_core.handler import HandlerRegistry
        from tasker_core.step_execution_subscriber import StepExecutionSubscriber
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
    finally:
        if skipped and sys.modules.get("httpx._main", 0) is None:
            del sys.modules["httpx._main"]
    return Sdk(
        FfiStepEvent,
        StepContext,
        StepHandlerResult,
        StepExecutionResult,
        StepError,
        HandlerRegistry,
        StepExecutionSubscriber,
        EventBridge,
        PermanentError,
    )
