"""``tasker-ctl validate PATH...``: lint task templates (and ``--list-rules``/``--explain``).

Options -> :class:`~tasker_ctl.validation.LintOptions` -> ``lint_paths`` -> one
reporter -> exit code (0 clean, 1 findings, 2 usage error). Heavy modules are
imported inside the function so ``tasker-ctl --help`` stays fast.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

import typer

from tasker_ctl.cli.boundary import command_boundary
from tasker_ctl.cli.common import settings_from
from tasker_ctl.errors import ExitCode, InputFileError, ParameterError
from tasker_ctl.reporting.console import stdout_console

FORMATS = ("text", "json", "github", "sarif")


@command_boundary
def validate(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Template files or directories (walked for *.yaml, *.yml)."),
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="text, json, github or sarif.")
    ] = "text",
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail too (exit 1).")] = False,
    handlers_root: Annotated[
        list[Path] | None,
        typer.Option("--handlers-root", help="Where handler sources live (repeatable)."),
    ] = None,
    handler_package: Annotated[
        list[str] | None,
        typer.Option("--handler-package", help="Python package to import with --import."),
    ] = None,
    no_handler_check: Annotated[
        bool, typer.Option("--no-handler-check", help="Do not resolve handler callables.")
    ] = False,
    import_handlers: Annotated[
        bool,
        typer.Option("--import", help="Resolve Python callables by importing them (tasker_core)."),
    ] = False,
    language: Annotated[
        str | None,
        typer.Option("--language", "-l", help="Handler language: python, ruby, typescript, rust."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report to this file.")
    ] = None,
    list_rules: Annotated[
        bool, typer.Option("--list-rules", help="List every rule and exit.")
    ] = False,
    explain: Annotated[
        str | None, typer.Option("--explain", help="Print a rule's documentation and exit.")
    ] = None,
) -> int:
    """Lint task-template YAML: structure, DAG semantics, runtime traps, handler callables."""
    from tasker_ctl.validation.rules import RULES

    if list_rules or explain:
        return _rule_docs(RULES, explain)
    fmt = output_format.lower()
    if fmt not in FORMATS:
        raise ParameterError(
            f"unknown --format '{output_format}'; choose one of: " + ", ".join(FORMATS)
        )
    if not paths:
        raise ParameterError("no PATH given", hint="tasker-ctl validate config/tasks")
    if language is not None:
        _check_language(language)
    from tasker_ctl.validation import LintOptions, lint_paths

    settings = settings_from(ctx)
    options = LintOptions(
        strict=strict,
        handler_check=not no_handler_check,
        handlers_roots=tuple(handlers_root or settings.handlers_roots),
        handler_packages=tuple(handler_package or settings.handler_packages),
        import_handlers=import_handlers,
        language=language,
        rule_settings=settings.lint,
    )
    report = lint_paths(paths, options)
    _emit(report, fmt, strict, output)
    return int(report.exit_code(strict=strict))


def _emit(report: object, fmt: str, strict: bool, output: Path | None) -> None:
    from tasker_ctl.validation import LintReport

    assert isinstance(report, LintReport)
    if fmt == "text" and output is None:
        from tasker_ctl.reporting.lint_text import print_report

        print_report(stdout_console(), report)
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
        from tasker_ctl.reporting.lint_text import print_report

        console = stdout_console()
        with console.capture() as capture:
            print_report(console, report)
        text = capture.get()
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputFileError(f"cannot write {output}: {exc.strerror or exc}") from exc


def _rule_docs(rules: Mapping[str, object], explain: str | None) -> int:
    from tasker_ctl.reporting.lint_text import print_rule_doc, print_rule_list
    from tasker_ctl.validation.rule import Rule

    console = stdout_console()
    if explain is None:
        print_rule_list(console, [r for r in rules.values() if isinstance(r, Rule)])
        return int(ExitCode.OK)
    rule = rules.get(explain.upper())
    if not isinstance(rule, Rule):
        close = difflib.get_close_matches(explain.upper(), list(rules), n=1)
        raise ParameterError(
            f"unknown rule '{explain}'" + (f" (did you mean '{close[0]}'?)" if close else ""),
            hint="tasker-ctl validate --list-rules",
        )
    print_rule_doc(console, rule)
    return int(ExitCode.OK)


def _check_language(language: str) -> None:
    from tasker_ctl.resolution import LANGUAGES, normalize_language

    if normalize_language(language) not in LANGUAGES:
        raise ParameterError(
            f"unknown --language '{language}'; choose one of: {', '.join(LANGUAGES)}"
        )
