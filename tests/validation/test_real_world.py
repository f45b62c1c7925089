"""Real-world-style templates are not rejected: harmless extras produce at most warnings."""

from __future__ import annotations

from pathlib import Path

from tasker_ctl.validation import LintOptions, Severity, lint_file

REAL_WORLD = """\
name: customer_refund
namespace_name: customer_success
version: 1.0.0
description: A template as found in the wild
loaded_from: config/tasks/customer_refund.yaml
task_handler:
  callable: CustomerSuccess::RefundTaskHandler
  initialization: {queue: default}
metadata:
  author: support-team
  tags: [domain:refunds]
  notes: reviewed by finance
custom_owner: payments-oncall
system_dependencies:
  primary: default
  secondary: []
domain_events: []
input_schema:
  type: object
  properties: {ticket_id: {type: string}}
steps:
  - name: validate_refund_request
    system_dependency: null
    handler:
      callable: customer_success.step_handlers.ValidateRefundRequestHandler
      initialization: {validation_timeout: 5000}
    result_schema:
      type: object
      properties: {valid: {type: boolean}}
  - name: execute_refund
    depends_on: [validate_refund_request]
    system_dependency: null
    handler:
      callable: customer_success.step_handlers.ExecuteRefundHandler
    retry:
      retryable: true
      max_attempts: 3
      backoff: exponential
    timeout_seconds: 30
    result_schema: {type: object}
  - name: notify_customer
    depends_on:
      - execute_refund
    handler:
      callable: customer_success.step_handlers.NotifyCustomerHandler
    result_schema: {type: object}
environments:
  production:
    steps:
      - name: ALL
        timeout_seconds: 60
  test:
    steps:
      - name: ALL
        retry: {retryable: true, max_attempts: 2}
"""


def test_real_world_template_loads_with_at_most_warnings(tmp_path: Path) -> None:
    path = tmp_path / "customer_refund.yaml"
    path.write_text(REAL_WORLD)
    result = lint_file(path, LintOptions(handler_check=False))
    assert not result.has_errors, [(d.rule_id, d.message) for d in result.diagnostics]
    assert result.template is not None
    steps = result.template.steps
    assert [s.name for s in steps] == [
        "validate_refund_request",
        "execute_refund",
        "notify_customer",
    ]
    assert steps[1].dependencies == ["validate_refund_request"]
    assert steps[0].system_dependency is None
    assert steps[0].result_schema["properties"]["valid"] == {"type": "boolean"}
    assert result.template.environments["production"].steps[0].name == "ALL"
    unknown = sorted(d.message.split("`")[1] for d in result.by_rule("UNKNOWN_KEY"))
    # metadata is free-form documentation: its keys (notes) never warn
    assert unknown == ["custom_owner", "loaded_from", "task_handler"]
    assert all(d.severity is not Severity.ERROR for d in result.diagnostics)


def test_unknown_keys_can_be_turned_down_in_config(tmp_path: Path) -> None:
    path = tmp_path / "customer_refund.yaml"
    path.write_text(REAL_WORLD)
    options = LintOptions(handler_check=False, rule_settings={"rules": {"UNKNOWN_KEY": "off"}})
    result = lint_file(path, options)
    assert result.by_rule("UNKNOWN_KEY") == []
    # what is left is real advice: the test environment is never applied (its partial retry
    # override drops nothing the steps wrote, so ENV_RETRY_PARTIAL stays quiet)
    assert {d.rule_id for d in result.diagnostics} == {"ENV_NOT_APPLIED"}
