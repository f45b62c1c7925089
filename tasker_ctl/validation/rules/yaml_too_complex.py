"""The YAML expands beyond the linter's limits (alias bomb, recursive alias, deep nesting).

Aliases are expanded by serde_yaml, so a few anchors referencing each other
can expand to billions of nodes ("billion laughs"). The linter stops at 200,000
expanded nodes, at an alias that refers to a node containing itself, and at
nesting deeper than 128 levels (serde_yaml's own recursion limit), with this
one finding and no further work.

FAIL::

    a: &a [x, x, x, x, x, x, x, x, x]
    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
    # ... and so on

PASS: task templates never need anchors; write values out.
"""

from tasker_ctl.validation.diagnostic import Severity

ID = "YAML_TOO_COMPLEX"
SEVERITY = Severity.ERROR
