"""The file holds more than one YAML document.

serde_yaml's ``from_str`` reads exactly one document and fails on a second one,
so the real loader rejects the whole file.

FAIL::

    name: first
    ---
    name: second

PASS: one template per file (a leading ``---`` alone is fine).
"""

from tasker_ctl.validation.diagnostic import Severity

ID = "MULTIPLE_DOCUMENTS"
SEVERITY = Severity.ERROR
