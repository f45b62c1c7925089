"""``task create --wait``: a live view of a task on the cluster, then its outcome.

On a terminal the view is a Rich ``Live`` display in the style of ``run``'s (the
task's state and a table of its steps with state and attempts) that disappears
when the task is final; elsewhere (a pipe, a CI log) it prints one plain line per
change: the task's state, each step's new state or attempt. Names and states come
from the server: every line is built with :func:`~tasker_ctl.reporting.console.literal`,
so they are never read as markup and control characters are shown as escapes.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.table import Table
from rich.text import Text

from tasker_ctl.client.follow import FollowResult
from tasker_ctl.reporting.console import literal

STATUS_STYLES = {
    "complete": "green",
    "resolved_manually": "green",
    "error": "bold red",
    "cancelled": "bold red",
    "blocked_by_failures": "bold red",
    "waiting_for_retry": "yellow",
    "waiting_for_dependencies": "yellow",
    "in_progress": "cyan",
    "steps_in_process": "cyan",
    "enqueued": "blue",
    "enqueuing_steps": "blue",
    "pending": "dim",
}


def _styled(status: object) -> Text:
    text = str(status)
    return literal((text, STATUS_STYLES.get(text, "")), one_line=True)


def _steps(task: dict[str, Any]) -> list[dict[str, Any]]:
    steps = task.get("steps")
    return [s for s in steps if isinstance(s, dict)] if isinstance(steps, list) else []


class FollowView:
    """Shows each poll of a followed task on ``console`` (live, or plain lines)."""

    def __init__(self, console: Console, *, live: bool | None = None) -> None:
        self.console = console
        self.live_mode = console.is_terminal if live is None else live
        self.task: dict[str, Any] = {}
        self._steps: dict[str, tuple[object, object]] = {}
        self._status: object = None
        self._live: Live | None = None

    def __enter__(self) -> FollowView:
        if self.live_mode:
            self._live = Live(
                _Renderable(self),
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

    def on_poll(self, task: dict[str, Any]) -> None:
        """Take a new view of the task; in plain mode, print what changed."""
        self.task = task
        status = task.get("status")
        if status != self._status:
            self._status = status
            self._plain(
                ("task ", "bold"),
                _label(task),
                "  ",
                _styled(status),
                f"  {task.get('completed_steps', 0)}/{task.get('total_steps', 0)} steps complete",
            )
        for step in _steps(task):
            name = str(step.get("name", ""))
            state = (step.get("current_state"), step.get("attempts"))
            if self._steps.get(name) != state:
                self._steps[name] = state
                self._plain(
                    "  step ",
                    (name, "bold"),
                    "  ",
                    _styled(state[0]),
                    f"  attempt {state[1]}/{step.get('max_attempts', '?')}",
                )

    def _plain(self, *parts: str | tuple[str, str] | Text) -> None:
        if not self.live_mode:
            self.console.print(literal(*parts), soft_wrap=True)


def _label(task: dict[str, Any]) -> str:
    return f"{task.get('namespace', '?')}/{task.get('name', '?')} {task.get('version', '?')}"


class _Renderable:
    def __init__(self, view: FollowView) -> None:
        self.view = view

    def __rich__(self) -> RenderableType:
        task = self.view.task
        header = literal(
            ("Waiting for ", "bold"),
            _label(task),
            "  ",
            _styled(task.get("status", "")),
            f"  {task.get('completed_steps', 0)}/{task.get('total_steps', 0)} steps complete",
        )
        table = Table(box=None, pad_edge=False, show_header=True, header_style="bold")
        for column in ("STEP", "STATUS", "ATTEMPTS"):
            table.add_column(column, no_wrap=True)
        for step in _steps(task):
            table.add_row(
                literal(str(step.get("name", "")), one_line=True),
                _styled(step.get("current_state", "")),
                f"{step.get('attempts', 0)}/{step.get('max_attempts', '?')}",
            )
        return Group(header, table)


def print_follow_outcome(console: Console, result: FollowResult, timeout: float) -> None:
    """The final table of steps (state, attempts) and a one-line verdict."""
    task = result.task
    console.print(
        literal(
            ("Task ", "bold"),
            str(task.get("task_uuid", "")),
            "  ",
            _label(task),
            "  ",
            _styled(result.status),
        ),
        soft_wrap=True,
    )
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("STEP", "STATUS", "ATTEMPTS"):
        table.add_column(column)
    for step in result.steps:
        if isinstance(step, dict):
            table.add_row(
                literal(str(step.get("name", "")), one_line=True),
                _styled(step.get("current_state", "")),
                f"{step.get('attempts', 0)}/{step.get('max_attempts', '?')}",
            )
    if table.row_count:
        console.print(table)
    uuid = str(task.get("task_uuid", "TASK_UUID"))
    if result.timed_out:
        console.print(
            literal(
                (f"Still {result.status or 'not final'} after {timeout:g} s", "bold yellow"),
                f"; follow it with: tasker-ctl task get {uuid}",
            ),
            soft_wrap=True,
        )
    elif result.succeeded:
        console.print(literal((f"Task {result.status}.", "bold green")))
    elif result.status == "blocked_by_failures":
        console.print(
            literal(
                ("Task blocked by failed steps.", "bold red"),
                " Nothing more runs until a step is reset or resolved: "
                f"tasker-ctl task steps {uuid}",
            ),
            soft_wrap=True,
        )
    else:
        console.print(
            literal(
                (f"Task ended {result.status}.", "bold red"),
                f" See: tasker-ctl task steps {uuid}",
            ),
            soft_wrap=True,
        )
