"""Text output of ``tasker-ctl run``: a history of events, a live status area, a summary.

Like pytest or cargo, every finished event (created, failed, retry, checkpoint,
complete, batch progress) is printed as a line that stays: on a terminal the
lines scroll above a Rich ``Live`` status area (the task state, a progress bar
per batch, the steps running now with their elapsed time) that disappears when
the run ends, so the terminal keeps the whole history. Elsewhere (a pipe, a CI
log) the same lines are printed and there is no status area. A failed attempt
names the exception type, the message and the handler's own frame (file:line and
the source line) where it happens; ``--traceback`` adds the handler traceback with
the SDK's frames folded. The summary is a table (step, status, attempts, time,
created by), the steps that were never created, the warnings, and for each failed
step the same failure details. Names, messages, cursors and paths are data: every
line is built with :func:`~tasker_ctl.reporting.console.literal`, so ``[/x]`` in a
handler's message is printed, not parsed as markup, and control characters are
shown as escapes instead of reaching the terminal.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rich.cells import cell_len
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
    running: dict[str, float] = field(default_factory=dict)
    """Steps in progress now, with the (monotonic) time they started."""
    virtual_ms: float = 0.0


class LiveView:
    """A run observer: history lines on ``console``, and a live status area on a terminal."""

    def __init__(
        self,
        console: Console,
        *,
        live: bool | None = None,
        tracebacks: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.console = console
        self.live_mode = console.is_terminal if live is None else live
        self.tracebacks = tracebacks
        self.state = _State()
        self.clock = clock
        self._lock = threading.Lock()
        """Guards ``state`` and ``_pending`` (the runner writes, the status area reads)."""
        self._print_lock = threading.Lock()
        """Keeps flushes in order; taken before ``_lock``, never while holding it."""
        self._pending: list[Text] = []
        self._timer: threading.Timer | None = None
        self._live: Live | None = None

    def __enter__(self) -> LiveView:
        if self.live_mode:
            self._live = Live(
                _Status(self),
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
            with self._lock:
                timer, self._timer = self._timer, None
            if timer is not None:
                timer.cancel()
            self._flush()
            self._live.__exit__(None, None, None)
            self._live = None

    def on_event(self, event: RunEvent, virtual_ms: float) -> None:
        """Update the status area's state; print the event's history line, if it has one.

        Plain lines are printed at once. Above a live status area, each print redraws
        the area, so lines are gathered for up to :data:`_FLUSH_S` and printed together
        (a 10,000-step run would otherwise spend seconds redrawing). Printing never
        happens under ``_lock``: it takes the Live display's lock, which the refresh
        thread holds while it renders the status area (which takes ``_lock``).
        """
        with self._lock:
            self._on_event(event, virtual_ms)
            if not self._pending:
                return
            if self._live is not None:
                if self._timer is None:
                    self._timer = threading.Timer(_FLUSH_S, self._flush)
                    self._timer.daemon = True
                    self._timer.start()
                return
            lines, self._pending = self._pending, []
        for line in lines:
            self.console.print(line, soft_wrap=True)

    def _flush(self) -> None:
        """Print the gathered history lines above the status area, in order."""
        with self._print_lock:
            with self._lock:
                lines, self._pending = self._pending, []
                self._timer = None
            if lines:
                self.console.print(Group(*lines), soft_wrap=True)

    def _on_event(self, event: RunEvent, virtual_ms: float) -> None:
        state = self.state
        state.virtual_ms = virtual_ms
        if isinstance(event, RunStarted):
            state.task = f"{event.namespace}/{event.task} {event.version}"
            self._line(("Running ", "bold"), state.task)
        elif isinstance(event, TaskTransition):
            state.status = event.to_state
        elif isinstance(event, StepCreated):
            state.steps[event.step] = {
                "status": "pending",
                "attempts": 0,
                "created_by": event.created_by,
            }
            if event.created_by and event.step_type != "batch_worker":
                self._line(f"  created    {event.step} (by {event.created_by})")
        elif isinstance(event, BatchCreated):
            state.batches[event.analyzer] = _Batch(event.worker_template, set(event.workers))
            for worker in event.workers:
                state.worker_batch[worker] = event.analyzer
            self._line(
                f"  created    {_count(len(event.workers), 'worker')} of {event.worker_template} "
                f"(by {event.analyzer})"
            )
        elif isinstance(event, StepTransition):
            self._transition(event)
        elif isinstance(event, RetryScheduled):
            self._line(
                f"  retry      {event.step} after attempt {event.attempt} "
                f"in {event.delay_ms} ms (virtual clock {format_ms(event.due_ms)})"
            )
        elif isinstance(event, CheckpointYielded):
            self._line(
                f"  checkpoint {event.step} cursor={event.cursor!r} "
                f"items={event.items_processed!r} (yield {event.yields})"
            )
        elif isinstance(event, AttemptFinished) and event.outcome not in (
            "completed",
            "checkpoint",
        ):
            self._failed(event)

    def _failed(self, event: AttemptFinished) -> None:
        detail = ""
        if event.message or event.exception_type:
            detail = f": {_what(event.exception_type, event.message or '')}"
        self._line(
            ("  failed     ", "red"),
            f"{event.step} attempt {event.attempt} ({event.outcome}){detail}",
        )
        self._pending.extend(_site_lines(event.location, event.source_line, _INDENT))
        if self.tracebacks and event.traceback:
            for line in event.traceback.splitlines():
                self._pending.append(literal((_INDENT + line, "dim")))

    def _transition(self, event: StepTransition) -> None:
        state = self.state
        info = state.steps.setdefault(event.step, {"created_by": None})
        info["status"] = event.to_state
        info["attempts"] = event.attempts
        if event.to_state == "in_progress":
            state.running.setdefault(event.step, self.clock())
        else:
            state.running.pop(event.step, None)
        analyzer = state.worker_batch.get(event.step)
        if analyzer is None:
            if event.to_state in ("complete", "error"):
                self._line(
                    (f"  {event.to_state:<10} ", STATUS_STYLES[event.to_state]),
                    f"{event.step} (attempt {event.attempts})",
                )
            return
        batch = state.batches[analyzer]
        if event.to_state == "complete":
            batch.done += 1
        elif event.to_state == "error":
            batch.failed += 1
            self._line(("  error      ", "bold red"), f"{event.step} (attempt {event.attempts})")
        finished = batch.done + batch.failed
        quarter = finished * 4 // max(len(batch.workers), 1)
        if quarter > batch.milestone:
            batch.milestone = quarter
            self._line(
                f"  batch      {batch.template}: {finished}/{len(batch.workers)} "
                f"{'worker' if len(batch.workers) == 1 else 'workers'} finished"
            )

    def _line(self, *parts: str | tuple[str, str]) -> None:
        """One history line (above the status area on a terminal), printed after the event."""
        self._pending.append(literal(*parts))


_INDENT = " " * 13
_FLUSH_S = 0.05
"""How long history lines wait to be printed together above the live status area."""


def _what(exception_type: str | None, message: str) -> str:
    """``KeyError: 'total'``: the exception type before the message, once."""
    if not exception_type or message.startswith(f"{exception_type}:"):
        return message
    return f"{exception_type}: {message}" if message else exception_type


def _site_lines(location: str | None, source: str | None, indent: str) -> list[Text]:
    """``at file:line in func`` and the source line, under a failure."""
    lines = []
    if location:
        lines.append(literal(indent, ("at ", "dim"), (location, "cyan")))
    if source:
        lines.append(literal(indent, ("│ ", "dim"), source))
    return lines


def fit_name(name: str, width: int) -> str:
    """``name`` in at most ``width`` cells, cut at the front: the end tells steps apart.

    ``process_csv_batch_017`` at 12 cells is ``…_batch_017``, never
    ``process_csv…`` (which every worker of the batch would share).
    """
    if width < 2 or cell_len(name) <= width:
        return name
    kept = ""
    for char in reversed(name):
        if cell_len(kept) + cell_len(char) > width - 1:
            break
        kept = char + kept
    return "…" + kept


_RUNNING_SHOWN = 8


class _Status:
    """The live status area: task line, batch progress bars, steps running now."""

    def __init__(self, view: LiveView) -> None:
        self.view = view

    def __rich__(self) -> RenderableType:
        view = self.view
        with view._lock:
            return self._render(view.state, view.clock(), view.console.width)

    def _render(self, state: _State, now: float, width: int) -> RenderableType:
        done = sum(1 for s in state.steps.values() if s.get("status") == "complete")
        header = literal(
            ("Running ", "bold"),
            state.task,
            "  ",
            _styled(state.status),
            f"  {done}/{len(state.steps)} steps complete",
            f"  virtual clock +{format_ms(state.virtual_ms)}" if state.virtual_ms else "",
            one_line=True,
        )
        header.truncate(width, overflow="ellipsis")
        parts: list[RenderableType] = [header]
        for analyzer, batch in state.batches.items():
            total = max(len(batch.workers), 1)
            running = sum(1 for w in batch.workers if w in state.running)
            label = f"{batch.template} (by {analyzer})"
            counts = f"{batch.done}/{total}" + (f", {batch.failed} failed" if batch.failed else "")
            if running:
                counts += f", {running} running"
            bar = max(10, min(30, width - cell_len(counts) - 24))
            grid = Table.grid(padding=(0, 1))
            grid.add_row(
                literal("  ", fit_name(label, max(8, width - bar - cell_len(counts) - 4))),
                ProgressBar(total=total, completed=batch.done + batch.failed, width=bar),
                Text(counts),
            )
            parts.append(grid)
        running_steps = [
            (name, started)
            for name, started in state.running.items()
            if name not in state.worker_batch
        ]
        for name, started in running_steps[:_RUNNING_SHOWN]:
            elapsed = f"{max(now - started, 0.0):.1f} s"
            info = state.steps.get(name, {})
            attempt = int(info.get("attempts", 0) or 0)
            suffix = f"  {elapsed}" + (f"  attempt {attempt}" if attempt > 1 else "")
            name_width = max(8, width - 4 - cell_len(suffix))
            parts.append(literal("  ", ("▶ ", "cyan"), fit_name(name, name_width), (suffix, "dim")))
        if len(running_steps) > _RUNNING_SHOWN:
            parts.append(
                literal(f"  ... and {len(running_steps) - _RUNNING_SHOWN} more running", "")
            )
        return Group(*parts)


def print_run_summary(console: Console, result: RunResult, *, tracebacks: bool = False) -> None:
    """The final table, the steps not created, warnings and failures.

    With ``tracebacks``, each failure also shows the handler's traceback (SDK
    frames folded).
    """
    console.print(
        literal(
            ("Task ", "bold"),
            f"{result.namespace}/{result.task_name} {result.version}: ",
            _styled(str(result.status)),
            f"  ({len(result.steps)} step{'s' if len(result.steps) != 1 else ''}, "
            f"wall {format_ms(result.wall_ms)}",
            f", {'retry sleeps' if result.real_time else 'virtual waits'} "
            f"{format_ms(result.virtual_ms)})"
            if result.virtual_ms
            else ")",
        ),
        soft_wrap=True,
    )
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in _COLUMNS:
        table.add_column(column, no_wrap=column != "CREATED BY", overflow="fold")
    for row in _fitted(_rows(result.steps), console.width):
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
        _print_failure(console, step, tracebacks=tracebacks)
    if len(failed) > _FAILURES_SHOWN:
        console.print(
            literal(
                f"... and {len(failed) - _FAILURES_SHOWN} more failed steps (all in --format json)"
            )
        )
    console.print(_verdict(result), soft_wrap=True)


_COLUMNS = ("STEP", "STATUS", "ATTEMPTS", "TIME", "CREATED BY")
_MIN_STEP = 12


def _plain_len(cell: RenderableType) -> int:
    return cell_len(cell.plain if isinstance(cell, Text) else str(cell))


def _fitted(rows: list[tuple[RenderableType, ...]], width: int) -> list[tuple[RenderableType, ...]]:
    """Rows whose step names fit the terminal, cut at the front (their end tells them apart)."""
    others = sum(
        max([len(_COLUMNS[i]), *(_plain_len(row[i]) for row in rows)]) for i in range(1, 4)
    )
    creators = max([len(_COLUMNS[4]), *(_plain_len(row[4]) for row in rows)])
    # two spaces between the five columns; CREATED BY folds when even that is too wide
    room = width - others - 8 - min(creators, max(10, width - others - 8 - _MIN_STEP))
    room = max(room, _MIN_STEP)
    fitted = []
    for row in rows:
        name = row[0].plain if isinstance(row[0], Text) else str(row[0])
        fitted.append((_cell(fit_name(name, room)), *row[1:]) if cell_len(name) > room else row)
    return fitted


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
                _cell(f"{group[0].template_step}_* ({_count(len(normal), 'worker')})"),
                _styled("complete"),
                "1",
                format_ms(sum(s.handler_ms for s in normal)),
                _cell(group[0].created_by or ""),
            ),
        )
    return rows


def _print_failure(console: Console, step: StepReport, *, tracebacks: bool = False) -> None:
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
    name = error.error_type
    if error.exception_type and error.exception_type != error.error_type:
        name = error.exception_type
        kind = f"{kind}; error_type {error.error_type}"
    console.print(literal(f"    {name} ({kind}): {error.message}"), soft_wrap=True)
    for site in _site_lines(error.location, error.source_line, "    "):
        console.print(site, soft_wrap=True)
    if tracebacks and error.traceback:
        for line in error.traceback.splitlines():
            console.print(literal(("    " + line, "dim")), soft_wrap=True)


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


def _count(number: int, noun: str) -> str:
    """``1 worker``, ``2 workers``."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
