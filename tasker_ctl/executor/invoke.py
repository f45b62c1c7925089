"""Calling one handler through the real SDK, the way the Python worker does.

:meth:`Invoker.invoke` runs on a worker thread and mirrors
``StepExecutionSubscriber._handle_execution_event``: the callable comes from
``step_definition.handler.callable`` (the subscriber's own
``_get_handler_name``), ``registry.resolve`` finds the handler,
``StepContext.from_ffi_event`` builds the context, sync handlers are called
directly and async ones through ``run_async`` (the dispatcher's: a fresh
event loop per call, like the subscriber's ``_run_async_handler``, or the
shared loop under ``--concurrency``); an unknown callable and escaping
exceptions become the subscriber's own failure results.

One deliberate difference: the dependency results are attached to the
context after ``from_ffi_event`` instead of inside it, because pydantic would
copy every ancestor entry on every call (O(n^2) on long chains); see
:mod:`tasker_ctl.executor.deps`.
"""

from __future__ import annotations

import inspect
import linecache
import os
import re
import sysconfig
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

from tasker_ctl.executor.deps import DependencyResults
from tasker_ctl.executor.sdk import Sdk

AsyncRunner = Callable[[Any, Any], Any]
"""``(bound async call method, context) -> StepHandlerResult``."""

