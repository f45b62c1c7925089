"""What ``tasker-ctl validate`` does, without Typer: options -> lint -> one reporter -> exit code.

Shared by the Typer command (:mod:`tasker_ctl.cli.validate_cmd`) and the fast
entry (:mod:`tasker_ctl.cli.validate_fast`), which skips Typer's ~250 ms of
imports for the common invocations so that linting one file costs about as
much as ``yamllint`` on it.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from tasker_ctl.config import Settings
from tasker_ctl.errors import ConfigError, InputFileError, ParameterError

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


def run_validate(request: ValidateRequest, settings: Settings) -> int:
    """Lint the paths, print or write the report, return the exit code."""
    fmt = request.output_format.lower()
    if fmt not in FORMATS:
        raise ParameterError(
            f"unknown --format '{request.output_format}'; choose one of: " + ", ".join(FORMATS)
        )
    if not request.paths:
        raise ParameterError("no PATH given", hint="tasker-ctl validate config/tasks")
    if request.language is not None:
        from tasker_ctl.resolution import LANGUAGES, normalize_language

        if normalize_language(request.language) not in LANGUAGES:
            raise ParameterError(
                f"unknown --language '{request.language}'; choose one of: " + ", ".join(LANGUAGES)
            )
    from tasker_ctl.validation import LintOptions, lint_paths

    options = LintOptions(
        strict=request.strict,
        handler_check=not request.no_handler_check,
        handlers_roots=_handlers_roots(request, settings),
        handler_packages=request.handler_packages or settings.handler_packages,
        import_handlers=request.import_handlers,
        language=request.language,
        rule_settings=settings.lint,
    )
    report = lint_paths(request.paths, options)
    if not report.files:
        # A CI lint step pointed at the wrong directory should not pass silently.
        listed = ", ".join(str(p) for p in request.paths)
        sys.stderr.write(f"warning: no task templates (*.yaml, *.yml) found in {listed}\n")
    emit(report, fmt, request.strict, request.output)
    return int(report.exit_code(strict=request.strict))


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


def emit(report: object, fmt: str, strict: bool, output: Path | None) -> None:
    """Render ``report`` in ``fmt`` to stdout or to ``output``."""
    from tasker_ctl.validation import LintReport

    assert isinstance(report, LintReport)
    if fmt == "text" and output is None:
        from tasker_ctl.reporting.lint_text import report_lines, write_lines

        write_lines(report_lines(report))
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
        from tasker_ctl.reporting.lint_text import render_plain, report_lines

        text = render_plain(report_lines(report))
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputFileError(f"cannot write {output}: {exc.strerror or exc}") from exc
