"""The file is not UTF-8 text (a binary file, UTF-16, or invalid UTF-8 bytes).

The real loader reads templates as UTF-8 strings and rejects anything else. A
NUL byte anywhere marks the file as binary; an invalid UTF-8 sequence is
reported with its line and column. A UTF-8 byte-order mark is accepted.

FAIL: a file saved as UTF-16 or Latin-1 with accented characters.

PASS: the same file saved as UTF-8.
"""

from tasker_ctl.validation.diagnostic import Severity

ID = "INVALID_ENCODING"
SEVERITY = Severity.ERROR
