"""A handler module fails to import (``--import`` only).

With ``--import`` the handler packages are imported and scanned by the real
``tasker_core`` registry, as the Python worker does at start-up. A module that
raises on import registers nothing, so every handler in it is missing at
runtime. The finding points at the file and line of the error.

FAIL::

    # handlers/charge.py
    from tasker_core import StepHandlr      # ImportError

PASS: fix the import.
"""

from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "HANDLER_IMPORT_ERROR"
SEVERITY = Severity.ERROR


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report import problems found while loading the handler packages."""
    if ctx.handler_check is None:
        return
    for problem in ctx.handler_check.import_problems:
        yield Finding(
            ID,
            f"importing {problem.module} failed: {problem.message}",
            "",
            problem.line or 1,
            1,
            path=problem.path,
        )
