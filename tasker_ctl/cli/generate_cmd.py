"""``tasker-ctl generate types``: typed models from a task template's schemas."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from tasker_ctl.cli.boundary import command_boundary
from tasker_ctl.errors import InputFileError, WriteRefusedError

app = typer.Typer(
    help="Generate typed code from a task template's schemas.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.command("types")
@command_boundary
def types(
    template: Annotated[
        Path, typer.Option("--template", "-t", help="Path to the task-template YAML file.")
    ],
    language: Annotated[
        str,
        typer.Option(
            "--language",
            "-l",
            help="Target language: python (py), ruby (rb), typescript (ts), rust (rs).",
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Output file path (default: stdout)."),
    ] = None,
    step: Annotated[
        str | None,
        typer.Option(
            "--step",
            "-s",
            help="Generate types for this step only (default: the input and every step "
            "with a result_schema).",
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Treat warnings (schema parts the target cannot express) as errors: "
            "exit 1 and write nothing.",
        ),
    ] = False,
) -> int:
    """Generate typed result models from input_schema and step result_schema definitions.

    Python gets pydantic models, Ruby Dry::Struct classes, TypeScript zod schemas
    with inferred types, Rust serde structs. Names follow upstream tasker-ctl:
    {Task}Input, {Namespace}{Step}Result, nested objects as parent + property.
    """
    from tasker_ctl.codegen import NothingToGenerateError, build_types, load_template, render
    from tasker_ctl.codegen import normalize_language as normalize
    from tasker_ctl.codegen.ir import format_path
    from tasker_ctl.reporting.console import clean

    target = normalize(language)
    if not template.exists():
        raise InputFileError(
            f"cannot read {template}: no such file", hint="check the --template path"
        )
    loaded = load_template(template)
    try:
        module = build_types(loaded.template, step)
    except NothingToGenerateError as exc:
        if step is not None:
            raise
        typer.echo(f"warning: {template}: {exc.message}; nothing generated", err=True)
        return 0
    for notice in module.notices:
        where = loaded.locate(notice.path)
        typer.echo(
            clean(f"warning: {where}: {notice.message} (at {format_path(notice.path)})"),
            err=True,
        )
    if strict and module.notices:
        typer.echo(
            f"error: {len(module.notices)} warning(s) with --strict; nothing generated",
            err=True,
        )
        return 1
    text = render(module, target)
    if output is None:
        typer.echo(text, nl=False)
        return 0
    _write_atomically(output, text)
    typer.echo(f"Generated {target} types written to {output}", err=True)
    return 0


def _write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file renamed into place: all or nothing."""
    if path.is_dir():
        raise WriteRefusedError(f"{path} is a directory", hint="pass a file path to --output")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise WriteRefusedError(
            f"cannot write {path}: {exc.strerror or exc}",
            hint="check the directory exists and is writable",
        ) from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        Path(temp).replace(path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise WriteRefusedError(
            f"cannot write {path}: {exc.strerror or exc}", hint="nothing was written"
        ) from exc
