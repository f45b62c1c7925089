"""``tasker-ctl run TEMPLATE --context FILE``: execute a workflow in-process.

Options -> lint the template (errors stop here, exit 2: the template cannot be
run as given) -> load the context -> import the SDK and handler packages ->
:func:`~tasker_ctl.executor.run_workflow` -> one report (text or JSON) -> exit
code: 0 task complete, 1 task did not complete, 2 usage or input error,
130 / 143 / 129 interrupted by SIGINT / SIGTERM / SIGHUP (with a partial report).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated, Any

import typer

from tasker_ctl.cli.boundary import command_boundary
from tasker_ctl.cli.common import (
    HandlerPackageOption,
    HandlersRootOption,
    note,
    settings_from,
    warn,
)
from tasker_ctl.errors import (
    ExitCode,
    ParameterError,
    TemplateNotRunnableError,
)
from tasker_ctl.reporting.console import stderr_console

FORMATS = ("text", "json")


@command_boundary
def run(
    ctx: typer.Context,
    template: Annotated[Path, typer.Argument(help="The task template YAML to run.")],
    context: Annotated[
        str | None,
        typer.Option(
            "--context",
            "-c",
            help="Task context: a JSON or YAML (.yaml/.yml) file, '-' for stdin, or inline "
            "JSON such as '{\"order_id\": 42}' (default {}).",
        ),
    ] = None,
    overrides: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="Set one context field: key.path=value (value parsed as JSON, else a "
            "string; items[0].sku for list items). Repeatable.",
        ),
    ] = None,
    handlers_root: HandlersRootOption = None,
    handler_package: HandlerPackageOption = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="text (live view + summary) or json.")
    ] = "text",
    real_time: Annotated[
        bool,
        typer.Option("--real-time", help="Sleep through retry backoff instead of skipping it."),
    ] = False,
    concurrency: Annotated[
        int, typer.Option("--concurrency", "-j", help="Run up to N ready steps at once.")
    ] = 1,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="input_schema/result_schema mismatches are errors."),
    ] = False,
    events: Annotated[
        Path | None,
        typer.Option("--events", help="Append one JSON line per state change to this file."),
    ] = None,
    tracebacks: Annotated[
        bool,
        typer.Option(
            "--traceback",
            help="Print the full handler traceback of each failure (SDK frames folded).",
        ),
    ] = False,
    watch: Annotated[
        bool,
        typer.Option(
            "--watch",
            help="Run again whenever the template, the context file or a handler source "
            "changes (each run in a new process; Ctrl-C stops, exit 130).",
        ),
    ] = False,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet",
            "-q",
            help="Text output: no live view; the summary only when the task does not "
            "complete (the exit code tells).",
        ),
    ] = False,
    in_process: Annotated[
        bool,
        typer.Option(
            "--in-process",
            help="Call handlers in this process, to step through them in a debugger "
            "(no timeouts, no crash isolation: not for CI).",
        ),
    ] = False,
) -> int:
    """Run a workflow locally with the real Python SDK, as production would.

    Exit codes: 0 task complete, 1 task did not complete, 2 usage or input error
    (including a template with lint errors), 130 / 143 / 129 interrupted by Ctrl-C,
    SIGTERM or SIGHUP (with a partial report).
    """
    fmt = output_format.lower()
    if fmt not in FORMATS:
        raise ParameterError(
            f"unknown --format '{output_format}'; choose one of: {', '.join(FORMATS)}"
        )
    if concurrency < 1:
        raise ParameterError("--concurrency must be at least 1")
    settings = settings_from(ctx)
    if watch:
        import sys

        from tasker_ctl.cli.watch import run_watch_paths, watch_command

        if not template.is_file():
            _lint(template, settings.lint, quiet=True)  # the missing-file error

        paths = run_watch_paths(
            template,
            context,
            [*(handlers_root or ()), *settings.handlers_roots],
            [*(handler_package or ()), *settings.handler_packages],
        )
        return watch_command(sys.argv[1:], "run", paths)
    from tasker_ctl.executor.capacity import max_workers

    if concurrency > max_workers():
        warn(
            f"--concurrency {concurrency} is more worker processes than this machine can take; "
            f"capped at {max_workers()} (4 per CPU core, at most 64)"
        )
        concurrency = max_workers()
    from tasker_ctl.executor import RunOptions, open_handlers, run_workflow

    if not template.is_file():
        _lint(template, settings.lint, quiet=True)  # the missing-file error, before any worker
    # a bad context or --set is an input error before any worker starts
    task_context = load_context(context, overrides or ())
    # the worker imports the SDK and the handlers while this process lints the template
    handlers = open_handlers(
        None,
        template_path=template,
        roots=[*(handlers_root or ()), *settings.handlers_roots],
        packages=[*(handler_package or ()), *settings.handler_packages],
        in_process=in_process,
        wait=False,
    )
    log = None
    try:
        with handlers as workers:
            parsed = _lint(template, settings.lint, quiet=fmt == "json" or quiet)

            from rich.console import Console

            from tasker_ctl.reporting.run_events import EventLog
            from tasker_ctl.reporting.run_json import write_run_json
            from tasker_ctl.reporting.run_stdout import report_stream
            from tasker_ctl.reporting.run_text import LiveView, print_run_summary

            options = RunOptions(concurrency=concurrency, real_time=real_time, strict=strict)
            log = EventLog(events) if events is not None else None
            with report_stream() as out:
                console = Console(file=out, highlight=False)
                shown = fmt == "text" and not quiet
                view = LiveView(console, tracebacks=tracebacks) if shown else None
                observers = [o for o in (log, view) if o is not None]
                with view or nullcontext():
                    result = run_workflow(
                        parsed, task_context, workers, options=options, observers=observers
                    )
                if fmt == "json":
                    write_run_json(result, out)
                elif view is not None or not (result.complete or result.interrupted):
                    print_run_summary(console, result, tracebacks=tracebacks)
    finally:
        if log is not None:
            log.close()
            if log.failure is not None:
                warn(f"the event log is incomplete: {log.failure}")
    if result.interrupted:
        return int(ExitCode.for_signal(result.interrupted_by))
    return int(ExitCode.OK if result.complete else ExitCode.FINDINGS)


def _lint(path: Path, rule_settings: Any, *, quiet: bool) -> Any:
    """Lint ``path``; print and refuse on errors; return the typed template.

    Raises:
        InputFileError: ``path`` is missing or not a file (from the loader).
        TemplateNotRunnableError: The template has lint errors.
    """
    from tasker_ctl.reporting.console import literal
    from tasker_ctl.validation import load_template

    result = load_template(path, rule_settings)  # the loader validate and visualize use
    errors = result.errors
    if errors or result.template is None:
        console = stderr_console()
        for diagnostic in errors:
            console.print(
                literal(
                    f"{diagnostic.location}: ",
                    ("error", "red"),
                    f" {diagnostic.message} ",
                    (f"({diagnostic.rule_id})", "dim"),
                    one_line=True,
                ),
                soft_wrap=True,
            )
        raise TemplateNotRunnableError(
            f"{path}: {len(errors) or 'the'} lint error{'s' if len(errors) != 1 else ''} "
            "stop the run (the real system would reject or mis-run this template)",
            hint=f"fix them first; see: tasker-ctl validate {path}",
        )
    warnings = result.warnings
    if warnings and not quiet:
        note(f"validate reports {len(warnings)} warning(s) for {path} (tasker-ctl validate {path})")
    return result.template


def load_context(spec: str | Path | None, overrides: Sequence[str] = ()) -> dict[str, Any]:
    """Read the task context as production parses it (:mod:`tasker_ctl.context_file`).

    ``spec`` is a JSON or YAML file, ``-`` (stdin) or inline JSON; ``overrides`` are
    ``--set key.path=value`` strings. Parity notes (integers that production turns
    into floats) are printed as warnings.

    Raises:
        InputFileError: The source is missing, not a regular file, too large, or
            not a JSON object as serde_json reads it; an override is malformed.
    """
    from tasker_ctl.context_file import read_context

    return read_context(None if spec is None else str(spec), overrides, on_warning=warn)
