"""``tasker-ctl visualize TEMPLATE``: the DAG as Mermaid, Markdown (upstream's document) or DOT.

``TEMPLATE`` may be ``-`` for standard input. ``--annotations`` adds notes to steps,
``--report`` colours each step by the status it reached in a ``run --format json``
report, ``-o`` writes the text to a file (all or nothing), ``--graph-only`` prints only
the Mermaid graph (upstream's meaning: no fences, no Step Details).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tasker_ctl.cli.boundary import command_boundary
from tasker_ctl.cli.common import warn
from tasker_ctl.errors import InputFileError, Location, ParameterError

if TYPE_CHECKING:
    from tasker_ctl.model.template import TaskTemplate

FORMATS = ("mermaid", "markdown", "dot")
EDGE_STYLES = ("typed", "plain")
STDIN = "-"


@command_boundary
def visualize(
    template: Annotated[
        str, typer.Argument(help="Task-template YAML file, or - to read it from stdin.")
    ],
    output_format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="mermaid (the graph), markdown (upstream's document: graph and Step "
            "Details table) or dot.",
            autocompletion=lambda: list(FORMATS),
        ),
    ] = "mermaid",
    edges: Annotated[
        str,
        typer.Option(
            "--edges",
            help="typed (decision and batch edges marked) or plain (upstream's arrows).",
            autocompletion=lambda: list(EDGE_STYLES),
        ),
    ] = "typed",
    annotations: Annotated[
        Path | None,
        typer.Option(
            "--annotations",
            "-a",
            help="YAML file of step_name: note pairs, shown on the nodes.",
            dir_okay=False,
        ),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(
            "--report",
            "-r",
            help="A run report (tasker-ctl run --format json): colour each step by the "
            "status it reached.",
            dir_okay=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write to this file instead of stdout.", dir_okay=False
        ),
    ] = None,
    graph_only: Annotated[
        bool,
        typer.Option("--graph-only", help="Only the Mermaid graph (no fences, no Step Details)."),
    ] = False,
) -> int:
    """Draw a template's steps and dependencies (Mermaid, Markdown with Step Details, or DOT)."""
    fmt = output_format.lower()
    if fmt not in FORMATS:
        raise ParameterError(
            f"unknown --format '{output_format}'; choose one of: {', '.join(FORMATS)}"
        )
    edge_style = edges.lower()
    if edge_style not in EDGE_STYLES:
        raise ParameterError(f"unknown --edges '{edges}'; choose typed or plain")
    if graph_only and fmt == "dot":
        raise ParameterError(
            "--graph-only prints the Mermaid graph and cannot be combined with --format dot"
        )
    if output is not None:
        _refuse_overwriting_an_input(output, template, annotations, report)
    from tasker_ctl.reporting import visualize as draw

    loaded = _load_template(template)
    styling: draw.Styling | None = None
    if report is not None:
        try:
            styling, warnings = draw.report_styling(loaded, _read_json(report))
        except draw.RunReportError as exc:
            raise InputFileError(
                f"{report}: {exc}",
                hint="pass the JSON written by `tasker-ctl run TEMPLATE --format json`",
            ) from None
        for message in warnings:
            warn(message)
    if annotations is not None:
        styling, warnings = draw.annotation_styling(loaded, _read_annotations(annotations), styling)
        for message in warnings:
            warn(message)
    style: draw.EdgeStyle = "plain" if edge_style == "plain" else "typed"
    if fmt == "dot":
        text = draw.render_dot(loaded, edge_style=style, styling=styling)
    elif fmt == "markdown" and not graph_only:
        text = draw.render_markdown(loaded, edge_style=style, styling=styling)
    else:
        text = draw.render_mermaid(loaded, edge_style=style, styling=styling)
    if output is None:
        sys.stdout.write(text)
    else:
        _write_all_or_nothing(output, text)
    return 0


