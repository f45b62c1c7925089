"""Helpers shared by the command modules: global state and settings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from tasker_ctl.config import Settings, load_settings
from tasker_ctl.reporting.console import literal, stderr_console

QuietOption = Annotated[
    bool,
    typer.Option(
        "--quiet",
        "-q",
        help="Print nothing on success (errors still go to stderr); the exit code tells.",
    ),
]
"""``--quiet`` for CI, shared by the commands that offer it."""


@dataclass
class CliState:
    """Global options given before the command name."""

    config: Path | None = None


def settings_from(ctx: typer.Context) -> Settings:
    """Load the configuration for this invocation and print its warnings."""
    root = ctx.find_root()
    state = root.obj if isinstance(root.obj, CliState) else CliState()
    settings = load_settings(explicit=state.config)
    for warning in settings.warnings:
        warn(warning)
    return settings


def warn(message: str) -> None:
    """Print a warning line on stderr."""
    stderr_console().print(literal(("warning:", "yellow"), " ", message), soft_wrap=True)


def note(message: str) -> None:
    """Print an informational line on stderr."""
    stderr_console().print(literal(("note:", "dim"), " ", message), soft_wrap=True)
