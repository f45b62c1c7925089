"""Text output of ``tasker-ctl run``: a live view while running, then a summary.

On a terminal the live view is a Rich ``Live`` display (task state, a progress
bar per batch, the most recently active steps) that disappears when the run
ends. Elsewhere (a pipe, a CI log) it degrades to one plain line per notable
event. The summary is a table (step, status, attempts, time, created by),
the steps that were never created, the warnings, and for each failed step its
message and the handler code location. Names, messages, cursors and paths are
data: every line is built with :func:`~tasker_ctl.reporting.console.literal`,
so ``[/x]`` in a handler's message is printed, not parsed as markup, and
control characters are shown as escapes instead of reaching the terminal.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from tasker_ctl.executor import RunEvent, RunResult, RunWarning, StepReport, StepState
from tasker_ctl.executor.events import (
    AttemptFinished,
    BatchCreated,
    CheckpointYielded,
    RetryScheduled,
    RunStarted,
    StepCreated,
    StepTransition,
    TaskTransition,
)
from tasker_ctl.reporting.console import literal

STATUS_STYLES = {
    "complete": "green",
    "error": "bold red",
    "waiting_for_retry": "yellow",
    "in_progress": "cyan",
    "enqueued": "blue",
    "pending": "dim",
    "blocked_by_failures": "bold red",
    "waiting_for_dependencies": "yellow",
}
_COLLAPSE_WORKERS = 10
_STEPS_NAMED = 3
_FAILURES_SHOWN = 10
_RECENT = 12


def format_ms(value: float) -> str:
    """A duration for humans."""
    if value < 0.1:
        return "<0.1 ms"
    if value < 1000:
        return f"{value:.1f} ms"
    return f"{value / 1000:.2f} s"


def _styled(status: str) -> Text:
    return literal((status, STATUS_STYLES.get(status, "")), one_line=True)


def _cell(value: str) -> Text:
    """A table cell from data: one line, never markup."""
    return literal(value, one_line=True)


@dataclass
class _Batch:
    template: str
    workers: set[str]
    done: int = 0
    failed: int = 0
    milestone: int = 0


@dataclass
class _State:
    task: str = ""
    status: str = "pending"
    steps: dict[str, dict[str, Any]] = field(default_factory=dict)
    batches: dict[str, _Batch] = field(default_factory=dict)
    worker_batch: dict[str, str] = field(default_factory=dict)
    recent: deque[str] = field(default_factory=lambda: deque(maxlen=_RECENT))
    virtual_ms: float = 0.0


class LiveView:
    """A run observer that shows progress on ``console`` (live, or plain lines)."""

    def __init__(self, console: Console, *, live: bool | None = None) -> None:
        self.console = console
        self.live_mode = console.is_terminal if live is None else live
        self.state = _State()
        self._live: Live | None = None

    def __enter__(self) -> LiveView:
        if self.live_mode:
            self._live = Live(
                _Renderable(self.state),
                console=self.console,
                refresh_per_second=8,
                transient=True,
                redirect_stdout=False,
                redirect_stderr=True,
            )
            self._live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._live is not None:
            self._live.__exit__(None, None, None)
            self._live = None

    def on_event(self, event: RunEvent, virtual_ms: float) -> None:
        """Update the view's state; in plain mode, print notable events."""
        state = self.state
        state.virtual_ms = virtual_ms
        if isinstance(event, RunStarted):
            state.task = f"{event.namespace}/{event.task} {event.version}"
            self._plain(("Running ", "bold"), state.task)
        elif isinstance(event, TaskTransition):
            state.status = event.to_state
        elif isinstance(event, StepCreated):
            state.steps[event.step] = {
                "status": "pending",
                "attempts": 0,
                "created_by": event.created_by,
            }
            if event.created_by and event.step_type != "batch_worker":
                self._plain(f"  created    {event.step} (by {event.created_by})")
        elif isinstance(event, BatchCreated):
            state.batches[event.analyzer] = _Batch(event.worker_template, set(event.workers))
            for worker in event.workers:
                state.worker_batch[worker] = event.analyzer
            self._plain(
                f"  created    {len(event.workers)} workers of {event.worker_template} "
                f"(by {event.analyzer})"
            )
        elif isinstance(event, StepTransition):
            self._transition(event)
        elif isinstance(event, RetryScheduled):
            self._plain(
                f"  retry      {event.step} after attempt {event.attempt} "
                f"in {event.delay_ms} ms (virtual clock {format_ms(event.due_ms)})"
            )
        elif isinstance(event, CheckpointYielded):
            self._plain(
                f"  checkpoint {event.step} cursor={event.cursor!r} "
                f"items={event.items_processed!r} (yield {event.yields})"
            )
        elif isinstance(event, AttemptFinished) and event.outcome not in (
            "completed",
            "checkpoint",
        ):
            detail = f": {event.message}" if event.message else ""
            self._plain(
                f"  failed     {event.step} attempt {event.attempt} ({event.outcome}){detail}"
            )

    def _transition(self, event: StepTransition) -> None:
        state = self.state
        info = state.steps.setdefault(event.step, {"created_by": None})
        info["status"] = event.to_state
        info["attempts"] = event.attempts
        analyzer = state.worker_batch.get(event.step)
        if analyzer is None:
            if event.step in state.recent:
                state.recent.remove(event.step)
            state.recent.append(event.step)
            if event.to_state in ("complete", "error"):
                self._plain(f"  {event.to_state:<10} {event.step} (attempt {event.attempts})")
            return
        batch = state.batches[analyzer]
        if event.to_state == "complete":
            batch.done += 1
        elif event.to_state == "error":
            batch.failed += 1
            self._plain(f"  error      {event.step} (attempt {event.attempts})")
        finished = batch.done + batch.failed
        quarter = finished * 4 // max(len(batch.workers), 1)
        if quarter > batch.milestone:
            batch.milestone = quarter
            self._plain(
                f"  batch      {batch.template}: {finished}/{len(batch.workers)} workers finished"
            )

    def _plain(self, *parts: str | tuple[str, str]) -> None:
        if not self.live_mode:
            self.console.print(literal(*parts), soft_wrap=True)


