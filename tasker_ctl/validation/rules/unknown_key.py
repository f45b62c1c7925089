"""A key the real system does not read: it is silently dropped.

The Rust model has no ``deny_unknown_fields``, so a typo such as
``dependancies`` or ``timout_seconds`` is ignored without a word and the
default applies. The finding suggests the closest known key ("did you mean"),
and names the right key for known legacy spellings (``initial_delay`` ->
``backoff_base_ms``, ``handler_class`` -> ``callable``, a step-level
``lifecycle``, ``loaded_from``, Ruby-symbol keys such as ``:name:``).

Harmless extra keys can be allowed by turning the rule off or down in
``.tasker-ctl.toml`` (``[lint.rules] UNKNOWN_KEY = "info"``).

FAIL::

    - name: charge
      dependancies: [validate]

PASS::

    - name: charge
      dependencies: [validate]
"""

from tasker_ctl.validation.diagnostic import Severity

ID = "UNKNOWN_KEY"
SEVERITY = Severity.WARNING