def _refuse_overwriting_an_input(
    output: Path, template: str, annotations: Path | None, report: Path | None
) -> None:
    """``-o`` must not name a file the command reads (it would replace it with the picture)."""
    inputs = [
        ("the template", Path(template) if template != STDIN else None),
        ("the --annotations file", annotations),
        ("the --report file", report),
    ]
    for what, source in inputs:
        if source is None:
            continue
        try:
            same = source.samefile(output)
        except OSError:  # one of them does not exist (yet): they cannot be one file
            continue
        if same:
            raise ParameterError(
                f"--output {output} is {what} being read; writing the picture there "
                f"would replace it",
                hint="choose another --output file (e.g. with a .mmd, .md or .dot suffix)",
            )


def _load_template(argument: str) -> TaskTemplate:
    """Lint the template (without the handler check) and return its model."""
    from tasker_ctl.validation import load_template

    shown = "<stdin>" if argument == STDIN else argument
    with tempfile.TemporaryDirectory(prefix="tasker-ctl-visualize-") as scratch:
        path = Path(argument)
        if argument == STDIN:
            path = Path(scratch) / "stdin.yaml"
            path.write_bytes(sys.stdin.buffer.read())
        result = load_template(path)  # the loader run and validate use
    if result.template is None:
        first = result.errors[0]
        hint = (
            f"run `tasker-ctl validate {argument}` for every problem"
            if argument != STDIN
            else "save it to a file and run `tasker-ctl validate FILE` for every problem"
        )
        raise InputFileError(
            f"cannot draw {shown}: {first.message}",
            location=Location(Path(shown), first.location.line, first.location.column),
            hint=hint,
        )
    return result.template


def _read_bytes(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputFileError(f"{path}: no such file", hint=f"pass an existing {what}") from None
    except OSError as exc:
        raise InputFileError(f"cannot read {path}: {exc.strerror or exc}") from None


def _read_json(path: Path) -> Any:
    raw = _read_bytes(path, "run report")
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        column = getattr(exc, "colno", None)
        raise InputFileError(
            f"{path} is not JSON: {getattr(exc, 'msg', exc)}",
            location=Location(path, line, column),
            hint="pass the JSON written by `tasker-ctl run TEMPLATE --format json`",
        ) from None


def _read_annotations(path: Path) -> dict[str, str]:
    """``step: note`` pairs; any other shape is an error at its line and column."""
    from tasker_ctl.validation.yaml_source import Mapping, Scalar, parse_document

    document = parse_document(_read_bytes(path, "annotations file"))
    hint = "write one `step_name: note` pair per line"
    if document.root is None:
        problem = document.problem
        assert problem is not None
        message = problem.message
        if problem.rule_id == "NOT_A_MAPPING":  # the loader words these for templates
            message = (
                "the annotations file is empty"
                if message.startswith("file is empty")
                else f"{message.split(';')[0]}; annotations must be a mapping of step names "
                "to notes"
            )
        raise InputFileError(
            message,
            location=Location(path, problem.line, problem.column),
            hint=hint,
        )
    assert isinstance(document.root, Mapping)
    notes: dict[str, str] = {}
    for key, value in document.root.pairs:
        if not isinstance(key, Scalar) or not isinstance(value, Scalar):
            node = key if not isinstance(key, Scalar) else value
            raise InputFileError(
                "each annotation must be a step name and a one-line note",
                location=Location(path, node.line, node.column),
                hint=hint,
            )
        notes[key.value] = value.value
    return notes


def _write_all_or_nothing(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` all or nothing (its directory must exist)."""
    directory = path.parent if str(path.parent) else Path()
    if not directory.is_dir():
        raise InputFileError(
            f"cannot write {path}: {directory} is not a directory",
            hint="create the directory first or choose another --output",
        )
    from tasker_ctl.scaffold.writer import write_file

    write_file(path, text)  # as generate types -o: the umask's mode, links and FIFOs kept