_STDLIB_DIR = sysconfig.get_paths()["stdlib"]
_LIBRARY_DIRS = tuple(
    {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    | {f"{os.sep}site-packages{os.sep}", f"{os.sep}dist-packages{os.sep}"}
)
_OWN_DIR = str(Path(__file__).resolve().parent.parent)
_TB_LINE = re.compile(r'File "(?P<file>[^"]+)", line (?P<line>\d+), in (?P<func>\S+)')


@dataclass(slots=True)
class HandlerOutcome:
    """What came back from one handler call (before orchestration sees it)."""

    handler_name: str
    result: Any
    """The ``StepHandlerResult`` (or whatever a broken handler returned)."""
    found: bool = True
    exception_type: str | None = None
    permanent_error_raised: bool = False
    location: str | None = None
    handler_ms: float = 0.0
    source_line: str | None = None
    """The source text of the line at ``location`` (stripped), when it can be read."""
    traceback: str | None = None
    """The handler's traceback with SDK, tasker-ctl and stdlib frames folded."""


class Invoker:
    """Resolves and calls handlers with one private registry and subscriber."""

    def __init__(self, sdk: Sdk, registry: Any) -> None:
        self.sdk = sdk
        self.registry = registry
        self.subscriber = sdk.new_subscriber(registry)

    def invoke(
        self, event: Any, dependencies: DependencyResults, run_async: AsyncRunner | None = None
    ) -> HandlerOutcome:
        """Resolve, build the context, call the handler; never raises ``Exception``.

        ``run_async`` runs async handlers; by default the subscriber's own
        ``_run_async_handler`` (``asyncio.run`` per call, as in production), which
        cannot be cancelled.
        """
        sub = self.subscriber
        handler_name = sub._get_handler_name(event)
        outcome = HandlerOutcome(handler_name=handler_name, result=None)
        started: float | None = None
        try:
            handler = self.registry.resolve(handler_name)
            if handler is None:
                outcome.found = False
                outcome.result = sub._create_handler_not_found_result(handler_name)
                return outcome
            context = self.sdk.StepContext.from_ffi_event(event, handler.name)
            event.task_sequence_step["dependency_results"] = dependencies
            context.dependency_results = dependencies
            call = handler.call
            started = time.perf_counter()
            if inspect.iscoroutinefunction(call):
                runner = run_async or sub._run_async_handler
                outcome.result = runner(call, context)
            else:
                outcome.result = call(context)
        except Exception as exc:
            outcome.result = sub._create_error_result(exc)
            outcome.exception_type = type(exc).__name__
            outcome.permanent_error_raised = isinstance(exc, self.sdk.PermanentError)
            outcome.location, outcome.source_line = frame_from_traceback(exc.__traceback__)
            outcome.traceback = fold_traceback("".join(traceback.format_exception(exc)))
        finally:
            if started is not None:
                outcome.handler_ms = (time.perf_counter() - started) * 1000.0
        if outcome.location is None:
            metadata = getattr(outcome.result, "metadata", None)
            text = metadata.get("traceback") if isinstance(metadata, dict) else None
            if isinstance(text, str):  # a DSL handler: the SDK kept the traceback as text
                outcome.location, outcome.source_line = frame_from_text(text)
                outcome.traceback = fold_traceback(text)
                kind = metadata.get("exception_type") if isinstance(metadata, dict) else None
                if outcome.exception_type is None and isinstance(kind, str):
                    outcome.exception_type = kind
        return outcome


def is_user_file(filename: str) -> bool:
    """Whether a frame belongs to handler code (not stdlib, the SDK or tasker-ctl)."""
    if filename.startswith("<"):
        return False
    resolved = str(Path(filename).resolve())
    if resolved.startswith((_STDLIB_DIR, _OWN_DIR)):
        return False
    return f"{os.sep}tasker_core{os.sep}" not in resolved


def display_location(filename: str, line: int, func: str) -> str:
    """``path:line in func``, the path relative to the working directory when inside it."""
    path = Path(filename)
    try:
        shown = str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        shown = str(path)
    return f"{shown}:{line} in {func}"


def location_from_traceback(tb: TracebackType | None) -> str | None:
    """``file:line in function`` of the innermost frame in user code."""
    found = None
    for frame in traceback.extract_tb(tb):
        if is_user_file(frame.filename):
            found = display_location(frame.filename, frame.lineno or 0, frame.name)
    return found


def source_at(filename: str, line: int) -> str | None:
    """The stripped source text of ``filename:line`` (``None`` when unreadable or blank)."""
    text = linecache.getline(filename, line).strip()
    return text or None


def _is_library(filename: str) -> bool:
    """Whether a user-code frame is an installed library's (pydantic...), not the handler's."""
    return any(part in filename for part in _LIBRARY_DIRS)


def _handler_frame(
    frames: list[tuple[str, int, str, str | None]],
) -> tuple[str | None, str | None]:
    """The innermost frame of the handler's own code, as ``(location, source line)``.

    Frames of installed libraries (site-packages) count only when there is no other
    user frame: a ``KeyError`` raised inside pydantic is shown where the handler
    called pydantic.
    """
    user = [f for f in frames if is_user_file(f[0])]
    own = [f for f in user if not _is_library(f[0])] or user
    if not own:
        return None, None
    filename, line, func, source = own[-1]
    source = (source or "").strip() or source_at(filename, line)
    return display_location(filename, line, func), source


def frame_from_traceback(tb: TracebackType | None) -> tuple[str | None, str | None]:
    """``(location, source line)`` of the innermost handler frame of a traceback."""
    return _handler_frame(
        [(f.filename, f.lineno or 0, f.name, f.line) for f in traceback.extract_tb(tb)]
    )


def frame_from_text(text: str) -> tuple[str | None, str | None]:
    """The same, read from a formatted traceback (DSL handlers keep only the text)."""
    return _handler_frame(
        [(m["file"], int(m["line"]), m["func"], None) for m in _TB_LINE.finditer(text)]
    )


def fold_traceback(text: str) -> str:
    """A formatted traceback with every run of non-user frames folded into one line.

    Frames of the SDK, tasker-ctl and the standard library become
    ``[N frames of the SDK, tasker-ctl or the standard library]``; the handler's
    own frames, the chained-exception separators and the exception lines stay.
    """
    out: list[str] = []
    hidden = 0

    def flush() -> None:
        nonlocal hidden
        if hidden:
            out.append(
                f"  [{hidden} frame{'s' if hidden != 1 else ''} of the SDK, tasker-ctl or "
                "the standard library]"
            )
            hidden = 0

    lines = text.rstrip("\n").split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        match = _TB_LINE.search(line) if line.startswith("  File ") else None
        if match is None:
            flush()
            out.append(line)
            index += 1
            continue
        block = [line]
        index += 1
        while index < len(lines) and lines[index].startswith("    "):
            block.append(lines[index])
            index += 1
        if is_user_file(match["file"]):
            flush()
            out.extend(block)
        else:
            hidden += 1
    flush()
    return "\n".join(out)


def location_of_coroutine(coroutine: Any) -> str | None:
    """Where a (suspended) coroutine is: the innermost user frame it awaits through."""
    found = None
    while coroutine is not None:
        frame = getattr(coroutine, "cr_frame", None)
        if frame is not None and is_user_file(frame.f_code.co_filename):
            found = display_location(frame.f_code.co_filename, frame.f_lineno, frame.f_code.co_name)
        coroutine = getattr(coroutine, "cr_await", None)
    return found


def location_of_frame(frame: FrameType | None) -> str | None:
    """The innermost user frame from ``frame`` outwards."""
    while frame is not None:
        code = frame.f_code
        if is_user_file(code.co_filename):
            return display_location(code.co_filename, frame.f_lineno, code.co_name)
        frame = frame.f_back
    return None
