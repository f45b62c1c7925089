"""A key appears twice in a free-form mapping; only the last value is kept.

In ``handler.initialization``, schemas and ``environments`` the real loader
builds a map, where a repeated key silently replaces the earlier value. That is
almost always a copy-paste mistake.

FAIL::

    initialization:
      timeout_ms: 1000
      timeout_ms: 5000

PASS: write each key once.
"""

from tasker_ctl.validation.diagnostic import Severity

ID = "DUPLICATE_MAP_KEY"
SEVERITY = Severity.WARNING
