"""``tasker-ctl schema``: print the task-template JSON Schema (for editors and CI)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tasker_ctl.cli.boundary import command_boundary
from tasker_ctl.errors import InputFileError

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schemas" / "task-template.json"


@command_boundary
def schema(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the schema to this file.")
    ] = None,
) -> int:
    """Print the JSON Schema of task-template YAML (accurate to the real loader)."""
    text = SCHEMA_FILE.read_text(encoding="utf-8")
    if output is None:
        typer.echo(text, nl=False)
        return 0
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputFileError(f"cannot write {output}: {exc.strerror or exc}") from exc
    return 0
