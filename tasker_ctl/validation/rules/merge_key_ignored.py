"""A ``<<`` merge key: serde_yaml 0.9 does not apply merges, so the merged keys are lost.

PyYAML applies ``<<: *anchor`` merges; the real loader treats ``<<`` as an
ordinary unknown key and drops it, so every key that came from the anchor is
missing at runtime.

FAIL::

    defaults: &retry {max_attempts: 5}
    steps:
      - name: charge
        retry:
          <<: *retry

PASS::

    retry:
      max_attempts: 5
"""

from tasker_ctl.validation.diagnostic import Severity

ID = "MERGE_KEY_IGNORED"
SEVERITY = Severity.WARNING
