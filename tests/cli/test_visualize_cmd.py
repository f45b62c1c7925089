"""`tasker-ctl visualize`: snapshots, structure (every step and edge once), escaping."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT, SNAPSHOTS
from tests.helpers import assert_matches_snapshot

VALID = ROOT / "tests" / "fixtures" / "templates" / "valid"
SHAPES = ["decision_convergence", "batch_no_batches", "diamond"]

AWKWARD = """\
name: "weird \\"quoted\\" [name]"
namespace_name: fixtures
version: 1.0.0
steps:
  - name: 'say "hi" [now]'
    handler: {callable: x.a}
  - name: "route {a|b} <x> #1"
    type: decision
    dependencies: ['say "hi" [now]']
    handler: {callable: x.b}
  - name: plain
    dependencies: ["route {a|b} <x> #1", 'say "hi" [now]', 'say "hi" [now]', ghost]
    handler: {callable: x.c}
"""


@pytest.mark.parametrize("fmt", ["mermaid", "dot"])
@pytest.mark.parametrize("shape", SHAPES)
def test_visualize_matches_snapshot(shape: str, fmt: str, cli, snapshot_update: bool) -> None:
    result = cli("visualize", str(VALID / f"{shape}.yaml"), "--format", fmt)
    assert result.exit_code == 0, result.output
    suffix = "mmd" if fmt == "mermaid" else "dot"
    assert_matches_snapshot(
        {f"{shape}.{suffix}": result.stdout},
        SNAPSHOTS / "visualize" / f"{shape}-{fmt}",
        snapshot_update,
    )


def _mermaid_parts(text: str) -> tuple[list[str], list[tuple[str, str, str]]]:
    nodes = re.findall(r"^    (\w+)(?:\[\[|\[/|\[|\{)\"", text, re.M)
    edges = re.findall(r"^    (\w+) (-->|-\.->\|decides\||==>\|batch\|) (\w+)$", text, re.M)
    return nodes, edges


@pytest.mark.parametrize("shape", SHAPES)
def test_every_step_and_edge_appears_once(shape: str, cli) -> None:
    import yaml

    template = yaml.safe_load((VALID / f"{shape}.yaml").read_text())
    names = [s["name"] for s in template["steps"]]
    expected_edges = {
        (dep, s["name"])
        for s in template["steps"]
        for dep in s.get("dependencies", s.get("depends_on", []))
    }
    nodes, edges = _mermaid_parts(cli("visualize", str(VALID / f"{shape}.yaml")).stdout)
    assert sorted(nodes) == sorted(names) and len(nodes) == len(set(nodes))
    assert sorted((a, b) for a, _, b in edges) == sorted(expected_edges)
    dot = cli("visualize", str(VALID / f"{shape}.yaml"), "--format", "dot").stdout
    dot_edges = re.findall(r'^    "([^"]+)" -> "([^"]+)"', dot, re.M)
    assert sorted(dot_edges) == sorted(expected_edges)
    assert len(re.findall(r"shape=", dot)) == len(names)


def test_decision_and_batch_edges_are_distinct(cli) -> None:
    decision = cli("visualize", str(VALID / "decision_convergence.yaml")).stdout
    assert "routing_decision -.->|decides| auto_approve" in decision
    assert "auto_approve --> finalize" in decision
    assert 'routing_decision{"routing_decision"}' in decision
    batch = cli("visualize", str(VALID / "batch_no_batches.yaml")).stdout
    assert "analyze_csv ==>|batch| process_csv_batch" in batch
    assert 'process_csv_batch[["process_csv_batch"]]' in batch


def test_labels_with_quotes_and_brackets_are_escaped(cli, tmp_path: Path) -> None:
    path = tmp_path / "weird.yaml"
    path.write_text(AWKWARD)
    mermaid = cli("visualize", str(path)).stdout
    assert 'step_0["say #quot;hi#quot; #91;now#93;"]:::default' in mermaid
    assert 'step_1{"route #123;a#124;b#125; #lt;x#gt; #35;1"}:::default' in mermaid
    nodes, edges = _mermaid_parts(mermaid)
    assert nodes == ["step_0", "step_1", "plain"]
    # the repeated dependency is drawn once; the missing step "ghost" is not drawn
    assert sorted(edges) == sorted(
        [
            ("step_0", "-->", "plain"),
            ("step_0", "-->", "step_1"),
            ("step_1", "-.->|decides|", "plain"),
        ]
    )
    for line in mermaid.splitlines():
        label = re.search(r'"(.*)"', line)
        if label:
            assert not set(label.group(1)) & set('"[]{}<>|')
    dot = cli("visualize", str(path), "--format", "dot").stdout
    assert 'digraph "weird \\"quoted\\" [name]" {' in dot
    assert '"say \\"hi\\" [now]" [label="say \\"hi\\" [now]", shape=box];' in dot


def test_unloadable_template_is_a_usage_error(cli, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("name: x\nsteps: [\n")
    result = cli("visualize", str(path))
    assert result.exit_code == 2
    assert "cannot draw" in result.stderr and "Traceback" not in result.stderr
    assert cli("visualize", str(path), "--format", "png").exit_code == 2


KEYWORDS = """\
name: diamond
namespace_name: shapes
version: 1.0.0
steps:
  - name: start
    handler: {callable: x.A}
  - name: "two\\r\\nlines"
    dependencies: [start]
    handler: {callable: x.A}
  - name: step_1
    dependencies: [start]
    handler: {callable: x.A}
  - name: end
    dependencies: ["two\\r\\nlines", step_1]
    handler: {callable: x.A}
"""


def test_mermaid_keywords_and_clashing_names_get_unique_ids(cli, tmp_path: Path) -> None:
    path = tmp_path / "keywords.yaml"
    path.write_text(KEYWORDS)
    mermaid = cli("visualize", str(path)).stdout
    nodes, edges = _mermaid_parts(mermaid)
    # `end` would close the flowchart: it never appears as a node ID
    assert "end" not in nodes
    assert len(nodes) == len(set(nodes)) == 4
    assert 'step_3["end"]:::default' in mermaid
    # the step literally named step_1 keeps its ID; the unsafe name gets another one
    assert 'step_1["step_1"]:::default' in mermaid
    assert 'step_1_["two  lines"]:::default' in mermaid
    assert "\r" not in mermaid
    assert ("step_1_", "-->", "step_3") in edges and ("step_1", "-->", "step_3") in edges