class _Renderable:
    def __init__(self, state: _State) -> None:
        self.state = state

    def __rich__(self) -> RenderableType:
        state = self.state
        done = sum(1 for s in state.steps.values() if s.get("status") == "complete")
        header = literal(
            ("Running ", "bold"),
            state.task,
            "  ",
            _styled(state.status),
            f"  {done}/{len(state.steps)} steps complete",
            f"  virtual clock +{format_ms(state.virtual_ms)}" if state.virtual_ms else "",
        )
        parts: list[RenderableType] = [header]
        for analyzer, batch in state.batches.items():
            total = max(len(batch.workers), 1)
            grid = Table.grid(padding=(0, 1))
            grid.add_row(
                literal(f"{batch.template} (by {analyzer})", one_line=True),
                ProgressBar(total=total, completed=batch.done + batch.failed, width=30),
                Text(
                    f"{batch.done}/{total}" + (f", {batch.failed} failed" if batch.failed else "")
                ),
            )
            parts.append(grid)
        table = Table(box=None, pad_edge=False, show_header=True, header_style="bold")
        for column in ("STEP", "STATUS", "ATTEMPTS"):
            table.add_column(column, no_wrap=True)
        for name in state.recent:
            info = state.steps.get(name, {})
            table.add_row(
                _cell(name), _styled(str(info.get("status", ""))), str(info.get("attempts", 0))
            )
        parts.append(table)
        return Group(*parts)


def print_run_summary(console: Console, result: RunResult) -> None:
    """The final table, the steps not created, warnings and failures."""
    console.print(
        literal(
            ("Task ", "bold"),
            f"{result.namespace}/{result.task_name} {result.version}: ",
            _styled(str(result.status)),
            f"  ({len(result.steps)} steps, wall {format_ms(result.wall_ms)}",
            f", {'retry sleeps' if result.real_time else 'virtual waits'} "
            f"{format_ms(result.virtual_ms)})"
            if result.virtual_ms
            else ")",
        ),
        soft_wrap=True,
    )
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("STEP", "STATUS", "ATTEMPTS", "TIME", "CREATED BY"):
        table.add_column(column, no_wrap=column != "STEP")
    for row in _rows(result.steps):
        table.add_row(*row)
    console.print(table)
    if result.not_created:
        console.print(literal(f"Not created: {', '.join(result.not_created)}"), soft_wrap=True)
    if result.warnings:
        console.print(Text("Warnings:", style="bold yellow"))
        for (code, message), steps in _grouped(result.warnings).items():
            console.print(
                literal(
                    ("  [", "dim"), (code, "yellow"), ("]", "dim"), _steps(steps), " ", message
                ),
                soft_wrap=True,
            )
    failed = result.failed_steps
    for step in failed[:_FAILURES_SHOWN]:
        _print_failure(console, step)
    if len(failed) > _FAILURES_SHOWN:
        console.print(
            literal(
                f"... and {len(failed) - _FAILURES_SHOWN} more failed steps (all in --format json)"
            )
        )
    console.print(_verdict(result), soft_wrap=True)


