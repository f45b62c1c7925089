"""``version`` is not ``MAJOR.MINOR.PATCH``.

The Rust semver check is dead code (an operator-precedence bug), so any string
registers, but tools and the old schema expect ``x.y.z``. A plain ``version: 1.0``
is read as the string ``"1.0"``, which is rarely what was meant.

FAIL::

    version: 1.0

PASS::

    version: 1.0.0
"""

import re
from collections.abc import Iterator

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

ID = "VERSION_NOT_SEMVER"
SEVERITY = Severity.WARNING
SEMVER = re.compile(r"^\d+\.\d+\.\d+$")


def check(ctx: RuleContext) -> Iterator[Finding]:
    """Report versions that are not three dot-separated numbers."""
    version = ctx.data.get("version")
    if isinstance(version, str) and version and not SEMVER.match(version):
        yield ctx.finding(
            ID,
            f"Version '{version}' is not in semver format (x.y.z)",
            "/version",
            hint="write three numbers, e.g. 1.0.0",
        )
