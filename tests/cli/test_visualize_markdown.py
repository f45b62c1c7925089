"""`visualize --format markdown`, `--report`, `--annotations`, `-o`, stdin, `--graph-only`.

The snapshots under ``snapshots/visualize/<case>/`` were checked by hand against
upstream's ``template visualize`` rules (see the docstring of
``tasker_ctl.reporting.visualize``): the title, the fenced graph with the eight class
definitions, the Step Details rows in topological order, em dashes for empty cells,
``5x linear``-style retry cells. The run reports in ``tests/fixtures/visualize/`` were
written by ``tasker-ctl run --format json`` on the examples; ``csv_batch_failed`` is
that report edited by hand (a worker failed after 3 attempts, another needed 2, the
convergence step never ran).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import ROOT, SNAPSHOTS, Invoke
from tests.helpers import assert_matches_snapshot

EXAMPLES = ROOT / "examples"
REPORTS = ROOT / "tests" / "fixtures" / "visualize"
TEMPLATES = {
    "decision": EXAMPLES / "refund_approval" / "config" / "tasks" / "refund_approval.yaml",
    "batch": EXAMPLES / "csv_batch" / "config" / "tasks" / "csv_batch.yaml",
    "diamond": EXAMPLES / "diamond" / "config" / "tasks" / "customer_onboarding.yaml",
    "retry": EXAMPLES / "order_pipeline" / "config" / "tasks" / "order_pipeline.yaml",
}
RUNS = {
    "decision": "refund_approval",
    "batch": "csv_batch",
    "diamond": "diamond",
    "retry": "order_pipeline",
}


def _snapshot(case: str, text: str, update: bool) -> None:
    assert_matches_snapshot({f"{case}.md": text}, SNAPSHOTS / "visualize" / case, update)


@pytest.mark.parametrize("shape", ["decision", "batch", "diamond"])
def test_markdown_matches_snapshot(shape: str, cli: Invoke, snapshot_update: bool) -> None:
    result = cli("visualize", str(TEMPLATES[shape]), "--format", "markdown")
    assert result.exit_code == 0, result.output
    _snapshot(f"markdown-{shape}", result.stdout, snapshot_update)


def test_every_details_column_matches_snapshot(cli: Invoke, snapshot_update: bool) -> None:
    result = cli("visualize", str(REPORTS / "details.yaml"), "--format", "markdown")
    assert result.exit_code == 0, result.output
    _snapshot("markdown-details", result.stdout, snapshot_update)
    assert "| fetch | Standard | fixtures.fetch | \u2014 | alpha, mid, zeta | 5x linear |" in (
        result.stdout
    )


@pytest.mark.parametrize("shape", ["decision", "batch", "diamond", "retry"])
def test_report_colours_match_snapshot(shape: str, cli: Invoke, snapshot_update: bool) -> None:
    report = REPORTS / f"{RUNS[shape]}.run.json"
    result = cli("visualize", str(TEMPLATES[shape]), "-f", "markdown", "--report", str(report))
    assert result.exit_code == 0, result.output
    _snapshot(f"report-{shape}", result.stdout, snapshot_update)


def test_failed_batch_report_matches_snapshot(cli: Invoke, snapshot_update: bool) -> None:
    report = REPORTS / "csv_batch_failed.run.json"
    result = cli("visualize", str(TEMPLATES["batch"]), "--report", str(report), "--edges", "plain")
    assert result.exit_code == 0, result.output
    _snapshot("report-batch-failed-plain", result.stdout, snapshot_update)


def _classes(mermaid: str) -> dict[str, str]:
    return dict(re.findall(r"^    (\w+)\W.*:::(\w+)$", mermaid, re.M))


def test_report_statuses_a_user_would_read(cli: Invoke) -> None:
    decision = cli(
        "visualize",
        str(TEMPLATES["decision"]),
        "--report",
        str(REPORTS / "refund_approval.run.json"),
    ).stdout
    assert _classes(decision) == {
        "validate_refund": "completed",
        "route_refund": "completed",
        "auto_approve": "untraversed",
        "manager_review": "completed",
        "finance_review": "untraversed",
        "issue_refund": "completed",
    }
    assert 'auto_approve["auto_approve\\n(not created)"]' in decision
    retry = cli(
        "visualize", str(TEMPLATES["retry"]), "--report", str(REPORTS / "order_pipeline.run.json")
    ).stdout
    assert _classes(retry)["process_payment"] == "retrying"
    assert "(complete after 2 attempts)" in retry
    failed = cli(
        "visualize",
        str(TEMPLATES["batch"]),
        "--report",
        str(REPORTS / "csv_batch_failed.run.json"),
    ).stdout
    assert _classes(failed) == {
        "analyze_csv": "completed",
        "process_csv_batch": "error",
        "aggregate_results": "pending",
    }
    assert "(3 workers, 1 failed, 2 retried)" in failed


def test_plain_edges_follow_upstream(cli: Invoke) -> None:
    typed = cli("visualize", str(TEMPLATES["decision"])).stdout
    plain = cli("visualize", str(TEMPLATES["decision"]), "--edges", "plain").stdout
    assert "-.->|decides|" in typed
    assert "|decides|" not in plain and "-.->" not in plain and "==>" not in plain
    assert plain.count(" --> ") == typed.count(" --> ") + typed.count(" -.->|decides| ")
    dot = cli("visualize", str(TEMPLATES["batch"]), "-f", "dot", "--edges", "plain").stdout
    assert 'label="batch"' not in dot and "style=dashed" not in dot


def test_graph_only_is_the_bare_graph(cli: Invoke) -> None:
    graph = cli("visualize", str(TEMPLATES["diamond"]), "-f", "markdown", "--graph-only").stdout
    assert graph.startswith("graph TD\n")
    assert "```" not in graph and "## Step Details" not in graph
    assert graph == cli("visualize", str(TEMPLATES["diamond"])).stdout
    refused = cli("visualize", str(TEMPLATES["diamond"]), "-f", "dot", "--graph-only")
    assert refused.exit_code == 2
    assert "error: --graph-only" in refused.stderr


def test_annotations(cli: Invoke, tmp_path: Path) -> None:
    notes = tmp_path / "notes.yaml"
    notes.write_text("route_refund: 'thresholds from finance | 2025'\nghost_step: hi\n")
    result = cli("visualize", str(TEMPLATES["decision"]), "-a", str(notes), "-f", "markdown")
    assert result.exit_code == 0
    assert (
        'route_refund{"route_refund\\n\u26a0 thresholds from finance #124; 2025"}:::annotated'
        in result.stdout
    )
    assert "warning: annotation for unknown step 'ghost_step' is not shown" in result.stderr
    with_run = cli(
        "visualize",
        str(TEMPLATES["decision"]),
        "-a",
        str(notes),
        "--report",
        str(REPORTS / "refund_approval.run.json"),
    ).stdout
    assert _classes(with_run)["route_refund"] == "completed"  # the run's colour wins
    assert "\u26a0 thresholds" in with_run


@pytest.mark.parametrize(
    ("content", "where"),
    [
        ("route_refund: [a, b]\n", ":1:15"),
        ("- just a list\n", ":1:1"),
        ("a: 1\n  b: [\n", ":2"),
    ],
)
def test_bad_annotations_name_the_place(
    content: str, where: str, cli: Invoke, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.yaml"
    notes.write_text(content)
    result = cli("visualize", str(TEMPLATES["decision"]), "-a", str(notes))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {notes}{where}")
    assert "hint:" in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not JSON"),
        ("[]", "must be a JSON object"),
        ('{"version": 2, "steps": [], "not_created": []}', "unsupported run report version 2"),
        ('{"version": 1, "steps": [{"name": 3}], "not_created": []}', "steps[0] needs"),
        ('{"version": 1, "steps": [7], "not_created": []}', "steps[0] is not an object"),
    ],
)
def test_bad_reports_are_errors(content: str, message: str, cli: Invoke, tmp_path: Path) -> None:
    report = tmp_path / "run.json"
    report.write_text(content)
    result = cli("visualize", str(TEMPLATES["decision"]), "--report", str(report))
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ")
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_report_of_another_template_warns(cli: Invoke) -> None:
    result = cli(
        "visualize", str(TEMPLATES["diamond"]), "--report", str(REPORTS / "csv_batch.run.json")
    )
    assert result.exit_code == 0
    assert "warning: the run report has 5 steps this template does not define" in result.stderr


def _env() -> dict[str, str]:
    return {**os.environ, "RUST_LOG": "off", "NO_COLOR": "1"}


def test_stdin_and_output_file_through_the_real_cli(tmp_path: Path) -> None:
    out = tmp_path / "graph.md"
    done = subprocess.run(
        [sys.executable, "-m", "tasker_ctl", "visualize", "-", "-f", "markdown", "-o", str(out)],
        input=TEMPLATES["diamond"].read_bytes(),
        capture_output=True,
        env=_env(),
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == b""
    expected = SNAPSHOTS / "visualize" / "markdown-diamond" / "markdown-diamond.md"
    assert out.read_bytes() == expected.read_bytes()
    bad = subprocess.run(
        [sys.executable, "-m", "tasker_ctl", "visualize", "-"],
        input=b"name: x\nsteps: [\n",
        capture_output=True,
        env=_env(),
        timeout=60,
        check=False,
    )
    assert bad.returncode == 2
    assert bad.stderr.decode().startswith("error: <stdin>:")
    missing_dir = subprocess.run(
        [sys.executable, "-m", "tasker_ctl", "visualize", str(TEMPLATES["diamond"]), "-o",
         str(tmp_path / "no" / "such" / "g.md")],
        capture_output=True, env=_env(), timeout=60, check=False,
    )  # fmt: skip
    assert missing_dir.returncode == 2
    assert b"is not a directory" in missing_dir.stderr


_names = st.text(
    st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=12
).filter(lambda s: s.strip() == s and s not in ("-",))


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    names=st.lists(_names, min_size=1, max_size=6, unique=True),
    acyclic=st.booleans(),
    data=st.data(),
)
def test_any_template_gives_one_row_per_step_and_a_well_formed_table(
    names: list[str], acyclic: bool, data: st.DataObject
) -> None:
    """Whatever the names and dependencies (cycles, missing steps), every step has one row;
    without cycles or missing steps, every step comes after its dependencies."""
    from tasker_ctl.model.template import TaskTemplate
    from tasker_ctl.reporting.visualize import render_markdown, topological_order

    steps: list[dict[str, Any]] = []
    for index, name in enumerate(names):
        pool = names[:index] if acyclic else [*names, "ghost"]
        deps = data.draw(st.lists(st.sampled_from(pool), max_size=3)) if pool else []
        steps.append({"name": name, "handler": {"callable": "x.y"}, "dependencies": deps})
    template = TaskTemplate.model_validate(
        {"name": "t", "namespace_name": "n", "version": "1.0.0", "steps": steps}
    )
    order = topological_order(template)
    assert sorted(order) == sorted(names)
    if acyclic:
        for step in steps:
            assert all(order.index(d) < order.index(step["name"]) for d in step["dependencies"])
    document = render_markdown(template)
    table = document.split("## Step Details\n\n", 1)[1].splitlines()
    assert len(table) == 2 + len(names)
    for row in table:
        assert len(re.findall(r"(?<!\\)\|", row)) == 7, row


def test_json_report_shape_is_the_documented_one() -> None:
    """The fixtures are real `run --format json` output (version 1, as product.md documents)."""
    for path in REPORTS.glob("*.run.json"):
        report = json.loads(path.read_text())
        assert report["version"] == 1
        assert {"task", "steps", "not_created", "warnings", "timing"} <= set(report)


def test_upstream_command_path_is_the_same_command(cli: Invoke) -> None:
    ours = cli("visualize", str(TEMPLATES["batch"]), "-f", "markdown").stdout
    upstream_path = cli("template", "visualize", str(TEMPLATES["batch"]), "-f", "markdown").stdout
    assert ours == upstream_path


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
_step_entry = st.fixed_dictionaries(
    {"name": st.sampled_from(["analyze_csv", "process_csv_batch_001", "x", ""]) | st.text()},
    optional={
        "status": st.sampled_from(["complete", "error", "pending", "odd"]) | _json,
        "attempts": st.integers(-1, 5) | _json,
        "created_by": st.none() | st.sampled_from(["analyze_csv"]) | _json,
    },
)
_reports = (
    st.fixed_dictionaries(
        {},
        optional={
            "version": st.just(1) | _json,
            "steps": st.lists(_step_entry, max_size=5) | _json,
            "not_created": st.lists(st.text(max_size=8), max_size=3) | _json,
        },
    )
    | _json
)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(report=_reports)
def test_any_report_is_styled_or_rejected_in_one_sentence(report: object) -> None:
    """Any JSON value: every step gets a known class, or a RunReportError (never another)."""
    from tasker_ctl.reporting.visualize import (
        CLASS_DEFS,
        RunReportError,
        render_mermaid,
        report_styling,
    )
    from tasker_ctl.validation import LintOptions, lint_file

    template = lint_file(TEMPLATES["batch"], LintOptions(handler_check=False)).template
    assert template is not None
    try:
        styling, _warnings = report_styling(template, report)
    except RunReportError as exc:
        assert "\n" not in str(exc)
        return
    classes = {name for name, _ in CLASS_DEFS}
    assert {s.name for s in template.steps} <= set(styling.nodes)
    assert all(style.css_class in classes for style in styling.nodes.values())
    graph = render_mermaid(template, styling=styling)
    assert len(_classes(graph)) == len(template.steps)


@settings(max_examples=100, deadline=None, derandomize=True)
@given(raw=st.binary(max_size=60) | st.text(max_size=60).map(str.encode))
def test_any_annotations_file_is_notes_or_an_error_with_a_place(raw: bytes) -> None:
    import tempfile

    from tasker_ctl.cli.visualize_cmd import _read_annotations
    from tasker_ctl.errors import InputFileError

    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "notes.yaml"
        path.write_bytes(raw)
        try:
            notes = _read_annotations(path)
        except InputFileError as exc:
            assert str(exc).startswith(str(path))
            return
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in notes.items())


def test_dot_carries_the_run_colours_too(cli: Invoke) -> None:
    report = str(REPORTS / "refund_approval.run.json")
    dot = cli("visualize", str(TEMPLATES["decision"]), "-f", "dot", "--report", report).stdout
    assert (
        '"validate_refund" [label="validate_refund", shape=box, style="filled", '
        'fillcolor="#d4edda", color="#28a745"];' in dot
    )
    assert (
        '"auto_approve" [label="auto_approve\\n(not created)", shape=box, '
        'style="filled,dashed", fillcolor="#f8f9fa", color="#dee2e6"];' in dot
    )
