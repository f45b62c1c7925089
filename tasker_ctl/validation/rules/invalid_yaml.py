"""The file is not valid YAML.

The real loader (serde_yaml) rejects the whole file; the worker logs a warning
and the template is never registered. The finding points at the line and column
where the parser gave up.

FAIL::

    name: order
    steps: [ {name: a, handler: {callable: x}}   # unclosed flow sequence

An alias without its anchor (``*missing``) is reported here too.
"""

from tasker_ctl.validation.diagnostic import Severity

ID = "INVALID_YAML"
SEVERITY = Severity.ERROR
