"""The run view in a real pseudo-terminal: the history stays on screen, failures say where.

Each test drives ``tasker-ctl run`` through ``pexpect`` in a pseudo-terminal of a
given width and replays everything it wrote into ``pyte``, a terminal emulator,
to read the final screen as a person would see it (Rich's live status area is
drawn, moved over and erased with escape sequences; only what survives counts).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.helpers import build_file_tree

pytestmark = pytest.mark.sdk

pexpect = pytest.importorskip("pexpect")
pyte = pytest.importorskip("pyte")

ROWS = 120
HANDLERS = """
from tasker_core import StepContext, StepHandler, StepHandlerResult
from tasker_core.batch_processing import Batchable
from tasker_core.step_handler.functional import Decision, decision_handler, step_handler


@step_handler("flow.flaky")
def flaky(context):
    if context.retry_count < 1:
        raise ConnectionError("gateway timed out")
    return {"ok": True}


@decision_handler("flow.route")
def route(context):
    return Decision.route(["chosen_branch"])


@step_handler("flow.branch")
def branch(context):
    return {"branch": True}


class Analyze(StepHandler, Batchable):
    handler_name = "flow.Analyze"

    def call(self, context: StepContext) -> StepHandlerResult:
        ranges = self.create_cursor_ranges(total_items=30, batch_size=10)
        return self.batch_analyzer_success(
            cursor_configs=ranges, total_items=30, worker_template_name="process_range_batch"
        )


class Process(StepHandler, Batchable):
    handler_name = "flow.Process"

    def call(self, context: StepContext) -> StepHandlerResult:
        no_op = self.handle_no_op_worker(context)
        if no_op is not None:
            return no_op
        batch = self.get_batch_context(context)
        n = batch.end_cursor - batch.start_cursor
        return self.batch_worker_success(items_processed=n, items_succeeded=n)


@step_handler("flow.finish")
def finish(context):
    return {"done": True}


@step_handler("flow.slow")
def slow(context):
    import time

    time.sleep(1.5)
    return {"slow": True}


@step_handler("flow.broken")
def broken(context):
    cart = {"items": 3}
    return {"total": cart["total"]}
"""
FLOW = """\
name: flow
namespace_name: demo
version: 1.0.0
steps:
  - name: fetch_rates
    handler: {callable: flow.flaky}
    retry: {retryable: true, max_attempts: 3}
  - name: route_order
    type: decision
    dependencies: [fetch_rates]
    handler: {callable: flow.route}
  - name: chosen_branch
    dependencies: [route_order]
    handler: {callable: flow.branch}
  - name: other_branch
    dependencies: [route_order]
    handler: {callable: flow.branch}
  - name: analyze_range
    type: batchable
    dependencies: [fetch_rates]
    handler:
      callable: flow.Analyze
      initialization: {worker_template_name: process_range_batch}
  - name: process_range_batch
    type: batch_worker
    dependencies: [analyze_range]
    handler: {callable: flow.Process}
    batch_config:
      batch_size: 10
      parallelism: 2
      cursor_field: id
      worker_template: process_range_batch
      failure_strategy: continue_on_failure
  - name: finish_up
    type: deferred_convergence
    dependencies: [chosen_branch, other_branch, process_range_batch]
    handler: {callable: flow.finish}
"""
BROKEN = """\
name: broken
namespace_name: demo
version: 1.0.0
steps:
  - name: validate_cart
    handler: {callable: flow.broken}
    retry: {retryable: true, max_attempts: 1}
"""
SLOW_STEP = "wait_for_the_partner_gateway_to_answer_and_then_settle_step_07"
SLOW = f"""\
name: slow
namespace_name: demo
version: 1.0.0
steps:
  - name: {SLOW_STEP}
    handler: {{callable: flow.slow}}
