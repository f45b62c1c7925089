r"""``tasker-ctl visualize``: a template's DAG as Mermaid, Markdown or Graphviz DOT text.

Mermaid follows the real tool's layout (``graph TD``, the eight ``classDef``
lines, one node per step in template order, edges sorted by (from, to)) with
three differences: labels are escaped (quotes, brackets, braces, ``<``, ``>``,
``#``, ``&`` and backticks become Mermaid entity codes, so any step name renders as
written: a leading backtick would otherwise open a Markdown string), node IDs are
sanitised (a name that is not an identifier, or is a Mermaid keyword such as
``end``, gets a unique ``step_N`` ID), and edges are typed: ``-.->|decides|``
from a decision step to the steps it may create, ``==>|batch|`` from a batchable
step to its worker template and from a worker template to its convergence step,
``-->`` otherwise.
Edges to steps that do not exist, and repeated dependencies, are left out.

Shapes by step type: standard ``["..."]`` / ``box``; decision ``{"..."}`` /
``diamond``; deferred convergence and batchable ``[/"..."/]`` /
``parallelogram``; batch worker ``[["..."]]`` / ``box3d``.

``edge_style="plain"`` draws every edge as upstream does: ``-->`` (DOT: no label),
and, with a run report, ``-.->`` where the target was not created or the source did
not complete (upstream's task view).

Markdown follows upstream's ``template visualize`` document: ``# <task name>``, the
Mermaid graph in a fenced block, then ``## Step Details``: one row per step in
topological order (roots sorted by name, then each step's newly ready dependents
sorted by name) with the columns Step, Type (``Standard``, ``Decision``,
``DeferredConvergence``, ``Batchable``, ``BatchWorker``), Handler, Dependencies (as
written), Schema Fields (``result_schema.properties`` keys, sorted) and Retry (``—``
for a non-retryable step or upstream's default of 3 exponential attempts, else e.g.
``5x linear``). Two differences: a step upstream leaves out of the table (one that
depends on a missing step, or sits on a cycle) is listed at the end in template
order, and a ``|`` inside a cell is escaped so the table keeps its columns.

Node colours use upstream's class names: ``annotated`` for ``--annotations`` (label
``name\n⚠ note``), and for ``--report`` (a ``run --format json`` report) the status
each step reached: ``completed``, ``error``, ``retrying`` (needed more than one
attempt, or waiting for a retry), ``untraversed`` (not created: a decision did not
choose it, or a batch made no workers), ``pending``/``in_progress`` (the run stopped
first). A batch-worker template takes the worst status of the workers made from it.

All formats are text a developer may print on a terminal: control characters
in names (an ESC, ``"\e"`` in YAML) are written as visible escapes
(:func:`~tasker_ctl.reporting.console.clean`), never raw.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from tasker_ctl.model.template import BackoffStrategy, StepType, TaskTemplate
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
    "`": "#96;",
    "&": "#38;",
    "\n": " ",
    "\r": " ",
}
_SAFE_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
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
        "interpolate",
        "_self",
        "_blank",
        "_parent",
        "_top",
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


def dot_id(name: str) -> str:
    r"""A step's DOT node ID: like :func:`escape_dot`, but one ID per name.

    Backslashes are doubled before control characters become visible escapes, so a
    name holding a CR and one holding the two characters ``\r`` stay two nodes.
    """
    return clean(name.replace("\\", "\\\\")).replace('"', '\\"').replace("\n", "\\n")


EdgeStyle = Literal["typed", "plain"]
EMPTY_CELL = "\u2014"
"""What upstream writes in an empty Step Details cell (an em dash)."""
TYPE_NAMES = {
    StepType.STANDARD: "Standard",
    StepType.DECISION: "Decision",
    StepType.DEFERRED_CONVERGENCE: "DeferredConvergence",
    StepType.BATCHABLE: "Batchable",
    StepType.BATCH_WORKER: "BatchWorker",
}


@dataclass(frozen=True)
class NodeStyle:
    """How one step is drawn: its class (colour) and extra label lines."""

    css_class: str = "default"
    notes: tuple[str, ...] = ()
    completed: bool = False
    """The step completed in the run (for upstream's solid/dashed edges)."""


@dataclass(frozen=True)
class Styling:
    """Node styles by step name, and whether they come from a run report."""

    nodes: Mapping[str, NodeStyle] = field(default_factory=dict)
    from_run: bool = False

    def of(self, name: str) -> NodeStyle:
        """The style of ``name`` (``default`` when none was given)."""
        return self.nodes.get(name, NodeStyle())


def _node_ids(template: TaskTemplate) -> dict[str, str]:
    """Unique Mermaid node IDs: the step name when it is a safe, non-keyword identifier."""
    names = {step.name for step in template.steps}
    ids: dict[str, str] = {}
    used: set[str] = set()
    for index, step in enumerate(template.steps):
        if step.name in ids:
            continue
        node_id = step.name
        if not _SAFE_ID.fullmatch(node_id) or node_id.lower() in _MERMAID_KEYWORDS:
            node_id = f"step_{index}"
            while node_id in used or node_id in names:
                node_id += "_"
        ids[step.name] = node_id
        used.add(node_id)
    return ids


def _unique_steps(template: TaskTemplate) -> list[Any]:
    seen: set[str] = set()
    steps = []
    for step in template.steps:
        if step.name not in seen:
            seen.add(step.name)
            steps.append(step)
    return steps


def _dashed(edge: Edge, styling: Styling) -> bool:
    """Upstream's task view: dashed when the target was not created or the source is not done."""
    if not styling.from_run:
        return False
    return (
        styling.of(edge.target).css_class == "untraversed" or not styling.of(edge.source).completed
    )


def _escape_note(note: str) -> str:
    """Like :func:`escape_mermaid`, but parentheses stay (they are safe inside quotes)."""
    return clean(
        "".join(char if char in "()" else _MERMAID_ENTITIES.get(char, char) for char in note)
    )


def render_mermaid(
    template: TaskTemplate,
    *,
    edge_style: EdgeStyle = "typed",
    styling: Styling | None = None,
) -> str:
    """The Mermaid flowchart."""
    styling = styling or Styling()
    ids = _node_ids(template)
    lines = ["graph TD"]
    lines += [f"    classDef {name} {style}" for name, style in CLASS_DEFS]
    lines.append("")
    for step in _unique_steps(template):
        style = styling.of(step.name)
        opening, closing = MERMAID_SHAPES[step.type]
        label = "\\n".join([escape_mermaid(step.name), *map(_escape_note, style.notes)])
        lines.append(f"    {ids[step.name]}{opening}{label}{closing}:::{style.css_class}")
    lines.append("")
    arrows = {"plain": "-->", "decision": "-.->|decides|", "batch": "==>|batch|"}
    for edge in edges(template):
        if edge_style == "plain":
            arrow = "-.->" if _dashed(edge, styling) else "-->"
        else:
            arrow = arrows[edge.kind]
        lines.append(f"    {ids[edge.source]} {arrow} {ids[edge.target]}")
    return "\n".join(lines) + "\n"


_CLASS_COLOURS = {
    name: dict(part.split(":", 1) for part in style.split(",")) for name, style in CLASS_DEFS
}


def _dot_node_style(style: NodeStyle) -> str:
    if style.css_class == "default":
        return ""
    colours = _CLASS_COLOURS[style.css_class]
    dashed = ",dashed" if "stroke-dasharray" in colours else ""
    return f', style="filled{dashed}", fillcolor="{colours["fill"]}", color="{colours["stroke"]}"'


def render_dot(
    template: TaskTemplate,
    *,
    edge_style: EdgeStyle = "typed",
    styling: Styling | None = None,
) -> str:
    """The Graphviz DOT digraph (run and annotation colours as fill and border)."""
    styling = styling or Styling()
    lines = [
        f'digraph "{escape_dot(template.name)}" {{',
        "    rankdir=TB;",
        '    node [fontname="Helvetica"];',
    ]
    for step in _unique_steps(template):
        style = styling.of(step.name)
        name = dot_id(step.name)
        label = "\\n".join(escape_dot(part) for part in (step.name, *style.notes))
        lines.append(
            f'    "{name}" [label="{label}", shape={DOT_SHAPES[step.type]}'
            f"{_dot_node_style(style)}];"
        )
    styles = {
        "plain": "",
        "decision": ' [style=dashed, label="decides"]',
        "batch": ' [style=bold, label="batch"]',
    }
    for edge in edges(template):
        if edge_style == "plain":
            attrs = " [style=dashed]" if _dashed(edge, styling) else ""
        else:
            attrs = styles[edge.kind]
        lines.append(f'    "{dot_id(edge.source)}" -> "{dot_id(edge.target)}"{attrs};')
    lines.append("}")
    return "\n".join(lines) + "\n"


def topological_order(template: TaskTemplate) -> list[str]:
    """Step names in upstream's table order; steps it would drop come last, in template order.

    Kahn's algorithm: the roots sorted by name, then, as each step is taken, the
    dependents it makes ready, sorted by name, join the end of the queue.
    """
    steps = _unique_steps(template)
    names = {step.name for step in steps}
    waiting: dict[str, int] = {}
    dependents: dict[str, list[str]] = {}
    for step in steps:
        deps = [dep for dep in step.dependencies if dep in names]
        waiting[step.name] = len(deps) + sum(dep not in names for dep in step.dependencies)
        for dep in deps:
            dependents.setdefault(dep, []).append(step.name)
    queue = sorted(name for name, count in waiting.items() if count == 0)
    order: list[str] = []
    while queue:
        name = queue.pop(0)
        order.append(name)
        ready = []
        for child in dependents.get(name, []):
            waiting[child] -= 1
            if waiting[child] == 0:
                ready.append(child)
        queue.extend(sorted(ready))
    placed = set(order)
    return order + [step.name for step in steps if step.name not in placed]


def _cell(value: str) -> str:
    """A Markdown table cell: one line, ``|`` escaped, control characters visible."""
    text = clean(value, one_line=True).replace("|", "\\|")
    return text or EMPTY_CELL


def _schema_fields(schema: Any) -> str:
    if not isinstance(schema, dict):
        return EMPTY_CELL
    properties = schema.get("properties")
    if not isinstance(properties, dict) or not properties:
        return EMPTY_CELL
    return ", ".join(sorted(str(key) for key in properties))


def _retry(step: Any) -> str:
    retry = step.retry
    if not retry.retryable:
        return EMPTY_CELL
    if retry.max_attempts == 3 and retry.backoff is BackoffStrategy.EXPONENTIAL:
        return EMPTY_CELL
    return f"{retry.max_attempts}x {retry.backoff.value}"


def step_details(template: TaskTemplate) -> str:
    """The Step Details table (Markdown), one row per step in topological order."""
    by_name = {step.name: step for step in _unique_steps(template)}
    lines = [
        "| Step | Type | Handler | Dependencies | Schema Fields | Retry |",
        "|------|------|---------|--------------|---------------|-------|",
    ]
    for name in topological_order(template):
        step = by_name[name]
        deps = ", ".join(step.dependencies) if step.dependencies else EMPTY_CELL
        cells = (
            step.name,
            TYPE_NAMES[step.type],
            step.handler.callable,
            deps,
            _schema_fields(step.result_schema),
            _retry(step),
        )
        lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def render_markdown(
    template: TaskTemplate,
    *,
    edge_style: EdgeStyle = "typed",
    styling: Styling | None = None,
) -> str:
    """Upstream's document: a title, the fenced Mermaid graph, then the Step Details."""
    graph = render_mermaid(template, edge_style=edge_style, styling=styling)
    title = clean(template.name, one_line=True)
    return f"# {title}\n\n```mermaid\n{graph}```\n\n## Step Details\n\n{step_details(template)}"


def annotation_styling(
    template: TaskTemplate, annotations: Mapping[str, str], base: Styling | None = None
) -> tuple[Styling, list[str]]:
    """Add ``⚠ note`` lines (class ``annotated`` unless a run gave one); warn on unknown steps."""
    base = base or Styling()
    names = {step.name for step in template.steps}
    nodes = dict(base.nodes)
    warnings = []
    for name, note in annotations.items():
        if name not in names:
            warnings.append(f"annotation for unknown step '{name}' is not shown")
            continue
        style = nodes.get(name)
        css = style.css_class if style is not None and base.from_run else "annotated"
        notes = (*(style.notes if style else ()), f"\u26a0 {note}")
        nodes[name] = NodeStyle(css, notes, style.completed if style else False)
    return Styling(nodes, base.from_run), warnings


class RunReportError(ValueError):
    """A run report that is not a ``tasker-ctl run --format json`` document (version 1)."""


_STATUS_CLASSES = {
    "complete": "completed",
    "resolved_manually": "completed",
    "error": "error",
    "cancelled": "error",
    "waiting_for_retry": "retrying",
    "pending": "pending",
    "in_progress": "in_progress",
    "enqueued": "in_progress",
    "enqueued_for_orchestration": "in_progress",
    "enqueued_as_error_for_orchestration": "retrying",
}
_SEVERITY = ("error", "retrying", "in_progress", "pending", "completed")


@dataclass(frozen=True)
class _Reached:
    name: str
    status: str
    attempts: int
    created_by: str | None


def _parse_report(report: object) -> tuple[list[_Reached], set[str]]:
    if not isinstance(report, dict):
        raise RunReportError("the run report must be a JSON object (tasker-ctl run --format json)")
    if report.get("version") != 1:
        raise RunReportError(
            f"unsupported run report version {report.get('version')!r}; expected 1"
        )
    steps = report.get("steps")
    not_created = report.get("not_created", [])
    if not isinstance(steps, list) or not isinstance(not_created, list):
        raise RunReportError("the run report needs a 'steps' list and a 'not_created' list")
    reached = []
    for index, entry in enumerate(steps):
        if not isinstance(entry, dict):
            raise RunReportError(f"steps[{index}] is not an object")
        name, status = entry.get("name"), entry.get("status")
        attempts, created_by = entry.get("attempts", 0), entry.get("created_by")
        if not isinstance(name, str) or not isinstance(status, str):
            raise RunReportError(f"steps[{index}] needs a string 'name' and 'status'")
        if not isinstance(attempts, int) or isinstance(attempts, bool):
            raise RunReportError(f"steps[{index}].attempts is not a whole number")
        if created_by is not None and not isinstance(created_by, str):
            raise RunReportError(f"steps[{index}].created_by is not a string")
        reached.append(_Reached(name, status, attempts, created_by))
    return reached, {str(name) for name in not_created}


def _style_of(step: _Reached) -> NodeStyle:
    css = _STATUS_CLASSES.get(step.status, "default")
    completed = css == "completed"
    if completed and step.attempts > 1:
        return NodeStyle("retrying", (f"(complete after {step.attempts} attempts)",), True)
    if css == "error":
        tries = "attempt" if step.attempts == 1 else "attempts"
        return NodeStyle("error", (f"(error after {step.attempts} {tries})",))
    if css in ("retrying", "pending", "in_progress", "default"):
        return NodeStyle(css, (f"({step.status.replace('_', ' ')})",))
    return NodeStyle(css, (), completed)


def _workers_style(workers: Sequence[_Reached]) -> NodeStyle:
    styles = [_style_of(worker) for worker in workers]
    worst = min(
        styles, key=lambda s: _SEVERITY.index(s.css_class) if s.css_class in _SEVERITY else 0
    )
    count = len(workers)
    notes = [f"{count} worker" + ("" if count == 1 else "s")]
    failed = sum(s.css_class == "error" for s in styles)
    retried = sum(w.attempts > 1 for w in workers)
    if failed:
        notes.append(f"{failed} failed")
    if retried:
        notes.append(f"{retried} retried")
    done = all(s.completed for s in styles)
    return NodeStyle(worst.css_class, (f"({', '.join(notes)})",), done)


def _batch_made_none(step: Any, by_name: Mapping[str, _Reached]) -> bool:
    """A worker template whose batchable step finished without making any worker."""
    return step.type is StepType.BATCH_WORKER and any(
        by_name[dep].status == "complete" for dep in step.dependencies if dep in by_name
    )


def report_styling(template: TaskTemplate, report: object) -> tuple[Styling, list[str]]:
    """Node styles for the status each step reached in a run report; and warnings."""
    reached, not_created = _parse_report(report)
    steps = _unique_steps(template)
    names = {step.name for step in steps}
    by_name = {entry.name: entry for entry in reached}
    workers: dict[str, list[_Reached]] = {}
    strangers: list[str] = []
    worker_templates = [s for s in steps if s.type is StepType.BATCH_WORKER]
    for entry in reached:
        if entry.name in names:
            continue
        owner = next(
            (
                w.name
                for w in worker_templates
                if entry.name.startswith(w.name + "_")
                and (entry.created_by is None or entry.created_by in w.dependencies)
            ),
            None,
        )
        if owner is None:
            strangers.append(entry.name)
        else:
            workers.setdefault(owner, []).append(entry)
    nodes: dict[str, NodeStyle] = {}
    for step in steps:
        if step.name in by_name:
            nodes[step.name] = _style_of(by_name[step.name])
        elif step.name in workers:
            nodes[step.name] = _workers_style(workers[step.name])
        elif step.name in not_created or _batch_made_none(step, by_name):
            nodes[step.name] = NodeStyle("untraversed", ("(not created)",))
        else:
            nodes[step.name] = NodeStyle("pending", ("(not reached)",))
    warnings = []
    if strangers:
        shown = ", ".join(strangers[:5]) + (", ..." if len(strangers) > 5 else "")
        count = f"{len(strangers)} step" + ("" if len(strangers) == 1 else "s")
        warnings.append(
            f"the run report has {count} this template does not define "
            f"({shown}); was it made from another template?"
        )
    return Styling(nodes, from_run=True), warnings
