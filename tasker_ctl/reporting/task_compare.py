"""``task compare``: the local prediction and the cluster's outcome, step by step.

A table with one row per step (local status and attempts, cluster status and
attempts, a verdict), then each difference on its own lines (a result that
differs is shown as both JSON values, cut to a readable length), then a verdict
line. Every value comes from data and is printed through
:func:`~tasker_ctl.reporting.console.literal`.
"""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tasker_ctl.client.compare import Comparison, Difference, StepOutcome
from tasker_ctl.reporting.console import literal
from tasker_ctl.reporting.task_follow import STATUS_STYLES

_VALUE_MAX = 200


def _value(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return text if len(text) <= _VALUE_MAX else text[: _VALUE_MAX - 3] + "..."


def _status(outcome: StepOutcome | None) -> Text:
    if outcome is None:
        return Text("not created", style="dim")
    return literal((outcome.status, STATUS_STYLES.get(outcome.status, "")), one_line=True)


def _attempts(outcome: StepOutcome | None) -> str:
    if outcome is None or outcome.attempts is None:
        return "-"
    return str(outcome.attempts)


def _describe(difference: Difference) -> Text:
    if difference.field == "created":
        where = "locally only" if difference.local else "on the cluster only"
        return literal("created ", (where, "bold"))
    return literal(
        (f"{difference.field}: ", "bold"),
        "local ",
        _value(difference.local),
        ", cluster ",
        _value(difference.cluster),
    )


def print_comparison(console: Console, comparison: Comparison) -> None:
    """The comparison for people."""
    console.print(
        literal(
            ("Task ", "bold"),
            comparison.task_uuid,
            ": local run ",
            (comparison.local_status, STATUS_STYLES.get(comparison.local_status, "")),
            ", cluster ",
            (comparison.cluster_status, STATUS_STYLES.get(comparison.cluster_status, "")),
        ),
        soft_wrap=True,
    )
    for note in comparison.notes:
        console.print(literal(("note: ", "yellow"), note), soft_wrap=True)
    for difference in comparison.task:
        console.print(literal("  task ", _describe(difference)), soft_wrap=True)
    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("STEP", "LOCAL", "ATTEMPTS", "CLUSTER", "ATTEMPTS ", ""):
        table.add_column(column)
    for step in comparison.steps:
        table.add_row(
            literal(step.name, one_line=True),
            _status(step.local),
            _attempts(step.local),
            _status(step.cluster),
            _attempts(step.cluster),
            Text("same", style="green")
            if not step.differences
            else Text(f"{len(step.differences)} differ", style="bold red"),
        )
    console.print(table)
    for step in comparison.steps:
        for difference in step.differences:
            console.print(
                literal("  ", (step.name, "bold"), ": ", _describe(difference)), soft_wrap=True
            )
    if comparison.agree:
        console.print(Text("The cluster did what the local run predicts.", style="bold green"))
    else:
        count = comparison.difference_count
        console.print(
            Text(
                f"{count} difference{'s' if count != 1 else ''} between the local run "
                "and the cluster.",
                style="bold red",
            )
        )
