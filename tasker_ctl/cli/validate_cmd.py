"""``tasker-ctl validate [PATH...]``: lint task templates (and ``--list-rules``/``--explain``).

Options -> :class:`~tasker_ctl.validation.LintOptions` -> ``lint_paths`` -> one
reporter -> exit code (0 clean, 1 findings, 2 usage error). Heavy modules are
imported inside the function so ``tasker-ctl --help`` stays fast.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

import typer

from tasker_ctl.cli.boundary import command_boundary
from tasker_ctl.cli.common import settings_from
from tasker_ctl.errors import ExitCode, ParameterError
from tasker_ctl.suggest import did_you_mean


@command_boundary
def validate(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Template files or directories (walked for *.yaml, *.yml that look like "
            "task templates); default: the configured template-paths (config/tasks)."
        ),
    ] = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option(
            "--exclude",
            help="Skip files and directories matching this gitignore-style glob when walking "
            "(repeatable; added to the configured exclude).",
        ),
    ] = None,
    no_respect_gitignore: Annotated[
        bool,
        typer.Option("--no-respect-gitignore", help="Also walk files that git ignores."),
    ] = False,
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
    watch: Annotated[
        bool,
        typer.Option(
            "--watch",
            help="Lint again whenever a template (or handler source) changes; Ctrl-C stops "
            "(exit 130).",
        ),
    ] = False,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet",
            "-q",
            help="Text output: only what fails the lint (errors; warnings too with --strict), "
            "and nothing when it passes.",
        ),
    ] = False,
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
    from tasker_ctl.cli.validate_core import ValidateRequest, run_validate

    request = ValidateRequest(
        paths=tuple(paths or ()),
        output_format=output_format,
        strict=strict,
        handlers_roots=tuple(handlers_root or ()),
        handler_packages=tuple(handler_package or ()),
        no_handler_check=no_handler_check,
        import_handlers=import_handlers,
        language=language,
        output=output,
        exclude=tuple(exclude or ()),
        respect_gitignore=not no_respect_gitignore,
        watch=watch,
        quiet=quiet,
    )
    return run_validate(request, settings_from(ctx))


def _rule_docs(rules: Mapping[str, object], explain: str | None) -> int:
    from tasker_ctl.reporting.lint_text import rule_doc_lines, rule_list_lines, write_lines
    from tasker_ctl.validation.rule import Rule

    if explain is None:
        write_lines(rule_list_lines([r for r in rules.values() if isinstance(r, Rule)]))
        return int(ExitCode.OK)
    rule = rules.get(explain.upper())
    if not isinstance(rule, Rule):
        suggestion = did_you_mean(explain.upper(), rules)
        raise ParameterError(
            f"unknown rule '{explain}'" + (f" ({suggestion})" if suggestion else ""),
            hint="tasker-ctl validate --list-rules",
        )
    write_lines(rule_doc_lines(rule))
    return int(ExitCode.OK)
