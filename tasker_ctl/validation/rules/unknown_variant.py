"""An enum field has a value the real system does not know.

Step ``type`` is one of ``standard``, ``decision``, ``deferred_convergence``,
``batchable``, ``batch_worker`` (the docs' ``deferred`` and ``decision_point``
are wrong); ``retry.backoff`` is ``none``/``linear``/``exponential``/
``fibonacci``; ``batch_config.failure_strategy`` is ``continue_on_failure``/
``fail_fast``/``isolate``; event ``condition`` and ``delivery_mode`` have their
own lists. Values are exact and lower-case. The real loader rejects the file.

FAIL::

    type: decision_point

PASS::

    type: decision
"""

from tasker_ctl.validation.diagnostic import Severity

ID = "UNKNOWN_VARIANT"
SEVERITY = Severity.ERROR
