"""A value has the wrong type for its field, as serde_yaml 0.9 reads it.

serde is stricter than YAML 1.1 readers such as PyYAML: integers
(``max_attempts``, ``timeout_seconds``, ``batch_size``...) must be plain whole
numbers (no quotes, no ``30.0``, no ``1_000``, no negative values for unsigned
fields); booleans are only ``true``/``false`` (``yes``/``on`` are errors); lists
and mappings may be empty but not ``null``; ``created_at`` must be an RFC 3339
date-time. String fields accept any plain scalar as text (``version: 1.0`` is the
string ``"1.0"``). The real loader rejects the whole file.

FAIL::

    retry:
      retryable: yes
      max_attempts: "3"
    dependencies: null

PASS::

    retry:
      retryable: true
      max_attempts: 3
    dependencies: []
"""

from tasker_ctl.validation.diagnostic import Severity

ID = "INVALID_TYPE"
SEVERITY = Severity.ERROR
