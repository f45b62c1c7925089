"""A Typer-free ``tasker-ctl template list`` for its everyday forms.

Importing Typer (and the pydantic it parses options with) costs several times more
than listing the templates. :func:`try_fast_template_list` handles ``template list
[--language L | -l L] [--format text|json]`` with no global options and no
``TASKER_CTL_CONFIG``, and returns ``None`` for anything else (``--framework``,
``--remote``, ``--url``, ``--help``, ``--language=L``, unknown flags), so Typer stays
the single source of the full command line. It does what
:func:`tasker_ctl.cli.template_cmd.list_templates` does, in the same order, with the
same messages; ``tests/cli/test_help_fast.py`` compares the two paths' stdout,
stderr and exit codes.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Sequence

from tasker_ctl.errors import ExitCode, TaskerCtlError

_VALUE_FLAGS = {"--language": "language", "-l": "language", "--format": "format"}


def parse(args: Sequence[str]) -> dict[str, str] | None:
    """The options of ``template list ...``, or ``None`` when Typer must handle them."""
    if list(args[:2]) != ["template", "list"]:
        return None
    if "TASKER_CTL_CONFIG" in os.environ or "_TASKER_CTL_COMPLETE" in os.environ:
        return None
    values: dict[str, str] = {}
    rest = list(args[2:])
    while rest:
        flag = rest.pop(0)
        key = _VALUE_FLAGS.get(flag)
        if key is None or key in values or not rest or rest[0].startswith("-"):
            return None
        values[key] = rest.pop(0)
    if values.get("format", "text").lower() not in ("text", "json"):
        return None  # Typer's path words the error
    return values


def _line(label: str, style: str, message: str) -> None:
    from tasker_ctl.reporting.console import literal, stderr_console

    stderr_console().print(literal((label, style), " ", message), soft_wrap=True)


def try_fast_template_list(args: Sequence[str]) -> int | None:
    """List the templates and return the exit code, or ``None`` to let Typer do it."""
    values = parse(args)
    if values is None:
        return None
    try:
        return _list(values.get("language"), values.get("format", "text").lower())
    except TaskerCtlError as exc:
        from tasker_ctl.cli.boundary import report_error

        report_error(exc)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        return int(ExitCode.INTERRUPTED)


def _list(language: str | None, fmt: str) -> int:
    from tasker_ctl.config import load_settings
    from tasker_ctl.remotes.sources import plugin_search
    from tasker_ctl.reporting.scaffold import write_template_list
    from tasker_ctl.scaffold.catalog import build_catalog
    from tasker_ctl.suggest import did_you_mean

    settings = load_settings(explicit=None)
    for warning in settings.warnings:
        _line("warning:", "yellow", warning)
    search = plugin_search(
        settings.plugin_paths,
        settings.remotes,
        settings.cache_max_age_hours,
        remote_name=None,
        url=None,
    )
    for message in search.notes:
        _line("note:", "dim", message)
    for message in search.warnings:
        _line("warning:", "yellow", message)
    catalog = build_catalog(search.paths)
    for message in catalog.warnings:
        _line("warning:", "yellow", message)
    templates = catalog.filtered(language, None)
    if not templates and fmt == "text":
        close = did_you_mean(str(language).lower(), catalog.languages())
        message = f"no templates found for language '{language}'" + (f"; {close}" if close else "")
        _line("warning:", "yellow", message)
    write_template_list(sys.stdout, templates, as_json=fmt == "json", width=_width(), bold=_bold())
    return 0


def _width() -> int:
    """The terminal's width as Rich takes it: ``COLUMNS``, the terminal, else 80."""
    return shutil.get_terminal_size((80, 24)).columns


def _bold() -> bool:
    """Whether Rich would style stdout: a terminal (or FORCE_COLOR), and no NO_COLOR."""
    if os.environ.get("NO_COLOR", ""):
        return False
    return bool(os.environ.get("FORCE_COLOR", "")) or sys.stdout.isatty()
