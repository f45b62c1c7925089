"""The worker side of test runs: stubs in place of handlers, and a record of every call.

Loaded by the handler worker (:mod:`tasker_ctl.executor.worker`) only when its
``load`` message has a ``testing`` object, so ``tasker-ctl run`` never pays for it.
:class:`RecordingWorkerCore` is the ordinary :class:`WorkerCore` with a registry in
front of the real one: a stubbed step resolves to its stub, any other step to its
real handler; both are wrapped so that the ``StepContext`` they are called with is
appended to the record file before the handler runs (one JSON line per call,
``<record>.<pid>.jsonl``, read by :mod:`tasker_ctl.testing.runs`).
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from tasker_ctl.errors import HandlerPackageError
from tasker_ctl.executor.discovery import HandlerCatalog
from tasker_ctl.executor.sdk import Sdk
from tasker_ctl.executor.worker import WorkerCore
from tasker_ctl.testing.stubs import Checkpoint, Failure, Result, Stub

HandlerCall = Callable[[Any], Any]


def testing_core(sdk: Sdk, catalog: HandlerCatalog, testing: dict[str, Any]) -> WorkerCore:
    """The worker core for a ``load`` message with a ``testing`` object.

    Raises:
        HandlerPackageError: A stub's function cannot be imported.
    """
    stubs = {name: _build(sdk, spec, name) for name, spec in testing.get("stubs", {}).items()}
    return RecordingWorkerCore(sdk, catalog, stubs, testing.get("record"))


class RecordingWorkerCore(WorkerCore):
    """A :class:`WorkerCore` that calls stubs for stubbed steps and records every call."""

    def __init__(
        self,
        sdk: Sdk,
        catalog: HandlerCatalog,
        stubs: dict[str, HandlerCall],
        record: str | None,
    ) -> None:
        super().__init__(sdk, catalog)
        self.stubs = stubs
        self.real_registry = catalog.registry
        self.invoker.registry = self
        self._stub: HandlerCall | None = None
        self._message: dict[str, Any] = {}
        self._written = False
        self._record: IO[str] | None = None
        if record:
            self._record = Path(f"{record}.{os.getpid()}.jsonl").open("a", encoding="utf-8")  # noqa: SIM115

    # the registry interface the invoker uses
    def resolve(self, handler_name: str) -> Any:
        """The stub of the step being called, else the real handler (both recorded)."""
        stub = self._stub
        if stub is not None:
            return _Recorded(handler_name, stub, self)
        real = self.real_registry.resolve(handler_name)
        if real is None:
            return None
        return _Recorded(real.name, real.call, self)

    def _call(self, message: dict[str, Any]) -> str:
        name = message["step"]
        stubs = self.stubs
        self._stub = stubs.get(name) or stubs.get(message["definition"])
        self._message = message
        self._written = False
        try:
            return super()._call(message)
        finally:
            if not self._written:  # no handler was found: the call is recorded without one
                self.called(None)

    def called(self, context: Any) -> None:
        """Record the call being made now, before the handler runs.

        So a call that times out or kills the worker is in the record too.
        """
        self._written = True
        if self._record is None:
            return
        message = self._message
        line: dict[str, Any] = {
            "job": message["job"],
            "step": message["step"],
            "stubbed": self._stub is not None,
            "attempt": int(message["row"].get("attempts") or 0) + 1,
        }
        if context is not None:
            deps = context.dependency_results
            line.update(
                handler=context.handler_name,
                context=context.input_data,
                inputs=context.step_inputs,
                dependency_results={key: deps[key] for key in deps},
                checkpoint=context.checkpoint,
            )
        self._record.write(json.dumps(line, ensure_ascii=False, default=repr) + "\n")
        self._record.flush()


class _Recorded:
    """A handler (real or stub) that tells the core which context it was called with."""

    __slots__ = ("call", "name")

    def __init__(self, name: str, call: HandlerCall, core: RecordingWorkerCore) -> None:
        self.name = name
        if inspect.iscoroutinefunction(call):

            async def recorded_async(context: Any) -> Any:
                core.called(context)
                return await call(context)

            self.call: HandlerCall = recorded_async
        else:

            def recorded(context: Any) -> Any:
                core.called(context)
                return call(context)

            self.call = recorded


# -- stubs as handler calls -----------------------------------------------------


def _build(sdk: Sdk, spec: dict[str, Any], step: str) -> HandlerCall:
    kind = spec.get("kind")
    if kind == "sequence":
        outcomes = [_build(sdk, s, step) for s in spec["outcomes"]]

        def by_attempt(context: Any) -> Any:
            index = min(int(context.retry_count or 0), len(outcomes) - 1)
            return outcomes[index](context)

        return by_attempt
    if kind == "call":
        function = _import_target(spec["target"], spec.get("path"), step)

        def called(context: Any) -> Any:
            return handler_result(sdk, function(context))

        return called
    fixed = handler_result(sdk, _outcome(spec))
    return lambda context: fixed.model_copy(deep=True)


def _outcome(spec: dict[str, Any]) -> Stub:
    kind = spec.get("kind")
    if kind == "result":
        return Result(spec["value"])
    if kind == "failure":
        return Failure(
            spec["message"], bool(spec["retryable"]), spec.get("retry_after"), spec["error_type"]
        )
    if kind == "checkpoint":
        return Checkpoint(spec["cursor"], spec["items_processed"], spec.get("accumulated_results"))
    raise HandlerPackageError(f"unknown stub kind {kind!r} in the load message")


def handler_result(sdk: Sdk, value: Any) -> Any:
    """What a stub (or a stub function's return value) means as a ``StepHandlerResult``."""
    if isinstance(value, Result):
        return sdk.StepHandlerResult.success(dict(value.value))
    if isinstance(value, Failure):
        metadata = {} if value.retry_after is None else {"retry_after": value.retry_after}
        return sdk.StepHandlerResult.failure(
            message=value.message,
            error_type=value.error_type,
            retryable=value.retryable,
            metadata=metadata,
        )
    if isinstance(value, Checkpoint):
        data: dict[str, Any] = {
            "type": "checkpoint_yield",
            "cursor": value.cursor,
            "items_processed": value.items_processed,
        }
        if value.accumulated_results is not None:
            data["accumulated_results"] = value.accumulated_results
        return sdk.StepHandlerResult.success(
            data, metadata={"checkpoint_yield": True, "batch_worker": True}
        )
    if isinstance(value, dict):
        return sdk.StepHandlerResult.success(value)
    return value  # a StepHandlerResult, or something invalid the run reports as such


def _import_target(target: str, path: str | None, step: str) -> HandlerCall:
    module_name, _, qualname = target.partition(":")
    if path and path not in sys.path:
        sys.path.insert(0, path)
    try:
        try:
            found: Any = importlib.import_module(module_name)
        except ImportError:
            found = _import_from_file(module_name, path)
        for part in qualname.split("."):
            found = getattr(found, part)
    except Exception as exc:
        raise HandlerPackageError(
            f"the stub for step '{step}' names {target}, which the handler worker cannot "
            f"import: {type(exc).__name__}: {exc}",
            hint="a stub function must be defined at module level in an importable module",
        ) from exc
    if not callable(found):
        raise HandlerPackageError(f"the stub for step '{step}': {target} is not callable")
    function: HandlerCall = found
    return function


def _import_from_file(module_name: str, path: str | None) -> Any:
    """A module pytest imported by file path (``--import-mode=importlib``)."""
    if path is None:
        raise ImportError(f"no module named {module_name!r}")
    file = Path(path).joinpath(*module_name.split(".")).with_suffix(".py")
    spec = importlib.util.spec_from_file_location(module_name, file)
    if spec is None or spec.loader is None or not file.is_file():
        raise ImportError(f"no module named {module_name!r} (looked for {file})")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module
