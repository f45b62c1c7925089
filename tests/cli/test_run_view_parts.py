"""Parts of the run view: folding a traceback, fitting a step name, the live status area."""

from __future__ import annotations

import io
import itertools
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console

from tasker_ctl.executor.events import (
    AttemptFinished,
    BatchCreated,
    RunStarted,
    StepCreated,
    StepTransition,
)
from tasker_ctl.executor.invoke import fold_traceback
from tasker_ctl.reporting.run_text import LiveView, fit_name

SDK = "/venv/lib/python3.11/site-packages/tasker_core/step_handler/functional.py"
USER = "/project/handlers/orders.py"

names = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "Pc", "Pd")), max_size=60
)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(name=names, width=st.integers(min_value=2, max_value=80))
def test_a_fitted_name_fits_and_keeps_its_end(name: str, width: int) -> None:
    fitted = fit_name(name, width)
    if cell_len(name) <= width:
        assert fitted == name
    else:
        assert cell_len(fitted) <= width
        assert fitted.startswith("…") and name.endswith(fitted[1:])
        assert cell_len(fitted) >= width - 1  # nothing more is cut than needed


def test_batch_workers_stay_apart_when_cut() -> None:
    fitted = {fit_name(f"process_csv_batch_{n:03d}", 12) for n in range(1, 12)}
    assert len(fitted) == 11 and "…v_batch_011" in fitted


frames = st.lists(st.tuples(st.booleans(), st.integers(1, 999)), min_size=1, max_size=12)


def traceback_text(stack: list[tuple[bool, int]]) -> str:
    lines = ["Traceback (most recent call last):"]
    for user, line in stack:
        lines.append(f'  File "{USER if user else SDK}", line {line}, in f{line}')
        lines.append(f"    statement_{line}()")
        if user:
            lines.append("    ^^^^^^^^^^^^^^^")
    lines.append("KeyError: 'total'")
    return "\n".join(lines)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(stack=frames)
def test_folding_keeps_every_handler_frame_and_counts_the_rest(
    stack: list[tuple[bool, int]],
) -> None:
    folded = fold_traceback(traceback_text(stack)).splitlines()
    assert folded[0] == "Traceback (most recent call last):"
    assert folded[-1] == "KeyError: 'total'"
    kept = [line for line in folded if line.startswith("  File ")]
    assert kept == [f'  File "{USER}", line {n}, in f{n}' for user, n in stack if user]
    assert SDK not in "\n".join(folded)
    hidden = 0
    for line in folded:
        if line.startswith("  [") and "of the SDK" in line:
            hidden += int(line.split()[0].lstrip("["))
    assert hidden == sum(1 for user, _ in stack if not user)
    # a run of SDK frames is one line, never two in a row
    markers = [i for i, line in enumerate(folded) if "of the SDK" in line]
    assert all(b - a > 1 for a, b in itertools.pairwise(markers))


def test_folding_keeps_chained_exceptions() -> None:
    first = traceback_text([(True, 3), (False, 9)])
    second = traceback_text([(False, 1), (True, 7)])
    text = (
        first + "\n\nDuring handling of the above exception, another exception occurred:\n\n"
        + second
    )  # fmt: skip
    folded = fold_traceback(text)
    assert "During handling of the above exception" in folded
    assert folded.count("Traceback (most recent call last):") == 2
    assert folded.count("[1 frame of the SDK, tasker-ctl or the standard library]") == 2


def test_the_status_area_shows_running_steps_with_elapsed_time_and_batch_progress() -> None:
    now = [100.0]
    out = Console(file=io.StringIO(), width=60, force_terminal=True, no_color=True)
    view = LiveView(out, live=False, clock=lambda: now[0])
    view.on_event(RunStarted("t", "ns", "1.0.0", 2, False), 0.0)
    for name in ("analyze", "a_very_long_step_name_that_ends_in_distinct_part_42"):
        view.on_event(StepCreated(name, name, "standard", (), None), 0.0)
    view.on_event(
        StepTransition("a_very_long_step_name_that_ends_in_distinct_part_42", "enqueued",
                       "in_progress", "start", 1),
        0.0,
    )  # fmt: skip
    view.on_event(BatchCreated("analyze", "work", ("work_001", "work_002", "work_003")), 0.0)
    view.on_event(StepTransition("work_001", "in_progress", "complete", "complete", 1), 0.0)
    view.on_event(StepTransition("work_002", "enqueued", "in_progress", "start", 1), 0.0)
    now[0] = 112.34
    from tasker_ctl.reporting.run_text import _Status

    rendered = Console(file=io.StringIO(), width=60, no_color=True)
    rendered.print(_Status(view))
    text = rendered.file.getvalue()  # type: ignore[attr-defined]
    assert "Running ns/t 1.0.0" in text
    assert "work (by analyze)" in text and "1/3, 1 running" in text
    assert "distinct_part_42  12.3 s" in text
    assert all(cell_len(line) <= 60 for line in text.splitlines())
    assert "work_002" not in text  # batch workers are counted in their bar, not listed


def test_a_failed_attempt_prints_type_location_and_source_in_both_modes() -> None:
    for terminal in (False, True):
        buffer = io.StringIO()
        out = Console(file=buffer, width=100, force_terminal=terminal, no_color=True)
        with LiveView(out) as view:
            view.on_event(
                AttemptFinished("check", 1, "retryable_error", 1.0, "handler_error", "'total'",
                                "KeyError", "handlers/a.py:7 in check", "x = cart['total']",
                                "Traceback...\nKeyError: 'total'"),
                0.0,
            )  # fmt: skip
        text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", buffer.getvalue())
        assert "  failed     check attempt 1 (retryable_error): KeyError: 'total'" in text
        assert "             at handlers/a.py:7 in check" in text
        assert "             │ x = cart['total']" in text
        assert "Traceback" not in text  # only with --traceback


def test_above_the_status_area_every_line_arrives_once_and_in_order() -> None:
    buffer = io.StringIO()
    out = Console(file=buffer, width=100, force_terminal=True, no_color=True)
    with LiveView(out) as view:
        assert view.live_mode
        view.on_event(RunStarted("t", "ns", "1.0.0", 1, False), 0.0)
        for i in range(500):
            view.on_event(StepCreated(f"s{i:03d}", "s", "standard", (), None), 0.0)
            view.on_event(StepTransition(f"s{i:03d}", "enqueued", "in_progress", "start", 1), 0.0)
            view.on_event(StepTransition(f"s{i:03d}", "in_progress", "complete", "ok", 1), 0.0)
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", buffer.getvalue())
    done = re.findall(r"  complete   (s\d{3}) \(attempt 1\)", text)
    assert done == [f"s{i:03d}" for i in range(500)]
