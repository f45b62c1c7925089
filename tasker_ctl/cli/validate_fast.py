"""A Typer-free entry for the common ``tasker-ctl validate`` invocations.

Importing Typer (and the pydantic it pulls in) costs about 250 ms, twice what
``yamllint`` needs to lint a file. :func:`try_fast_validate` handles
``validate PATH... [--format F] [--strict] [--no-handler-check] [--import]
[--handlers-root D]... [--handler-package P]... [--language L] [--output F]``
itself and returns ``None`` for anything else (``--help``, ``--list-rules``,
``--explain``, global options, unknown flags), so Typer stays the single
source of the full command line. Error handling mirrors
:func:`tasker_ctl.cli.boundary.command_boundary`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

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
}
_FLAGS = {
    "--strict": "strict",
    "--no-handler-check": "no_handler_check",
    "--import": "import_handlers",
}


def parse(args: Sequence[str]) -> dict[str, object] | None:
    """Parse ``validate`` arguments, or ``None`` when Typer must handle them."""
    values: dict[str, object] = {"paths": [], "handlers_roots": [], "handler_packages": []}
    items = list(args)
    index = 0
    while index < len(items):
        arg = items[index]
        if arg == "--":
            values["paths"].extend(items[index + 1 :])  # type: ignore[attr-defined]
            break
        name, has_value, inline = arg.partition("=")
        if name in _VALUE_OPTIONS:
            if not has_value:
                index += 1
                if index >= len(items):
                    return None
                inline = items[index]
            key = _VALUE_OPTIONS[name]
            if key in ("handlers_roots", "handler_packages"):
                values[key].append(inline)  # type: ignore[attr-defined]
            else:
                values[key] = inline
        elif arg in _FLAGS:
            values[_FLAGS[arg]] = True
        elif arg.startswith("-") and arg != "-":
            return None
        else:
            values["paths"].append(arg)  # type: ignore[attr-defined]
        index += 1
    return values


def try_fast_validate(argv: Sequence[str]) -> int | None:
    """Run ``validate`` without Typer; ``None`` means "not handled, use the Typer app"."""
    if not argv or argv[0] != "validate":
        return None
    values = parse(argv[1:])
    if values is None or not values["paths"]:
        return None
    try:
        return _run(values)
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


def _run(values: dict[str, object]) -> int:
    from tasker_ctl.cli.validate_core import ValidateRequest, run_validate
    from tasker_ctl.config import load_settings

    settings = load_settings()
    for warning in settings.warnings:
        sys.stderr.write(f"warning: {warning}\n")
    output = values.get("output")
    language = values.get("language")
    request = ValidateRequest(
        paths=tuple(Path(str(p)) for p in values["paths"]),  # type: ignore[attr-defined]
        output_format=str(values.get("output_format", "text")),
        strict=bool(values.get("strict", False)),
        handlers_roots=tuple(Path(str(p)) for p in values["handlers_roots"]),  # type: ignore[attr-defined]
        handler_packages=tuple(str(p) for p in values["handler_packages"]),  # type: ignore[attr-defined]
        no_handler_check=bool(values.get("no_handler_check", False)),
        import_handlers=bool(values.get("import_handlers", False)),
        language=str(language) if language is not None else None,
        output=Path(str(output)) if output is not None else None,
    )
    return run_validate(request, settings)


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
