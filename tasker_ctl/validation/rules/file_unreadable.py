"""A file found by walking a directory cannot be read: it is reported and the rest is linted.

``tasker-ctl validate DIR`` lints every ``*.yaml``/``*.yml`` under ``DIR``. One
that cannot be opened (permission denied, a dangling symlink or a symlink loop,
a FIFO, socket or device named like a template) gets this one finding, and every
other file is still linted and reported in the chosen format. A path named
explicitly on the command line that cannot be read stays a usage error (exit 2).

FAIL: ``config/tasks/old.yaml -> ../archive/old.yaml`` where the target was deleted.

PASS: fix or remove the file or symlink, or lint a directory that does not hold it.
"""

from tasker_ctl.validation.diagnostic import Severity

ID = "FILE_UNREADABLE"
SEVERITY = Severity.ERROR
