"""`tasker-ctl visualize` on inputs nobody here chose: hostile step names, -o over an input.

Mermaid labels are checked by the rules of Mermaid's flowchart lexer (a quoted label
ends at the next ``"``; a label opening with a backtick is a Markdown string) and by
decoding its entity codes back to the name; DOT node IDs by Graphviz's rule for quoted
strings (only ``\\"`` is an escape), and by ``dot`` itself where it is installed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasker_ctl.model.template import TaskTemplate
from tasker_ctl.reporting.console import clean
from tasker_ctl.reporting.visualize import render_dot, render_mermaid
from tests.conftest import Invoke

HOSTILE = ["`x", "`**b**`", "a&lt;b", 'q"r', "c --> d", "p|q", "end", "a\rb", "a\\rb", "t\\"]
NODE = re.compile(r'^    (\w+)(\[\["|\[/"|\["|\{")(.*)("\]\]|"/\]|"\]|"\}):::\w+$', re.M)
DOT_NODE = re.compile(r'^    "((?:[^"\\]|\\.)*)" \[label=', re.M)
ENTITY = re.compile(r"#(quot|lt|gt|\d+);")
ONE_STEP = (
    "name: t\nnamespace_name: n\nversion: 1.0.0\nsteps:\n  - {name: a, handler: {callable: x.a}}\n"
)


def _chain(names: list[str]) -> TaskTemplate:
    steps = [
        {"name": name, "handler": {"callable": "x.y"}, "dependencies": names[:i][-1:]}
        for i, name in enumerate(names)
    ]
    return TaskTemplate.model_validate(
        {"name": "t", "namespace_name": "n", "version": "1.0.0", "steps": steps}
    )


def _decode(label: str) -> str:
    named = {"quot": '"', "lt": "<", "gt": ">"}
    return ENTITY.sub(lambda m: named.get(m[1]) or chr(int(m[1])), label)


def _mermaid_labels(text: str) -> dict[str, str]:
    return {m[1]: m[3] for m in NODE.finditer(text)}


def test_backticks_and_ampersands_render_as_written_in_mermaid(cli: Invoke, tmp_path: Path) -> None:
    # a label opening with a backtick was a Markdown string ("`x" broke the whole chart,
    # "`**b**`" drew a bold b); "&lt;" was drawn as "<"
    source = tmp_path / "t.yaml"
    source.write_text(
        "name: t\nnamespace_name: n\nversion: 1.0.0\nsteps:\n"
        "  - {name: '`x', handler: {callable: x.a}}\n"
        "  - {name: '`**b**`', handler: {callable: x.a}, dependencies: ['`x']}\n"
        "  - {name: 'a&lt;b', handler: {callable: x.a}, dependencies: ['`**b**`']}\n"
    )
    result = cli("visualize", str(source))
    assert result.exit_code == 0, result.output
    labels = list(_mermaid_labels(result.stdout).values())
    assert labels == ["#96;x", "#96;**b**#96;", "a#38;lt;b"]
    assert [_decode(label) for label in labels] == ["`x", "`**b**`", "a&lt;b"]


names = st.lists(
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=12)
    | st.sampled_from(HOSTILE),
    min_size=1,
    max_size=6,
    unique=True,
)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(names)
def test_any_step_names_give_one_lexable_mermaid_node_each(step_names: list[str]) -> None:
    text = render_mermaid(_chain(step_names))
    labels = _mermaid_labels(text)
    assert len(labels) == len(step_names)  # every node line parsed, none merged
    for name, label in zip(step_names, labels.values(), strict=True):
        assert '"' not in label and not label.startswith("`")
        assert all(ord(c) >= 32 or c == "\t" for c in label)
        # what Mermaid shows is the name (line breaks as spaces, controls made visible)
        shown = clean(name.replace("\n", " ").replace("\r", " "))
        assert _decode(label) == shown


def _dot_ids(text: str) -> list[str]:
    """The node IDs as Graphviz reads them (in a quoted string only \\" is an escape)."""
    return [m.replace('\\"', '"') for m in DOT_NODE.findall(text)]


@settings(max_examples=150, deadline=None, derandomize=True)
@given(names)
def test_distinct_step_names_stay_distinct_dot_nodes(step_names: list[str]) -> None:
    text = render_dot(_chain(step_names))
    ids = _dot_ids(text)
    assert len(ids) == len(step_names) == len(set(ids))
    assert all(ord(c) >= 32 or c == "\t" for line in text.splitlines() for c in line)
    edges = re.findall(r'^    "((?:[^"\\]|\\.)*)" -> "((?:[^"\\]|\\.)*)"', text, re.M)
    assert len(edges) == len(step_names) - 1


def test_a_cr_and_a_backslash_r_are_two_dot_nodes(cli: Invoke, tmp_path: Path) -> None:
    # both names were written as the ID "a\\rb": Graphviz drew one node with a self-loop
    source = tmp_path / "t.yaml"
    source.write_text(
        'name: t\nnamespace_name: n\nversion: 1.0.0\nsteps:\n  - name: "a\\rb"\n'
        '    handler: {callable: x.a}\n  - name: "a\\\\rb"\n    dependencies: ["a\\rb"]\n'
        "    handler: {callable: x.a}\n"
    )
    result = cli("visualize", str(source), "-f", "dot")
    assert result.exit_code == 0, result.output
    assert _dot_ids(result.stdout) == ["a\\rb", "a\\\\rb"]
    assert '    "a\\rb" -> "a\\\\rb";' in result.stdout
    dot = shutil.which("dot")
    if dot is not None:  # Graphviz reads it as two nodes and one edge
        plain = subprocess.run(
            [dot, "-Tplain"], input=result.stdout, capture_output=True, text=True, check=True
        ).stdout
        assert [line.split()[0] for line in plain.splitlines()].count("node") == 2


@pytest.mark.parametrize("which", ["template", "annotations", "report"])
def test_output_over_an_input_is_refused_and_the_input_kept(which: str, tmp_path: Path) -> None:
    template = tmp_path / "t.yaml"
    template.write_text(ONE_STEP)
    notes = tmp_path / "notes.yaml"
    notes.write_text("a: hello\n")
    report = tmp_path / "run.json"
    report.write_text('{"version": 1, "steps": [], "not_created": []}')
    target = {"template": template, "annotations": notes, "report": report}[which]
    before = target.read_bytes()
    link = tmp_path / "link"
    link.symlink_to(target)  # the same file under another name
    done = subprocess.run(
        [sys.executable, "-m", "tasker_ctl", "visualize", str(template), "-a", str(notes),
         "-r", str(report), "-o", str(link)],
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1", "RUST_LOG": "off"},
        timeout=60,
        check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"error: --output {link} is the ")
    assert "would replace it" in done.stderr and "hint: choose another --output" in done.stderr
    assert target.read_bytes() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", ":1:1: the annotations file is empty\n"),
        ("- a\n", ":1:1: the document is a sequence; annotations must be a mapping of step "),
        ("a: [1]\n", ":1:4: each annotation must be a step name and a one-line note\n"),
    ],
)
def test_bad_annotations_are_not_called_task_templates(
    content: str, message: str, cli: Invoke, tmp_path: Path
) -> None:
    # the loader's "a task template must be a mapping" blamed the wrong file, and the
    # file name was printed twice ("notes.yaml:1:1: notes.yaml: ...")
    template = tmp_path / "t.yaml"
    template.write_text(ONE_STEP)
    notes = tmp_path / "notes.yaml"
    notes.write_text(content)
    result = cli("visualize", str(template), "-a", str(notes))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {notes}{message}")
    assert "task template" not in result.stderr


@pytest.mark.parametrize("name", ["end\n", "load\n", "interpolate", "_self", "_blank", "_top"])
def test_names_mermaid_would_read_as_syntax_get_a_generated_id(name: str) -> None:
    # "end\n" (a YAML block scalar keeps the newline) passed the identifier check and
    # was written raw as the node ID, splitting the line; "interpolate" and the link
    # targets are tokens of Mermaid's lexer: each broke the whole chart
    text = render_mermaid(_chain(["a", name]))
    assert '    step_1["' in text
    assert "    a --> step_1\n" in text
    assert f"    {name.strip()} " not in text and f"{name.strip()}[" not in text
