"""The document is empty, a list or a scalar: a task template must be a mapping.

serde_yaml fails with ``invalid type`` (or ``EOF while parsing``) before any
field is read.

FAIL::

    - name: step_one

PASS::

    name: order
    namespace_name: shop
    version: 1.0.0
    steps: [...]
"""

from tasker_ctl.validation.diagnostic import Severity

ID = "NOT_A_MAPPING"
SEVERITY = Severity.ERROR
