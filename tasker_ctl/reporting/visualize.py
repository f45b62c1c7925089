r"""``tasker-ctl visualize``: a template's DAG as Mermaid or Graphviz DOT text.

Mermaid follows the real tool's layout (``graph TD``, the eight ``classDef``
lines, one node per step in template order, edges sorted by (from, to)) with
three differences: labels are escaped (quotes, brackets, braces, ``<``, ``>``,
``#`` become Mermaid entity codes, so any step name renders), node IDs are
sanitised (a name that is not an identifier, or is a Mermaid keyword such as
``end``, gets a unique ``step_N`` ID), and edges are typed: ``-.->|decides|``
from a decision step to the steps it may create, ``==>|batch|`` from a batchable
step to its worker template and from a worker template to its convergence step,
``-->`` otherwise.
Edges to steps that do not exist, and repeated dependencies, are left out.

Shapes by step type: standard ``["..."]`` / ``box``; decision ``{"..."}`` /
``diamond``; deferred convergence and batchable ``[/"..."/]`` /
``parallelogram``; batch worker ``[["..."]]`` / ``box3d``.

Both formats are text a developer may print on a terminal: control characters
in names (an ESC, ``"\e"`` in YAML) are written as visible escapes
(:func:`~tasker_ctl.reporting.console.clean`), never raw.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tasker_ctl.model.template import StepType, TaskTemplate
from tasker_ctl.reporting.console import clean

CLASS_DEFS = (
    ("completed", "fill:#d4edda,stroke:#28a745"),
    ("in_progress", "fill:#cce5ff,stroke:#007bff"),
    ("pending", "fill:#e2e3e5,stroke:#6c757d"),
    ("error", "fill:#f8d7da,stroke:#dc3545"),
    ("retrying", "fill:#fff3cd,stroke:#ffc107"),
    ("annotated", "fill:#fff3cd,stroke:#ffc107"),
    ("untraversed", "fill:#f8f9fa,stroke:#dee2e6,stroke-dasharray:5"),
    ("default", "fill:#ffffff,stroke:#333333"),
)
MERMAID_SHAPES = {
    StepType.STANDARD: ('["', '"]'),
    StepType.DECISION: ('{"', '"}'),
    StepType.DEFERRED_CONVERGENCE: ('[/"', '"/]'),
    StepType.BATCHABLE: ('[/"', '"/]'),
    StepType.BATCH_WORKER: ('[["', '"]]'),
}
DOT_SHAPES = {
    StepType.STANDARD: "box",
    StepType.DECISION: "diamond",
    StepType.DEFERRED_CONVERGENCE: "parallelogram",
    StepType.BATCHABLE: "parallelogram",
    StepType.BATCH_WORKER: "box3d",
}
_MERMAID_ENTITIES = {
    '"': "#quot;",
    "#": "#35;",
    "[": "#91;",
    "]": "#93;",
    "{": "#123;",
    "}": "#125;",
    "<": "#lt;",
    ">": "#gt;",
    "|": "#124;",
    "(": "#40;",
    ")": "#41;",
    "\n": " ",
    "\r": " ",
}
_SAFE_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_MERMAID_KEYWORDS = frozenset(
    {
        "end",
        "graph",
        "flowchart",
        "subgraph",
        "direction",
        "style",
        "classdef",
        "class",
        "click",
        "linkstyle",
        "default",
        "call",
        "href",
    }
)
"""Words that Mermaid parses as syntax: a node called ``end`` breaks the whole chart."""


@dataclass(frozen=True)
class Edge:
    """A dependency edge ``source -> target`` and how it is created."""

    source: str
    target: str
    kind: str
    """``plain``, ``decision`` or ``batch``."""


def edges(template: TaskTemplate) -> list[Edge]:
    """Every edge between existing steps, once, sorted by (source, target)."""
    types = {s.name: s.type for s in template.steps}
    found: dict[tuple[str, str], Edge] = {}
    for step in template.steps:
        for dep in step.dependencies:
            if dep not in types or (dep, step.name) in found:
                continue
            kind = "plain"
            if types[dep] is StepType.DECISION:
                kind = "decision"
            elif (types[dep] is StepType.BATCHABLE and step.type is StepType.BATCH_WORKER) or (
                types[dep] is StepType.BATCH_WORKER
            ):
                kind = "batch"
            found[(dep, step.name)] = Edge(dep, step.name, kind)
    return [found[key] for key in sorted(found)]


def escape_mermaid(label: str) -> str:
    """Make a label safe inside a quoted Mermaid node label (and on a terminal)."""
    return clean("".join(_MERMAID_ENTITIES.get(char, char) for char in label))


def escape_dot(label: str) -> str:
    """Make a label safe inside a double-quoted DOT string (and on a terminal)."""
    return clean(label).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _node_ids(template: TaskTemplate) -> dict[str, str]:
    """Unique Mermaid node IDs: the step name when it is a safe, non-keyword identifier."""
    names = {step.name for step in template.steps}
    ids: dict[str, str] = {}
    used: set[str] = set()
    for index, step in enumerate(template.steps):
        if step.name in ids:
            continue
        node_id = step.name
        if not _SAFE_ID.match(node_id) or node_id.lower() in _MERMAID_KEYWORDS:
            node_id = f"step_{index}"
            while node_id in used or node_id in names:
                node_id += "_"
        ids[step.name] = node_id
        used.add(node_id)
    return ids


def render_mermaid(template: TaskTemplate) -> str:
    """The Mermaid flowchart."""
    ids = _node_ids(template)
    lines = ["graph TD"]
    lines += [f"    classDef {name} {style}" for name, style in CLASS_DEFS]
    lines.append("")
    seen: set[str] = set()
    for step in template.steps:
        if step.name in seen:
            continue
        seen.add(step.name)
        opening, closing = MERMAID_SHAPES[step.type]
        lines.append(f"    {ids[step.name]}{opening}{escape_mermaid(step.name)}{closing}:::default")
    lines.append("")
    arrows = {"plain": "-->", "decision": "-.->|decides|", "batch": "==>|batch|"}
    for edge in edges(template):
        lines.append(f"    {ids[edge.source]} {arrows[edge.kind]} {ids[edge.target]}")
    return "\n".join(lines) + "\n"


def render_dot(template: TaskTemplate) -> str:
    """The Graphviz DOT digraph."""
    lines = [
        f'digraph "{escape_dot(template.name)}" {{',
        "    rankdir=TB;",
        '    node [fontname="Helvetica"];',
    ]
    seen: set[str] = set()
    for step in template.steps:
        if step.name in seen:
            continue
        seen.add(step.name)
        name = escape_dot(step.name)
        lines.append(f'    "{name}" [label="{name}", shape={DOT_SHAPES[step.type]}];')
    styles = {
        "plain": "",
        "decision": ' [style=dashed, label="decides"]',
        "batch": ' [style=bold, label="batch"]',
    }
    for edge in edges(template):
        lines.append(
            f'    "{escape_dot(edge.source)}" -> "{escape_dot(edge.target)}"{styles[edge.kind]};'
        )
    lines.append("}")
    return "\n".join(lines) + "\n"
