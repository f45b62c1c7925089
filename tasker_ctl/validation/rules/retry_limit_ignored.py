"""``retry.limit`` is ignored: the real system reads only ``retry.max_attempts``.

``limit`` was renamed to ``max_attempts`` in the Rust model; the old JSON schema
and the Ruby types still show ``limit``. A ``limit: 5`` is dropped and the
step runs with the default ``max_attempts: 3`` (or the ``max_attempts`` written
next to it).

FAIL::

    retry:
      limit: 5

PASS::

    retry:
      max_attempts: 5
"""

from tasker_ctl.validation.diagnostic import Severity

ID = "RETRY_LIMIT_IGNORED"
SEVERITY = Severity.WARNING
