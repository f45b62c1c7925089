"""What ``tasker-ctl validate`` does, without Typer: options -> lint -> one reporter -> exit code.

Shared by the Typer command (:mod:`tasker_ctl.cli.validate_cmd`) and the fast
entry (:mod:`tasker_ctl.cli.validate_fast`), which skips Typer's ~250 ms of
imports for the common invocations so that linting one file costs about as
much as ``yamllint`` on it.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tasker_ctl.config import Settings
from tasker_ctl.errors import ConfigError, InputFileError, Location, ParameterError

if TYPE_CHECKING:
    from tasker_ctl.validation.files import ExcludePattern

FORMATS = ("text", "json", "github", "sarif")


@dataclass(frozen=True)
class ValidateRequest:
    """The ``validate`` command line, parsed."""

    paths: tuple[Path, ...]
    output_format: str = "text"
    strict: bool = False
    handlers_roots: tuple[Path, ...] = ()
    handler_packages: tuple[str, ...] = ()
    no_handler_check: bool = False
    import_handlers: bool = False
    language: str | None = None
    output: Path | None = None
    exclude: tuple[str, ...] = ()
    """``--exclude`` patterns, added to the configured ones (relative to the working directory)."""
    respect_gitignore: bool = True


def run_validate(request: ValidateRequest, settings: Settings) -> int:
    """Lint the paths, print or write the report, return the exit code."""
    fmt = request.output_format.lower()
    if fmt not in FORMATS:
        raise ParameterError(
            f"unknown --format '{request.output_format}'; choose one of: " + ", ".join(FORMATS)
        )
    paths = request.paths or _template_paths(settings)
    if request.language is not None:
        from tasker_ctl.resolution import LANGUAGES, normalize_language

        if normalize_language(request.language) not in LANGUAGES:
            raise ParameterError(
                f"unknown --language '{request.language}'; choose one of: " + ", ".join(LANGUAGES)
            )
    from tasker_ctl.validation import LintOptions
    from tasker_ctl.validation.files import discover, lint_discovered

    discovery = discover(
        paths,
        _excludes(request, settings),
        respect_gitignore=request.respect_gitignore and settings.respect_gitignore,
    )

    options = LintOptions(
        strict=request.strict,
        handler_check=not request.no_handler_check,
        handlers_roots=_handlers_roots(request, settings),
        handler_packages=request.handler_packages or settings.handler_packages,
        import_handlers=request.import_handlers,
        language=request.language,
        rule_settings=settings.lint,
    )
    report = lint_discovered(discovery, options)
    skipped = len(discovery.skipped)
    if not report.files:
        # A CI lint step pointed at the wrong directory should not pass silently.
        listed = ", ".join(str(p) for p in paths)
        also = f" ({_skipped_text(skipped)})" if skipped else ""
        sys.stderr.write(f"warning: no task templates (*.yaml, *.yml) found in {listed}{also}\n")
    emit(report, fmt, request.strict, request.output, skipped=skipped)
    return int(report.exit_code(strict=request.strict))


def _skipped_text(count: int) -> str:
    noun = "file" if count == 1 else "files"
    return f"{count} YAML {noun} skipped: not task templates"


def _template_paths(settings: Settings) -> tuple[Path, ...]:
    """``validate`` with no PATH: the configured (or default) template paths that exist."""
    found = tuple(_relative(p) for p in settings.template_paths if p.exists())
    if found:
        return found
    looked = ", ".join(str(p) for p in settings.template_paths) or "config/tasks"
    raise ParameterError(
        f"no PATH given and no template directory found (looked for {looked})",
        hint="pass template files or directories (tasker-ctl validate config/tasks), "
        "or set template-paths in .tasker-ctl.toml",
    )


def _relative(path: Path) -> Path:
    """``path`` relative to the working directory when that is shorter to read."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return path
    return Path(relative) if len(relative) < len(str(path)) else path


def _excludes(request: ValidateRequest, settings: Settings) -> tuple[ExcludePattern, ...]:
    from tasker_ctl.validation.files import compile_patterns

    base = settings.exclude_base or settings.project_root or Path.cwd()
    try:
        configured = compile_patterns(settings.exclude, base)
    except ValueError as exc:
        where = Location(settings.source) if settings.source else None
        raise ConfigError(str(exc), location=where, hint="fix exclude/extend-exclude") from exc
    try:
        given = compile_patterns(request.exclude, Path.cwd())
    except ValueError as exc:
        raise ParameterError(f"--exclude: {exc}") from exc
    return (*configured, *given)


def _handlers_roots(request: ValidateRequest, settings: Settings) -> tuple[Path, ...]:
    """The roots to scan; a root that is not a directory would silently check nothing."""
    if request.handlers_roots:
        for root in request.handlers_roots:
            if not root.is_dir():
                raise ParameterError(
                    f"--handlers-root {root} is not a directory",
                    hint="point --handlers-root at the directory that holds the handler sources",
                )
        return request.handlers_roots
    for root in settings.handlers_roots:
        if not root.is_dir():
            raise ConfigError(
                f"handlers-root {root} is not a directory (set in the configuration file)",
                hint="fix handlers-root in .tasker-ctl.toml, or pass --handlers-root",
            )
    return settings.handlers_roots


def emit(report: object, fmt: str, strict: bool, output: Path | None, *, skipped: int = 0) -> None:
    """Render ``report`` in ``fmt`` to stdout or to ``output``.

    In the text format the summary line also says how many YAML files found by
    walking were skipped as not task templates.
    """
    from tasker_ctl.validation import LintReport

    assert isinstance(report, LintReport)
    if fmt == "text" and output is None:
        from tasker_ctl.reporting.lint_text import write_lines

        write_lines(iter(_text_lines(report, skipped)))
        return
    if fmt == "json":
        from tasker_ctl.reporting.lint_json import render_json

        text = render_json(report, strict=strict)
    elif fmt == "github":
        from tasker_ctl.reporting.lint_github import render_github

        text = render_github(report)
    elif fmt == "sarif":
        from tasker_ctl.reporting.lint_sarif import render_sarif

        text = render_sarif(report)
    else:
        from tasker_ctl.reporting.lint_text import render_plain

        text = render_plain(iter(_text_lines(report, skipped)))
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputFileError(f"cannot write {output}: {exc.strerror or exc}") from exc


def _text_lines(report: object, skipped: int) -> list[list[tuple[str, str]]]:
    from tasker_ctl.reporting.lint_text import report_lines
    from tasker_ctl.validation import LintReport

    assert isinstance(report, LintReport)
    lines = list(report_lines(report))
    if skipped and lines:
        lines[-1] = [*lines[-1], (f" ({_skipped_text(skipped)})", "dim")]
    return lines
