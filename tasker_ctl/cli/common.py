"""Helpers shared by the command modules: global state, settings, the root command group."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Annotated, Any, get_args, get_origin

import typer
from typer.core import TyperGroup

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

HandlersRootOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--handlers-root",
        help="Directory to put on sys.path (repeatable; default: found next to the template).",
    ),
]
"""Where a local run finds handler sources (``run``, ``task compare``)."""
HandlerPackageOption = Annotated[
    list[str] | None,
    typer.Option("--handler-package", help="Handler package to import and scan (repeatable)."),
]
"""Which handler packages a local run imports (``run``, ``task compare``)."""


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


_CLICK_EXCEPTION: type[Exception] = next(
    c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException"
)
"""Click's error base class, wherever this Typer keeps Click (vendored from 0.20 on)."""
_ABORTS: tuple[type[BaseException], ...] = tuple(
    {typer.Abort, *(c for c in typer.Abort.__mro__ if c.__name__ == "Abort")}
)


def _path_kind(param: Any) -> str | None:
    """``FILE``, ``DIR`` or ``PATH`` for a path parameter (any Typer version), else ``None``."""
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is not None:  # Typer >= 0.20: its own parameter model
        annotation = descriptor.annotation
        if get_origin(annotation) is list:
            annotation = get_args(annotation)[0]
        is_path = isinstance(annotation, type) and issubclass(annotation, PurePath)
        if not (is_path or getattr(descriptor, "is_path", False)):
            return None
        info = descriptor.parameter_info
        file_ok, dir_ok = info.file_okay, info.dir_okay
    else:  # Click's ParamType
        kind = getattr(param, "type", None)
        if getattr(kind, "name", "") != "path":
            return None
        file_ok, dir_ok = getattr(kind, "file_okay", True), getattr(kind, "dir_okay", True)
    if file_ok and not dir_ok:
        return "FILE"
    if dir_ok and not file_ok:
        return "DIR"
    return "PATH"


def _is_int(param: Any) -> bool:
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is not None:
        return getattr(descriptor, "annotation", None) is int
    return getattr(getattr(param, "type", None), "name", "") == "integer"


def metavar_for(param: Any) -> str:
    """A metavar a user can read: ``FILE``, ``DIR``, ``N``, ``FORMAT``...

    Arguments take their own name; options a path kind, ``N`` for integers, or the
    last word of their long name (``--format FORMAT``, ``--handler-package PACKAGE``).
    """
    if getattr(param, "param_type_name", "") == "argument":
        return str(param.name).upper()
    path = _path_kind(param)
    if path is not None:
        return path
    if _is_int(param):
        return "N"
    longs = [opt for opt in getattr(param, "opts", ()) if opt.startswith("--")]
    if longs:
        return str(max(longs, key=len)).lstrip("-").rsplit("-", 1)[-1].upper()
    return str(param.name or "value").upper()


def _no_type(ctx: Any) -> str:
    return ""


def _walk(command: Any) -> Iterator[Any]:
    yield command
    for sub in (getattr(command, "commands", None) or {}).values():
        yield from _walk(sub)


def _lower_first(message: str) -> str:
    """``No such option`` -> ``no such option`` (but ``JSON ...`` stays)."""
    if len(message) > 1 and message[0].isupper() and message[1].islower():
        return message[0].lower() + message[1:]
    return message


def report_usage_error(exc: Exception) -> None:
    """A Click usage error in our one style: ``error: ...`` and ``hint: ...`` on stderr."""
    from tasker_ctl.cli.boundary import report_error
    from tasker_ctl.errors import ParameterError

    ctx = getattr(exc, "ctx", None)
    path = getattr(ctx, "command_path", None) or "tasker-ctl"
    format_message = getattr(exc, "format_message", None)
    text = format_message() if callable(format_message) else str(exc)
    message = _lower_first(str(text).strip()).rstrip(".")
    report_error(ParameterError(message, hint=f"see '{path} --help'"))


class TaskerGroup(TyperGroup):
    """The root group: readable metavars everywhere, and usage errors in our style.

    Typer shows an option's Python type (``<str>``, ``<list[Path]>``, and ``<bool>``
    after flags with Rich help) where a name belongs; every non-flag parameter without
    an explicit metavar gets one from :func:`metavar_for`, and flags get none. Click's
    own errors (unknown option, missing argument, bad value) are printed as ``error:``
    + ``hint:`` lines, like every other error, with Click's exit code (2).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for command in _walk(self):
            for param in getattr(command, "params", ()):
                flag = getattr(param, "is_flag", False) or getattr(param, "count", False)
                if param.metavar is None and not flag:
                    param.metavar = metavar_for(param)
                if getattr(param, "param_type_name", "") == "argument" and hasattr(
                    param, "display_type_rich"
                ):
                    # Typer >= 0.20 prints an argument's Python type after its name
                    # (``KIND <str>``); the name says enough.
                    param.display_type_rich = _no_type

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the command tree; Click's errors become ``error:``/``hint:`` lines."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except _CLICK_EXCEPTION as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":  # a bare group: its help, exit 2
                sys.stderr.write(str(getattr(exc, "format_message", exc.__str__)()) + "\n")
                raise SystemExit(2) from None
            report_usage_error(exc)
            raise SystemExit(int(getattr(exc, "exit_code", 2))) from None
        except _ABORTS:  # EOF at a prompt, or typer.Abort: Click says "Aborted!", exit 1
            from tasker_ctl.cli.boundary import report_error
            from tasker_ctl.errors import TaskerCtlError

            report_error(TaskerCtlError("aborted"))
            raise SystemExit(1) from None
        raise SystemExit(code if isinstance(code, int) else 0)
