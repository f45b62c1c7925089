"""Stubs: what a step's handler is replaced by in a test run.

A stub is plain data (:meth:`Stub.spec` is its JSON form) that travels to the
handler worker in the ``load`` message (see :mod:`tasker_ctl.executor.protocol`),
where :mod:`tasker_ctl.testing._worker` turns it into a handler. The run itself is
unchanged: the stub's outcome goes through the SDK's ``StepHandlerResult`` and the
same submission and orchestration as a real handler's.

Kinds:

* :func:`result` (or a plain ``dict`` in ``stubs=``): the step succeeds with it;
* :func:`failure`: the step fails, retryable or not, optionally asking for a
  ``retry_after`` delay;
* :func:`checkpoint`: the step yields a checkpoint (batch workers);
* :func:`sequence`: one outcome per attempt (fail twice, then succeed);
* :func:`call`: a Python function that runs in the worker, called like a DSL handler
  with the SDK's ``StepContext``.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeAlias

__all__ = [
    "Checkpoint",
    "Failure",
    "Function",
    "Result",
    "Sequence",
    "Stub",
    "StubLike",
    "call",
    "checkpoint",
    "failure",
    "result",
    "sequence",
    "to_stub",
]


def _json_object(value: Any, what: str) -> dict[str, Any]:
    __tracebackhide__ = True
    if not isinstance(value, Mapping):
        raise TypeError(f"{what} must be a mapping (a JSON object), not {type(value).__name__}")
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{what} must be JSON data: {exc}") from None
    return dict(value)


class Stub:
    """Base class of every stub kind (immutable, comparable, JSON-serializable)."""

    def spec(self) -> dict[str, Any]:
        """The stub as the JSON object the worker protocol carries."""
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class Result(Stub):
    """The step succeeds and its handler result is ``value``."""

    value: dict[str, Any]

    def spec(self) -> dict[str, Any]:
        """See :meth:`Stub.spec`."""
        return {"kind": "result", "value": self.value}


@dataclass(frozen=True, slots=True)
class Failure(Stub):
    """The attempt fails (``StepHandlerResult.failure``)."""

    message: str
    retryable: bool = True
    retry_after: float | None = None
    """Seconds the handler asks to wait before the retry (``metadata.retry_after``)."""
    error_type: str = "handler_error"

    def spec(self) -> dict[str, Any]:
        """See :meth:`Stub.spec`."""
        return {
            "kind": "failure",
            "message": self.message,
            "retryable": self.retryable,
            "retry_after": self.retry_after,
            "error_type": self.error_type,
        }


@dataclass(frozen=True, slots=True)
class Checkpoint(Stub):
    """The handler yields a checkpoint: the step is run again from ``cursor``."""

    cursor: Any
    items_processed: int
    accumulated_results: dict[str, Any] | None = None

    def spec(self) -> dict[str, Any]:
        """See :meth:`Stub.spec`."""
        return {
            "kind": "checkpoint",
            "cursor": self.cursor,
            "items_processed": self.items_processed,
            "accumulated_results": self.accumulated_results,
        }


@dataclass(frozen=True, slots=True)
class Sequence(Stub):
    """One outcome per attempt: attempt *n* gets ``outcomes[n - 1]``, the last one repeats.

    The attempt is the SDK's ``context.retry_count + 1``; the re-runs after a checkpoint
    yield are the same attempt and get the same outcome.
    """

    outcomes: tuple[Stub, ...]

    def spec(self) -> dict[str, Any]:
        """See :meth:`Stub.spec`."""
        return {"kind": "sequence", "outcomes": [o.spec() for o in self.outcomes]}


@dataclass(frozen=True, slots=True)
class Function(Stub):
    """A function ``module:qualname`` called in the worker with the SDK's ``StepContext``.

    It may return a ``dict`` (success), any other stub outcome (:func:`failure`,
    :func:`checkpoint`, ...) or an SDK ``StepHandlerResult``; an exception it raises is
    handled as the SDK handles a class-based handler's (a retryable failure).
    """

    target: str
    """``package.module:function`` (``Class.method`` for a static method)."""
    path: str | None = None
    """A directory the worker puts on ``sys.path`` to import the module."""

    def spec(self) -> dict[str, Any]:
        """See :meth:`Stub.spec`."""
        return {"kind": "call", "target": self.target, "path": self.path}


StubLike: TypeAlias = Stub | Mapping[str, Any] | Callable[..., Any]
"""What ``stubs=`` accepts per step: a stub, a mapping (the result) or a function (:func:`call`)."""


def result(value: Mapping[str, Any] | None = None, /, **fields: Any) -> Result:
    """The step succeeds with ``value`` (or the keyword fields) as its result."""
    __tracebackhide__ = True
    data = dict(value or {}, **fields)
    return Result(_json_object(data, "a stub result"))


def failure(
    message: str,
    *,
    retryable: bool = True,
    retry_after: float | None = None,
    error_type: str = "handler_error",
) -> Failure:
    """The attempt fails with ``message``; ``retryable=False`` makes the step fail for good."""
    __tracebackhide__ = True
    if not isinstance(message, str):
        raise TypeError("a failure's message must be a string")
    if retry_after is not None and (
        isinstance(retry_after, bool)
        or not isinstance(retry_after, int | float)
        or not math.isfinite(retry_after)
        or retry_after < 0
    ):
        raise ValueError(f"retry_after must be a number of seconds >= 0, not {retry_after!r}")
    return Failure(message, retryable, None if retry_after is None else retry_after, error_type)


def checkpoint(
    cursor: Any, items_processed: int, accumulated_results: Mapping[str, Any] | None = None
) -> Checkpoint:
    """A checkpoint yield (as ``BatchableMixin.checkpoint_yield`` returns it)."""
    __tracebackhide__ = True
    if isinstance(items_processed, bool) or not isinstance(items_processed, int):
        raise TypeError("items_processed must be an int")
    json_cursor = _json_object({"cursor": cursor}, "a checkpoint cursor")["cursor"]
    accumulated = (
        None
        if accumulated_results is None
        else _json_object(accumulated_results, "accumulated_results")
    )
    return Checkpoint(json_cursor, items_processed, accumulated)


def sequence(*outcomes: StubLike) -> Sequence:
    """One outcome per attempt, the last one repeating: ``sequence(failure("x"), {"ok": 1})``."""
    __tracebackhide__ = True
    if not outcomes:
        raise ValueError("a sequence needs at least one outcome")
    return Sequence(tuple(to_stub(o) for o in outcomes))


def call(function: Callable[..., Any] | str) -> Function:
    """Run ``function`` in the handler worker instead of the step's handler.

    The worker is another process, so the function travels *by reference*: pass a
    module-level function (it is imported in the worker by its module and name), or a
    ``"package.module:function"`` string. Lambdas and nested functions cannot be
    imported and are refused.
    """
    __tracebackhide__ = True
    if isinstance(function, str):
        module, sep, name = function.partition(":")
        if not sep or not module or not name:
            raise ValueError(
                f"a stub callable path must look like 'package.module:function', not {function!r}"
            )
        return Function(function)
    module_name = getattr(function, "__module__", None)
    qualname = getattr(function, "__qualname__", None)
    if not callable(function) or not module_name or not qualname:
        raise TypeError(f"call() needs a function or a 'module:function' path, not {function!r}")
    if "<" in qualname or module_name == "__main__":
        raise ValueError(
            f"{qualname} cannot be imported by the handler worker (a lambda, a nested function "
            f"or a function of __main__); define it at module level, or pass "
            f"'module:function'"
        )
    return Function(f"{module_name}:{qualname}", _import_root(module_name))


def _import_root(module_name: str) -> str | None:
    """The ``sys.path`` entry ``module_name`` was imported from (to import it in the worker)."""
    module = sys.modules.get(module_name)
    file = getattr(module, "__file__", None)
    if not file:
        return None
    path = Path(file).resolve()
    parts = module_name.split(".")
    base = path.parent if path.name != "__init__.py" else path.parent.parent
    for _ in parts[:-1]:
        base = base.parent
    return str(base)


def to_stub(value: StubLike) -> Stub:
    """A stub from what ``stubs=`` accepts (a mapping is a :func:`result`)."""
    __tracebackhide__ = True
    if isinstance(value, Stub):
        return value
    if isinstance(value, Mapping):
        return result(value)
    if any(value is maker for maker in _MAKERS):  # ``failure`` for ``failure("...")``
        raise TypeError(
            f"a stub must be {value.__name__}(...), called with its arguments, not the "
            f"function {value.__name__} itself"
        )
    if callable(value):
        return call(value)
    raise TypeError(
        f"a stub must be a mapping (the step's result), result(), failure(), checkpoint(), "
        f"sequence() or call(), not {type(value).__name__}"
    )


_MAKERS: tuple[Callable[..., Any], ...] = (result, failure, checkpoint, sequence, call)
