"""Two files define the same template identity (namespace, name, version).

Registration upserts by ``(namespace_name, name, version)``: the file loaded
last silently replaces the other. Reported once per extra file, across all
the paths of one ``tasker-ctl validate`` run.

FAIL: ``config/tasks/credit_card_payment.yaml`` and
``config/tasks/payments/credit_card_payment/1.0.0.yaml`` with the same three
values.

PASS: delete the copy, or bump one version.
"""

from tasker_ctl.validation.diagnostic import Severity

ID = "DUPLICATE_TEMPLATE_IDENTITY"
SEVERITY = Severity.WARNING
