"""The command-line layer: the only package that imports typer.

``main`` answers ``--version`` and ``--help`` before importing anything heavy
(:mod:`tasker_ctl.cli.fast_help` lays out the root help as Click would), so they
cost little more than starting Python; common ``validate`` and ``template list``
calls have Typer-free paths too; everything else goes through the Typer
application in :mod:`tasker_ctl.cli.app`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def _default_sigpipe() -> None:
    """Die quietly of SIGPIPE, like other Unix tools, when the reader goes away.

    Python turns SIGPIPE into ``BrokenPipeError``, and Rich then exits with status 1, so
    ``tasker-ctl run ... | head`` would look like a failed task.
    """
    import contextlib
    import signal

    if hasattr(signal, "SIGPIPE"):
        # ValueError: not the main thread (main() called from a library).
        with contextlib.suppress(ValueError):
            signal.signal(signal.SIGPIPE, signal.SIG_DFL)


def _require_working_directory() -> None:
    """Exit 2 with a clear message when the working directory was deleted under the shell.

    Every command resolves paths and looks for the project's config from there; Python
    only finds out when it first asks (``FileNotFoundError`` from ``os.getcwd``).
    """
    import os

    try:
        os.getcwd()  # noqa: PTH109 - the question itself, before pathlib is needed
    except FileNotFoundError:
        sys.stderr.write(
            "error: the working directory no longer exists (it was deleted or moved)\n"
            "hint: cd to an existing directory and run the command again\n"
        )
        raise SystemExit(2) from None


_EARLY_WORKER_OFF = frozenset({"--help", "-h", "--in-process", "--watch"})
"""``run`` options under which no handler worker is started (or not by this process)."""


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``tasker-ctl`` console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    _default_sigpipe()
    if args in (["--version"], ["-V"]):
        from tasker_ctl import __version__

        sys.stdout.write(f"tasker-ctl {__version__}\n")
        return
    if args in (["--help"], ["-h"]):
        # The root help is static text: skip importing Typer and building the tree.
        from tasker_ctl.cli.fast_help import print_root_help

        print_root_help()
        return
    _require_working_directory()
    if args[:2] == ["template", "list"]:
        from tasker_ctl.cli.fast_list import try_fast_template_list

        code = try_fast_template_list(args)
        if code is not None:
            raise SystemExit(code)
    if args[:1] == ["run"] and not _EARLY_WORKER_OFF.intersection(args):
        # the worker imports the SDK (~200 ms) on the other core while this process
        # imports Typer, reads the context and lints the template (see executor.spawn)
        from tasker_ctl.executor.spawn import start_early

        start_early()
    if args[:1] == ["validate"]:
        # Linting runs on every commit: skip Typer's start-up cost when we can.
        from tasker_ctl.cli.validate_fast import try_fast_validate
        from tasker_ctl.validation.engine import own_process

        own_process()  # this process only lints: see own_process

        code = try_fast_validate(args)
        if code is not None:
            raise SystemExit(code)
    from tasker_ctl.cli.app import app

    app(args=args, prog_name="tasker-ctl")
