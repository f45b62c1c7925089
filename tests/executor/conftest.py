"""Fixtures for executor tests: the fixture handler package and a one-call runner."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tasker_ctl.model import TaskTemplate

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "run"

STYLES = {"cls": "runfx.cls.Behave", "dsl": "runfx.dsl.behave"}


def template(steps: list[dict[str, Any]], **extra: Any) -> TaskTemplate:
    """A task template from step dicts (as they would appear in YAML)."""
    return TaskTemplate.model_validate(
        {"name": "t", "namespace_name": "tests", "version": "1.0.0", "steps": steps, **extra}
    )


def step(name: str, callable_: str, deps: tuple[str, ...] = (), **more: Any) -> dict[str, Any]:
    """One step dict; ``config=`` becomes ``handler.initialization``."""
    config = more.pop("config", None)
    handler: dict[str, Any] = {"callable": callable_}
    if config is not None:
        handler["initialization"] = config
    return {"name": name, "handler": handler, "dependencies": list(deps), **more}


@pytest.fixture(scope="session")
def catalog() -> Iterator[Any]:
    """The runfx handler package in a private registry (shared by the session)."""
    pytest.importorskip("tasker_core")
    from tasker_ctl.executor.discovery import handler_scope, resolve_sources
    from tasker_ctl.executor.sdk import load_sdk

    with handler_scope(load_sdk(), resolve_sources(None, [FIXTURES], ["runfx"])) as loaded:
        assert not loaded.problems, loaded.problems
        yield loaded


@pytest.fixture
def seen(catalog: Any) -> list[dict[str, Any]]:
    """What the fixture handlers saw during this test, one record per call."""
    from runfx.behaviour import SEEN

    SEEN.clear()
    return SEEN


Run = Callable[..., Any]


@pytest.fixture
def run(catalog: Any, seen: list[dict[str, Any]]) -> Run:
    """``run(steps, context=None, observers=(), **options) -> RunResult``."""
    from tasker_ctl.executor import RunOptions, run_workflow

    def go(
        steps: list[dict[str, Any]] | TaskTemplate,
        context: dict[str, Any] | None = None,
        observers: tuple[Any, ...] = (),
        template_extra: dict[str, Any] | None = None,
        **options: Any,
    ) -> Any:
        task = (
            steps if isinstance(steps, TaskTemplate) else template(steps, **(template_extra or {}))
        )
        return run_workflow(
            task, context or {}, catalog, options=RunOptions(**options), observers=observers
        )

    return go


@pytest.fixture(params=sorted(STYLES))
def style(request: pytest.FixtureRequest) -> str:
    """The callable of the behaviour handler, class-based or DSL."""
    return STYLES[request.param]


class Recorder:
    """A run observer that keeps every event."""

    def __init__(self) -> None:
        self.events: list[Any] = []

    def on_event(self, event: Any, virtual_ms: float) -> None:
        self.events.append((event, virtual_ms))

    def of(self, kind: type) -> list[Any]:
        return [e for e, _ in self.events if isinstance(e, kind)]


@pytest.fixture
def run_worker() -> Run:
    """Like ``run``, with the handlers in a worker process (as ``tasker-ctl run`` does).

    ``seen`` is not available: the handlers run in another process.
    """
    pytest.importorskip("tasker_core")
    from tasker_ctl.executor import RunOptions, open_handlers, run_workflow

    def go(
        steps: list[dict[str, Any]],
        context: dict[str, Any] | None = None,
        observers: tuple[Any, ...] = (),
        **options: Any,
    ) -> Any:
        task = template(steps)
        with open_handlers(task, roots=[FIXTURES], packages=["runfx"]) as workers:
            return run_workflow(
                task, context or {}, workers, options=RunOptions(**options), observers=observers
            )

    return go


class Clocked:
    """A run observer that notes the wall time of every step start and attempt end."""

    def __init__(self) -> None:
        self.started: dict[str, float] = {}
        self.finished: dict[str, float] = {}

    def on_event(self, event: Any, virtual_ms: float) -> None:
        from tasker_ctl.executor.events import AttemptFinished, StepTransition

        if isinstance(event, StepTransition) and event.to_state == "in_progress":
            self.started[event.step] = time.monotonic()
        elif isinstance(event, AttemptFinished):
            self.finished[event.step] = time.monotonic()

    def overlapped(self, names: list[str]) -> bool:
        spans = sorted((self.started[n], self.finished[n]) for n in names)
        return any(b[0] < a[1] for a, b in itertools.pairwise(spans))
