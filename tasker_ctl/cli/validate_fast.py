"""A Typer-free entry for the common ``tasker-ctl validate`` invocations.

Importing Typer (and the pydantic it pulls in) costs about 250 ms, twice what
``yamllint`` needs to lint a file. :func:`try_fast_validate` handles
``validate PATH... [--format F] [--strict] [--no-handler-check] [--import]
[--handlers-root D]... [--handler-package P]... [--language L] [--output F]
[--exclude PATTERN]... [--no-respect-gitignore] [--watch] [--quiet]``
itself and returns ``None`` for anything else (``--help``, ``--list-rules``,
``--explain``, global options, unknown flags, no PATH at all), so Typer stays the single
source of the full command line. Error handling mirrors
:func:`tasker_ctl.cli.boundary.command_boundary`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from tasker_ctl.cli.validate_core import ValidateRequest
from tasker_ctl.errors import ExitCode, TaskerCtlError

_VALUE_OPTIONS = {
    "--format": "output_format",
    "-f": "output_format",
    "--handlers-root": "handlers_roots",
    "--handler-package": "handler_packages",
    "--language": "language",
    "-l": "language",
    "--output": "output",
    "-o": "output",
    "--exclude": "exclude",
}
_FLAGS = {
    "--strict": "strict",
    "--no-handler-check": "no_handler_check",
    "--import": "import_handlers",
    "--no-respect-gitignore": "no_respect_gitignore",
    "--watch": "watch",
    "--quiet": "quiet",
    "-q": "quiet",
}


def parse(args: Sequence[str]) -> ValidateRequest | None:
    """Parse ``validate`` arguments, or ``None`` when Typer must handle them."""
    paths: list[str] = []
    repeated: dict[str, list[str]] = {"handlers_roots": [], "handler_packages": [], "exclude": []}
    single: dict[str, str] = {}
    flags: set[str] = set()
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--":
            paths.extend(args[index + 1 :])
            break
        # like Click: only long options take an inline value (`-f=json` is Typer's to reject)
        name, has_value, value = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        if name in _VALUE_OPTIONS:
            if not has_value:
                index += 1
                if index >= len(args):
                    return None
                value = args[index]
            key = _VALUE_OPTIONS[name]
            if key in repeated:
                repeated[key].append(value)
            else:
                single[key] = value
        elif arg in _FLAGS:
            flags.add(_FLAGS[arg])
        elif arg.startswith("-") and arg != "-":
            return None
        else:
            paths.append(arg)
        index += 1
    if not paths:
        return None
    output = single.get("output")
    return ValidateRequest(
        paths=tuple(Path(p) for p in paths),
        output_format=single.get("output_format", "text"),
        strict="strict" in flags,
        handlers_roots=tuple(Path(p) for p in repeated["handlers_roots"]),
        handler_packages=tuple(repeated["handler_packages"]),
        no_handler_check="no_handler_check" in flags,
        import_handlers="import_handlers" in flags,
        language=single.get("language"),
        output=Path(output) if output is not None else None,
        exclude=tuple(repeated["exclude"]),
        respect_gitignore="no_respect_gitignore" not in flags,
        watch="watch" in flags,
        quiet="quiet" in flags,
    )


def try_fast_validate(argv: Sequence[str]) -> int | None:
    """Run ``validate`` without Typer; ``None`` means "not handled, use the Typer app"."""
    if not argv or argv[0] != "validate":
        return None
    request = parse(argv[1:])
    if request is None:
        return None
    try:
        from tasker_ctl.cli.validate_core import run_validate
        from tasker_ctl.config import load_settings

        settings = load_settings()
        for warning in settings.warnings:
            sys.stderr.write(f"warning: {warning}\n")
        return run_validate(request, settings)
    except TaskerCtlError as exc:
        _print_error(exc)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return int(ExitCode.INTERRUPTED)
    except Exception:
        import traceback

        sys.stderr.write(traceback.format_exc())
        sys.stderr.write(
            "internal error: this is a bug in tasker-ctl; please report it with the "
            "traceback above\n"
        )
        return int(ExitCode.INTERNAL)


def _print_error(exc: TaskerCtlError) -> None:
    sys.stderr.write(f"error: {exc}\n")
    if exc.hint:
        sys.stderr.write(f"hint: {exc.hint}\n")


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m tasker_ctl.cli.validate_fast validate ...`` (falls back to the full CLI)."""
    args = list(sys.argv[1:] if argv is None else argv)
    code = try_fast_validate(args)
    if code is None:
        from tasker_ctl.cli import main as full_main

        full_main(args)
        return
    raise SystemExit(code)


if __name__ == "__main__":
    main()
