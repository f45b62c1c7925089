"""The command-line layer: the only package that imports typer.

``main`` answers ``--version`` before importing anything heavy, so the
version check costs little more than starting Python; everything else goes
through the Typer application in :mod:`tasker_ctl.cli.app`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``tasker-ctl`` console script."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args in (["--version"], ["-V"]):
        from tasker_ctl import __version__

        sys.stdout.write(f"tasker-ctl {__version__}\n")
        return
    if args[:1] == ["validate"]:
        # Linting runs on every commit: skip Typer's start-up cost when we can.
        from tasker_ctl.cli.validate_fast import try_fast_validate

        code = try_fast_validate(args)
        if code is not None:
            raise SystemExit(code)
    from tasker_ctl.cli.app import app

    app(args=args, prog_name="tasker-ctl")
