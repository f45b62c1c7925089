"""The run reporters: live view (terminal and plain), summary table, JSON report, event log."""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from tasker_ctl.reporting.run_events import EventLog
from tasker_ctl.reporting.run_json import render_run_json, run_report, write_run_json
from tasker_ctl.reporting.run_text import LiveView, print_run_summary
from tests.executor.conftest import STYLES, Run, step
from tests.executor.test_plan import BATCH_CONFIG

pytestmark = pytest.mark.sdk


def console(terminal: bool) -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, force_terminal=terminal, width=100, no_color=True), buffer


def batch() -> list[dict[str, Any]]:
    return [
        step("analyze", "runfx.cls.Analyze", type="batchable"),
        step(
            "work", "runfx.cls.Work", ("analyze",), type="batch_worker", batch_config=BATCH_CONFIG
        ),
        step("aggregate", "runfx.cls.Aggregate", ("work",), type="deferred_convergence"),
    ]


def test_plain_view_prints_notable_events_and_batch_progress(run: Run) -> None:
    out, buffer = console(terminal=False)
    with LiveView(out) as view:
        assert not view.live_mode
        result = run(batch(), {"total": 12, "size": 1}, observers=(view,))
    assert result.complete
    lines = buffer.getvalue().splitlines()
    assert lines[0] == "Running tests/t 1.0.0"
    assert "  created    12 workers of work (by analyze)" in lines
    progress = [line for line in lines if line.startswith("  batch")]
    assert progress == [f"  batch      work: {n}/12 workers finished" for n in (3, 6, 9, 12)]
    assert "  complete   aggregate (attempt 1)" in lines


def test_a_batch_of_one_worker_is_counted_in_the_singular(run: Run) -> None:
    out, buffer = console(terminal=False)
    with LiveView(out) as view:
        result = run(batch(), {"total": 1, "size": 1}, observers=(view,))
    assert result.complete
    lines = buffer.getvalue().splitlines()
    assert "  created    1 worker of work (by analyze)" in lines
    assert "  batch      work: 1/1 worker finished" in lines


def test_live_view_renders_on_a_terminal(run: Run) -> None:
    out, _buffer = console(terminal=True)
    with LiveView(out) as view:
        assert view.live_mode
        result = run(batch(), {"total": 3, "size": 1}, observers=(view,))
        rendered = Console(file=io.StringIO(), width=100, no_color=True)
        rendered.print(view._live.renderable if view._live else "")  # type: ignore[union-attr]
        text = rendered.file.getvalue()  # type: ignore[attr-defined]
    assert result.complete
    assert "Running tests/t 1.0.0" in text and "complete" in text
    assert "work (by analyze)" in text and "3/3" in text


def test_summary_collapses_big_batches_and_explains_failures(run: Run) -> None:
    steps = [
        *batch(),
        step("check", STYLES["cls"], config={"fail": "raise_value"}, retry={"max_attempts": 1}),
    ]
    result = run(steps, {"total": 30, "size": 1})
    out, buffer = console(terminal=False)
    print_run_summary(out, result)
    text = buffer.getvalue()
    assert "work_* (30 workers)" in text and "work_017" not in text
    assert "✗ check: error after 1 attempt" in text
    assert "ValueError (retryable, no attempts left): something unexpected" in text
    assert "at tests/fixtures/run/runfx/behaviour.py:" in text
    assert "blocked_by_failures" in text.splitlines()[0]


def test_json_report_of_a_failure(run: Run) -> None:
    result = run([step("bad", STYLES["dsl"], config={"fail": "permanent"})])
    report = run_report(result)
    assert report["steps"][0]["error"] == {
        "message": "refused for good",
        "error_type": "rejected",
        "retryable": False,
        "location": None,
        "exception_type": None,
        "source_line": None,
        "traceback": None,
    }
    assert json.loads(render_run_json(result)) == report


