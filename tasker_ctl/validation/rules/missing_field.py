"""A field that serde requires is missing.

Required (no serde default): ``name``, ``namespace_name``, ``version`` at the
root; ``name`` and ``handler`` in a step; ``callable`` in ``handler``; all
five ``batch_config`` keys; ``name``, ``description`` and ``schema`` in a
``publishes_events`` item; ``name`` in ``domain_events`` items and in
environment step overrides. The real loader rejects the file with
``missing field `x```.

FAIL::

    steps:
      - name: charge
        handler: {method: call}        # no callable

PASS::

    steps:
      - name: charge
        handler: {callable: payments.ChargeHandler}
"""

from tasker_ctl.validation.diagnostic import Severity

ID = "MISSING_FIELD"
SEVERITY = Severity.ERROR