"""
BROKEN_LINE = HANDLERS.splitlines().index('    return {"total": cart["total"]}') + 1

# every line of the run's history, in order (the retry, the decision, the batch)
HISTORY = [
    "Running demo/flow 1.0.0",
    "  failed     fetch_rates attempt 1 (retryable_error): ConnectionError: gateway timed out",
    "             at handlers/flow.py:",
    '             │ raise ConnectionError("gateway timed out")',
    "  retry      fetch_rates after attempt 1 in ",
    "  complete   fetch_rates (attempt 2)",
    "  complete   route_order (attempt 1)",
    "  created    chosen_branch (by route_order)",
    "  created    3 workers of process_range_batch (by analyze_range)",
    "  batch      process_range_batch: 3/3 workers finished",
    "  complete   finish_up (attempt 1)",
    "Task demo/flow 1.0.0: complete",
    "Not created: other_branch",
    "Task complete.",
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    pytest.importorskip("tasker_core")
    build_file_tree(
        tmp_path,
        {
            "handlers/__init__.py": "",
            "handlers/flow.py": HANDLERS,
            "config/tasks/flow.yaml": FLOW,
            "config/tasks/broken.yaml": BROKEN,
            "config/tasks/slow.yaml": SLOW,
        },
    )
    return tmp_path


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS", "LINES")}
    env.update(RUST_LOG="off", TERM="xterm-256color", PYTHONPATH=str(ROOT))
    return env


def on_a_terminal(cwd: Path, columns: int, *args: str) -> tuple[int, list[str], str]:
    """Run ``tasker-ctl ARGS`` in a ``columns``-wide pseudo-terminal.

    Returns the exit code, the rows of the final screen (trailing blanks removed)
    and the raw output.
    """
    child = pexpect.spawn(
        sys.executable,
        ["-m", "tasker_ctl", *args],
        cwd=str(cwd),
        env=environment(),
        dimensions=(ROWS, columns),
        encoding="utf-8",
        codec_errors="replace",
        timeout=60,
    )
    child.expect(pexpect.EOF)
    child.close()
    raw: str = child.before
    screen = pyte.Screen(columns, ROWS)
    pyte.Stream(screen).feed(raw.replace("\n", "\r\n") if "\r\n" not in raw else raw)
    rows = [row.rstrip() for row in screen.display]
    while rows and not rows[-1]:
        rows.pop()
    assert child.exitstatus is not None, raw[-2000:]
    return child.exitstatus, rows, raw


class Screen:
    """The final screen as one string of full-width rows: a wrapped line reads on."""

    def __init__(self, rows: list[str], columns: int) -> None:
        self.rows = rows
        self.columns = columns
        self.flat = "".join(row.ljust(columns) for row in rows)

    def __str__(self) -> str:
        return "\n".join(self.rows)

    def find_line(self, wanted: str, start: int = 0) -> int | None:
        """Where a line starting with ``wanted`` begins (at or after ``start``)."""
        at = self.flat.find(wanted, start)
        while at != -1 and at % self.columns:
            at = self.flat.find(wanted, at + 1)
        return None if at == -1 else at


def assert_in_order(screen: Screen, expected: list[str]) -> None:
    position = 0
    for wanted in expected:
        found = screen.find_line(wanted, position)
        assert found is not None, f"{wanted!r} is not on screen after {position}:\n{screen}"
        position = found + 1


@pytest.mark.parametrize("columns", [80, 60])
def test_the_whole_history_of_a_run_stays_on_screen(project: Path, columns: int) -> None:
    code, rows, raw = on_a_terminal(project, columns, "run", "config/tasks/flow.yaml")
    assert code == 0, "\n".join(rows)
    assert "\x1b[?25l" in raw  # Rich's live display really ran (it hides the cursor)
    screen = Screen(rows, columns)
    assert_in_order(screen, HISTORY)
    # the summary table keeps what tells the batch workers apart, whatever the width
    workers = [row.split()[0] for row in rows if row.endswith("analyze_range")]
    assert [w[-3:] for w in workers] == ["001", "002", "003"], str(screen)


def test_a_pipe_gets_the_same_history_lines(project: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tasker_ctl", "run", "config/tasks/flow.yaml"],
        cwd=project,
        env={**environment(), "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "\x1b[" not in done.stdout
    _, rows, _ = on_a_terminal(project, 200, "run", "config/tasks/flow.yaml")

    def history(lines: list[str]) -> list[str]:
        kept = [line for line in lines if line.startswith(("Running ", "  "))]
        return kept[: kept.index("  complete   finish_up (attempt 1)") + 1]

    assert history(rows) == history(done.stdout.splitlines())
    piped = done.stdout.splitlines()
    assert_in_order(Screen(piped, max(map(len, piped)) + 1), HISTORY)


@pytest.mark.parametrize("columns", [80, 60])
def test_a_failure_names_the_exception_type_and_the_handler_line(
    project: Path, columns: int
) -> None:
    code, rows, raw = on_a_terminal(project, columns, "run", "config/tasks/broken.yaml")
    assert code == 1, "\n".join(rows)
    screen = Screen(rows, columns)
    where = f"at handlers/flow.py:{BROKEN_LINE} in broken"
    source = '│ return {"total": cart["total"]}'
    # as it happens, in the history ...
    assert_in_order(
        screen,
        [
            "  failed     validate_cart attempt 1 (retryable_error): KeyError: 'total'",
            f"             {where}",
            f"             {source}",
            "  error      validate_cart (attempt 1)",
            # ... and again in the summary
            "✗ validate_cart: error after 1 attempt",
            "    KeyError (retryable, no attempts left; error_type handler_error): 'total'",
            f"    {where}",
            f"    {source}",
        ],
    )
    assert "Traceback" not in raw


def test_traceback_prints_the_handler_frames_with_the_sdk_folded(project: Path) -> None:
    code, rows, _raw = on_a_terminal(project, 100, "run", "config/tasks/broken.yaml", "--traceback")
    assert code == 1
    screen = Screen(rows, 100)
    text = str(screen)
    assert text.count("Traceback (most recent call last):") == 2  # history and summary
    assert re.search(r"\[\d+ frames? of the SDK, tasker-ctl or the standard library\]", text)
    assert f'flow.py", line {BROKEN_LINE}, in broken' in screen.flat
    assert "site-packages/tasker_core" not in text and "tasker_ctl/executor" not in text
    assert_in_order(
        screen,
        ["  failed     validate_cart", "             Traceback", "             KeyError: 'total'"],
    )


def test_report_and_events_carry_the_failure_details(project: Path) -> None:
    import json

    events = project / "run.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", "tasker_ctl", "run", "config/tasks/broken.yaml", "--format", "json",
         "--events", str(events)],
        cwd=project,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr[-2000:]
    error = json.loads(done.stdout)["steps"][0]["error"]
    assert error["exception_type"] == "KeyError"
    assert error["location"] == f"handlers/flow.py:{BROKEN_LINE} in broken"
    assert error["source_line"] == 'return {"total": cart["total"]}'
    assert error["traceback"].endswith("KeyError: 'total'")
    assert "tasker_core" not in error["traceback"]
    finished = [
        line
        for line in map(json.loads, events.read_text(encoding="utf-8").splitlines())
        if line["type"] == "attempt_finished"
    ]
    assert len(finished) == 1
    assert {k: finished[0][k] for k in ("exception_type", "location", "source_line")} == {
        k: error[k] for k in ("exception_type", "location", "source_line")
    }
    assert finished[0]["traceback"] == error["traceback"]


def test_the_status_area_shows_a_running_step_then_goes_away(project: Path) -> None:
    code, rows, raw = on_a_terminal(project, 60, "run", "config/tasks/slow.yaml")
    assert code == 0, "\n".join(rows)
    drawn = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", raw)
    # while it ran: the step (its distinguishing end kept at 60 columns) and its elapsed time
    running = re.findall(r"▶ (\S+) +(\d+\.\d) s", drawn)
    assert running, drawn[-2000:]
    assert all(name.endswith("settle_step_07") for name, _ in running)
    assert all(name.startswith("…") for name, _ in running)  # cut at the front to fit 60
    assert max(float(elapsed) for _, elapsed in running) >= 0.5  # it counted up
    # at the end: the history and the summary, not the status area
    screen = Screen(rows, 60)
    assert "▶" not in str(screen)
    assert_in_order(
        screen, ["Running demo/slow 1.0.0", "  complete   " + SLOW_STEP, "Task complete."]
    )
