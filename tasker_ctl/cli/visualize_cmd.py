"""``tasker-ctl visualize TEMPLATE``: print the DAG as Mermaid or DOT."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tasker_ctl.cli.boundary import command_boundary
from tasker_ctl.errors import InputFileError, Location, ParameterError

FORMATS = ("mermaid", "dot")


@command_boundary
def visualize(
    template: Annotated[Path, typer.Argument(help="Task-template YAML file.")],
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="mermaid or dot.")
    ] = "mermaid",
) -> int:
    """Draw a template's steps and dependencies (Mermaid flowchart or Graphviz DOT)."""
    fmt = output_format.lower()
    if fmt not in FORMATS:
        raise ParameterError(f"unknown --format '{output_format}'; choose mermaid or dot")
    from tasker_ctl.reporting.visualize import render_dot, render_mermaid
    from tasker_ctl.validation import LintOptions, Severity, lint_file

    result = lint_file(template, LintOptions(handler_check=False))
    loaded = result.template
    if loaded is None:
        first = next(d for d in result.diagnostics if d.severity is Severity.ERROR)
        raise InputFileError(
            f"cannot draw {template}: {first.message}",
            location=Location(template, first.location.line, first.location.column),
            hint=f"run `tasker-ctl validate {template}` for every problem",
        )
    typer.echo(render_mermaid(loaded) if fmt == "mermaid" else render_dot(loaded), nl=False)
    return 0