@pytest.mark.parametrize("steps", [0, 1, 3])
def test_the_streamed_json_report_is_the_same_text(run: Run, steps: int) -> None:
    chain = [
        step(f"s{i}", STYLES["dsl"], (f"s{i - 1}",) if i else (), config={"result": {"n": i}})
        for i in range(steps)
    ]
    result = run(chain or [step("only", STYLES["dsl"], config={"fail": "permanent"})])
    if not steps:  # a report with no steps at all
        result = dataclasses.replace(result, steps=())
    out = io.StringIO()
    write_run_json(result, out)
    assert out.getvalue() == render_run_json(result)


def test_event_log_flushes_each_line(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    log = EventLog(path)
    seen_sizes: list[int] = []

    class Probe:
        def on_event(self, event: Any, virtual_ms: float) -> None:
            seen_sizes.append(len(path.read_text(encoding="utf-8").splitlines()))

    result = run([step("a", STYLES["dsl"])], observers=(log, Probe()))
    log.close()
    assert result.complete
    # every event was on disk before the next observer ran
    assert seen_sizes == list(range(1, len(seen_sizes) + 1))
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert lines[0]["type"] == "run_started" and lines[-1]["type"] == "run_finished"


def test_summary_shows_no_time_for_steps_that_never_finished_an_attempt(run: Run) -> None:
    steps = [
        step("flaky", STYLES["dsl"], config={"fail_until": 5}, retry={"max_attempts": 3}),
        step("after", STYLES["dsl"], ("flaky",)),
    ]
    result = run(steps)
    out, buffer = console(terminal=False)
    print_run_summary(out, result)
    rows: dict[str, list[str]] = {}
    for line in buffer.getvalue().splitlines()[1:4]:  # the table: header, flaky, after
        rows[line.split()[0]] = line.split()
    assert rows["after"][1:] == ["pending", "0", "-"]
    assert rows["flaky"][1:3] == ["error", "3"] and rows["flaky"][3] != "-"


@pytest.mark.parametrize(("real_time", "label"), [(False, "virtual waits"), (True, "retry sleeps")])
def test_summary_names_the_kind_of_retry_wait(run: Run, real_time: bool, label: str) -> None:
    retry = {"backoff": "linear", "backoff_base_ms": 100}
    result = run(
        [step("flaky", STYLES["dsl"], config={"fail_until": 1}, retry=retry)], real_time=real_time
    )
    out, buffer = console(terminal=False)
    print_run_summary(out, result)
    first = buffer.getvalue().splitlines()[0]
    assert f", {label} " in first
    assert ("virtual" in first) is not real_time


def test_event_log_survives_text_python_cannot_encode(tmp_path: Path) -> None:
    from tasker_ctl.executor import RunWarning, WarningCode
    from tasker_ctl.executor.events import WarningRaised

    path = tmp_path / "events.jsonl"
    log = EventLog(path)
    odd = "module 'caf\udce9' failed to import"
    log.on_event(WarningRaised(RunWarning(WarningCode.HANDLER_IMPORT_ERROR, odd)), 0.0)
    log.close()
    [line] = path.read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["warning"]["message"] == odd


def test_summary_groups_repeated_warnings_and_caps_failures(run: Run) -> None:
    steps = [step(f"dated{i}", STYLES["dsl"], config={"fail": "datetime"}) for i in range(5)] + [
        step(f"bad{i:02}", STYLES["dsl"], config={"fail": "permanent"}) for i in range(12)
    ]
    result = run(steps)
    assert len([w for w in result.warnings if w.code == "result_converted"]) == 5  # the data
    out, buffer = console(terminal=False)
    print_run_summary(out, result)
    text = buffer.getvalue()
    converted = [line for line in text.splitlines() if "[result_converted]" in line]
    assert len(converted) == 1
    assert converted[0].startswith("  [result_converted] dated0, dated1, dated2 and 2 more steps: ")
    assert text.count("✗ ") == 10 and "✗ bad09:" in text and "✗ bad10:" not in text
    assert "... and 2 more failed steps (all in --format json)" in text
