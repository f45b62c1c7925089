"""Rich consoles for stdout and stderr, honouring NO_COLOR and FORCE_COLOR.

Rich already respects ``NO_COLOR``; width comes from the terminal or
``COLUMNS``. A console is built per call so it always writes to the current
``sys.stdout``/``sys.stderr`` (test runners swap them). Machine-readable
output (JSON, SARIF) is written without markup and never folded.
"""

from __future__ import annotations

import sys

from rich.console import Console


def stdout_console() -> Console:
    """A console on the current ``sys.stdout``."""
    return Console(file=sys.stdout, highlight=False)


def stderr_console() -> Console:
    """A console on the current ``sys.stderr``."""
    return Console(file=sys.stderr, highlight=False)