def _grouped(warnings: tuple[RunWarning, ...]) -> dict[tuple[str, str], list[str | None]]:
    """Warnings with the same code and message, once, with every step they concern."""
    groups: dict[tuple[str, str], list[str | None]] = {}
    for warning in warnings:
        groups.setdefault((str(warning.code), warning.message), []).append(warning.step)
    return groups


def _steps(steps: list[str | None]) -> str:
    named = [s for s in steps if s]
    if not named:
        return ""
    if len(named) <= _STEPS_NAMED:
        return f" {', '.join(named)}:"
    return f" {', '.join(named[:_STEPS_NAMED])} and {len(named) - _STEPS_NAMED} more steps:"


def _rows(steps: tuple[StepReport, ...]) -> list[tuple[RenderableType, ...]]:
    rows: list[tuple[RenderableType, ...]] = []
    index = 0
    while index < len(steps):
        step = steps[index]
        group = [step]
        if step.type == "batch_worker":
            while (
                index + len(group) < len(steps)
                and steps[index + len(group)].template_step == step.template_step
            ):
                group.append(steps[index + len(group)])
        if len(group) > _COLLAPSE_WORKERS:
            rows.extend(_collapsed(group))
        else:
            rows.extend(_row(s) for s in group)
        index += len(group)
    return rows


def _row(step: StepReport) -> tuple[RenderableType, ...]:
    ran = step.attempts and step.status is not StepState.IN_PROGRESS
    return (
        _cell(step.name),
        _styled(str(step.status)),
        str(step.attempts),
        format_ms(step.handler_ms) if ran else "-",
        _cell(step.created_by or ""),
    )


def _collapsed(group: list[StepReport]) -> list[tuple[RenderableType, ...]]:
    normal = [s for s in group if s.status == "complete" and s.attempts == 1]
    rows = [_row(s) for s in group if s not in normal]
    if normal:
        rows.insert(
            0,
            (
                _cell(f"{group[0].template_step}_* ({len(normal)} workers)"),
                _styled("complete"),
                "1",
                format_ms(sum(s.handler_ms for s in normal)),
                _cell(group[0].created_by or ""),
            ),
        )
    return rows


def _print_failure(console: Console, step: StepReport) -> None:
    error = step.error
    assert error is not None
    attempts = f"{step.attempts} attempt{'s' if step.attempts != 1 else ''}"
    console.print(
        literal(("✗ ", "bold red"), (step.name, "bold"), f": {step.status} after {attempts}"),
        soft_wrap=True,
    )
    kind = "permanent"
    if error.retryable:
        kind = "retryable, no attempts left" if step.status is StepState.ERROR else "retryable"
    console.print(literal(f"    {error.error_type} ({kind}): {error.message}"), soft_wrap=True)
    if error.location:
        console.print(literal(f"    at {error.location}"), soft_wrap=True)


def _verdict(result: RunResult) -> Text:
    if result.interrupted:
        return Text("Interrupted: the report above is partial.", style="bold yellow")
    if result.complete:
        return Text("Task complete.", style="bold green")
    if str(result.status) == "blocked_by_failures":
        return Text(
            "Task did not complete: a step failed for good, so production stops scheduling "
            "the task (blocked_by_failures).",
            style="bold red",
        )
    return Text(
        f"Task did not complete: it is stuck in {result.status} (no step can run); in "
        "production the staleness sweep would eventually move it to the DLQ.",
        style="bold red",
    )
