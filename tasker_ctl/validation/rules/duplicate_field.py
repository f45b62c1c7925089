"""A struct field is written twice (or with both of its names).

serde rejects a repeated field in a struct-typed mapping (root, step,
``handler``, ``retry``...) with ``duplicate field``. Aliases count as the same
field: ``type`` with ``step_type``, ``dependencies`` with ``depends_on``. PyYAML
silently keeps the last value, which is why this needs its own check.

FAIL::

    - name: charge
      type: standard
      step_type: decision

PASS: keep one of the two keys.
"""

from tasker_ctl.validation.diagnostic import Severity

ID = "DUPLICATE_FIELD"
SEVERITY = Severity.ERROR
