"""A YAML tag (``!foo``, ``!!int``) on a model field: serde_yaml rejects it.

serde_yaml 0.9 reads a tagged value as an enum variant, which no field of the
template model accepts. Only ``!!str`` is allowed (it makes a value a string).

FAIL::

    timeout_seconds: !!int 30

PASS::

    timeout_seconds: 30
"""

from tasker_ctl.validation.diagnostic import Severity

ID = "UNSUPPORTED_TAG"
SEVERITY = Severity.ERROR
