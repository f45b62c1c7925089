"""The file is larger than 10 MiB: it is not read.

Task templates are a few kilobytes. A larger file is almost certainly not a
template (a data dump, a generated file) and reading it would make the linter
slow for no benefit, so it gets this one finding instead.

FAIL: a 50 MB YAML file among the linted paths.

PASS: exclude it from the paths given to ``tasker-ctl validate``.
"""

from tasker_ctl.validation.diagnostic import Severity

ID = "FILE_TOO_LARGE"
SEVERITY = Severity.ERROR
