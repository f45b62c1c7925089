"""The one place where errors become messages and exit codes.

Every command is wrapped in :func:`command_boundary`: a
:class:`~tasker_ctl.errors.TaskerCtlError` prints ``error: <location>:
<message>`` and its hint on stderr and exits with the error's code; Ctrl-C
exits 130; anything else is a bug and exits 3 with the traceback. It wraps
each command (not the app) because Click turns Ctrl-C into its own "Aborted!"
exit 1 before an outer handler could see it.
"""

from __future__ import annotations

import functools
import traceback
from collections.abc import Callable
from typing import ParamSpec

import typer

from tasker_ctl.errors import ExitCode, TaskerCtlError
from tasker_ctl.reporting.console import literal, stderr_console

P = ParamSpec("P")


def report_error(exc: TaskerCtlError) -> None:
    """Print a user-facing error and its hint to stderr."""
    console = stderr_console()
    console.print(literal(("error:", "bold red"), " ", str(exc)), soft_wrap=True)
    if exc.hint:
        console.print(literal(("hint:", "dim"), " ", exc.hint), soft_wrap=True)


def command_boundary(fn: Callable[P, int | None]) -> Callable[P, None]:
    """Run a command, translating its outcome into an exit code."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            code = fn(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except TaskerCtlError as exc:
            report_error(exc)
            raise typer.Exit(int(exc.exit_code)) from None
        except KeyboardInterrupt:
            stderr_console().print(literal("interrupted"))
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
        except Exception:
            console = stderr_console()
            console.print(literal(traceback.format_exc()), soft_wrap=True)
            console.print(
                literal(
                    ("internal error:", "bold red"),
                    " this is a bug in tasker-ctl; please report it with the traceback above",
                ),
                soft_wrap=True,
            )
            raise typer.Exit(int(ExitCode.INTERNAL)) from None
        raise typer.Exit(int(code or ExitCode.OK))

    return wrapper
