"""Rule semantics that follow the orchestration spec closely (what a user would be told)."""

from __future__ import annotations

from pathlib import Path

from tasker_ctl.validation import LintOptions, Severity, lint_file

HEAD = "name: t\nnamespace_name: {namespace}\nversion: 1.0.0\nsteps:\n"
BATCH = """\
  - name: analyze
    type: batchable
    handler: {callable: x.Analyze, initialization: {worker_template_name: work}}
    result_schema: {type: object}
  - name: work
    type: batch_worker
    dependencies: [analyze]
    handler: {callable: x.Work}
    result_schema: {type: object}
    batch_config:
      batch_size: 10
      parallelism: 2
      cursor_field: id
      worker_template: work
      failure_strategy: fail_fast
  - name: aggregate
    type: deferred_convergence
    dependencies: [work]
    handler: {callable: x.Aggregate}
    result_schema: {type: object}
"""


def _lint(tmp_path: Path, steps: str, namespace: str = "shop"):
    path = tmp_path / "t.yaml"
    path.write_text(HEAD.format(namespace=namespace) + steps)
    return lint_file(path, LintOptions(handler_check=False))


def _found(result) -> list[tuple[str, int, str]]:
    return [(d.rule_id, d.location.line or 0, d.message) for d in result.diagnostics]


def test_a_step_after_a_batch_convergence_step_does_not_wait(tmp_path: Path) -> None:
    after = "  - name: report\n    dependencies: [aggregate]\n    handler: {callable: x.R}\n"
    result = _lint(tmp_path, BATCH + after + "    result_schema: {type: object}\n")
    [(rule, line, message)] = _found(result)
    assert (rule, line) == ("DEPENDENCY_NOT_CREATED", 26)
    assert "'report' runs without waiting" in message
    assert result.has_errors


def test_with_decisions_a_deferred_step_outside_them_exists_from_the_start(
    tmp_path: Path,
) -> None:
    steps = (
        "  - name: start\n    handler: {callable: x.S}\n"
        "  - name: route\n    type: decision\n    dependencies: [start]\n"
        "    handler: {callable: x.Route}\n"
        "  - name: branch\n    dependencies: [route]\n    handler: {callable: x.B}\n"
        "  - name: join\n    type: deferred_convergence\n    dependencies: [start]\n"
        "    handler: {callable: x.J}\n"
        "  - name: after\n    dependencies: [join]\n    handler: {callable: x.A}\n"
    )
    result = _lint(tmp_path, steps)
    assert not result.by_rule("DEPENDENCY_NOT_CREATED")


def test_a_deferred_step_after_a_deferred_step_is_not_told_to_become_standard(
    tmp_path: Path,
) -> None:
    after = (
        "  - name: report\n    type: deferred_convergence\n    dependencies: [aggregate]\n"
        "    handler: {callable: x.R}\n    result_schema: {type: object}\n"
    )
    [finding] = _lint(tmp_path, BATCH + after).by_rule("DEFERRED_UNREACHABLE")
    assert finding.hint == "move this work into the handler of 'aggregate'"


def test_a_namespace_whose_dlq_queue_name_overflows_is_an_error(tmp_path: Path) -> None:
    steps = "  - name: a\n    handler: {callable: x.A}\n    result_schema: {type: object}\n"
    namespace = "n" * 30
    [finding] = _lint(tmp_path, steps, namespace).diagnostics
    assert finding.rule_id == "NAMESPACE_TOO_LONG"
    assert finding.severity is Severity.ERROR
    assert f"'{namespace}_domain_events_dlq' exceeds 47 characters" in finding.message
    assert _lint(tmp_path, steps, "n" * 29).diagnostics == ()


def test_a_partial_environment_retry_says_what_each_field_becomes(tmp_path: Path) -> None:
    steps = (
        "  - name: charge\n    handler: {callable: x.C}\n    result_schema: {type: object}\n"
        "    retry: {retryable: false, max_attempts: 1}\n"
        "environments:\n  production:\n    steps:\n"
        "      - name: charge\n        retry: {max_attempts: 2}\n"
    )
    [finding] = _lint(tmp_path, steps).by_rule("ENV_RETRY_PARTIAL")
    assert finding.message.endswith("of 'charge': retryable becomes true")


def test_a_core_tag_is_shown_as_written(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("name: !!binary aGVsbG8=\nnamespace_name: b\nversion: 1.0.0\nsteps: []\n")
    [finding] = lint_file(path, LintOptions(handler_check=False)).by_rule("UNSUPPORTED_TAG")
    assert finding.message.startswith("YAML tag `!!binary` is not supported here")
    assert (finding.location.line, finding.location.column) == (1, 7)


def test_stale_doc_dialect_gets_pointed_hints(tmp_path: Path) -> None:
    steps = (
        "  - name: a\n    type: deferred\n    handler: validate_cart\n"
        "    publishes_events: [order.created]\n"
        "  - name: b\n    type: decision_point\n    dependencies: [a]\n"
        "    handler: {callable: x.B}\n"
    )
    hints = {(d.location.line, d.rule_id): d.hint for d in _lint(tmp_path, steps).diagnostics}
    assert hints[(6, "UNKNOWN_VARIANT")] == "did you mean `deferred_convergence`?"
    assert hints[(7, "INVALID_TYPE")] == "a handler is a mapping: `handler: {callable: <name>}`"
    assert hints[(8, "INVALID_TYPE")] == (
        "each event is a mapping with `name`, `description` and `schema`"
    )
    assert hints[(10, "UNKNOWN_VARIANT")] == "did you mean `decision`?"


def test_a_step_without_a_name_is_named_by_its_position(tmp_path: Path) -> None:
    steps = (
        "  - name: a\n    handler: {callable: x.A}\n    result_schema: {type: object}\n"
        '  - handler: {callable: ""}\n    dependencies: [a]\n    result_schema: {type: object}\n'
    )
    messages = [d.message for d in _lint(tmp_path, steps).diagnostics]
    assert "Step #2 (no name) has an empty handler callable" in messages
    assert not any("None" in m for m in messages)


def test_not_checked_hints_name_what_is_missing(tmp_path: Path) -> None:
    steps = "  - name: a\n    handler: {callable: x.A}\n    result_schema: {type: object}\n"
    path = tmp_path / "t.yaml"
    path.write_text(HEAD.format(namespace="shop") + steps)
    empty = tmp_path / "empty"
    empty.mkdir()
    unknown = lint_file(path, LintOptions(handlers_roots=(empty,)))
    [note] = unknown.by_rule("HANDLER_NOT_CHECKED")
    assert note.hint == "pass --language (python, ruby, typescript or rust) to check them"
    known = lint_file(path, LintOptions(handlers_roots=(empty,), language="ruby"))
    [note] = known.by_rule("HANDLER_NOT_CHECKED")
    assert note.hint == "pass --handlers-root DIR with the ruby handler sources to check them"


def test_legacy_root_keys_say_what_the_real_system_does(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(
        "name: t\nnamespace_name: shop\nversion: 1.0.0\n"
        "task_handler:\n  callable: shop.OrderHandler\n"
        "named_steps: [a]\n"
        "steps:\n  - name: a\n    handler: {callable: x.A}\n    result_schema: {type: object}\n"
    )
    result = lint_file(path, LintOptions(handler_check=False))
    hints = {d.location.line: d.hint for d in result.by_rule("UNKNOWN_KEY")}
    assert hints == {
        4: "legacy key: the real system has no template-level handler; only step handlers run",
        6: "legacy key: the real system reads the steps from `steps`",
    }
    assert not result.has_errors


def test_schema_findings_under_property_names_with_slashes_are_located(tmp_path: Path) -> None:
    steps = (
        "  - name: a\n    handler: {callable: x.A}\n    result_schema:\n      type: object\n"
        '      properties:\n        "a/b":\n          type: strin\n'
        '        "c~d":\n          type: intger\n'
    )
    found = [
        (d.location.line, d.pointer) for d in _lint(tmp_path, steps).by_rule("INVALID_JSON_SCHEMA")
    ]
    assert found == [
        (11, "/steps/0/result_schema/properties/a~1b/type"),
        (13, "/steps/0/result_schema/properties/c~0d/type"),
    ]


def test_a_deferred_step_after_batch_convergence_under_a_decision_is_unreachable(
    tmp_path: Path,
) -> None:
    # the decision creates the analyzer; the batch creates the workers and `aggregate`;
    # nobody creates `final`, which only follows `aggregate`
    steps = (
        "  - name: start\n    handler: {callable: x.S}\n    result_schema: {type: object}\n"
        "  - name: route\n    type: decision\n    dependencies: [start]\n"
        "    handler: {callable: x.R}\n    result_schema: {type: object}\n"
        + BATCH.replace("  - name: analyze\n", "  - name: analyze\n    dependencies: [route]\n")
        + "  - name: final\n    type: deferred_convergence\n    dependencies: [aggregate]\n"
        "    handler: {callable: x.F}\n    result_schema: {type: object}\n"
    )
    result = _lint(tmp_path, steps)
    [(rule, line, message)] = _found(result)
    assert (rule, line) == ("DEFERRED_UNREACHABLE", 35)
    assert "'final' is never created" in message
    # converging the decision's branches directly is fine
    fine = steps.replace("dependencies: [aggregate]", "dependencies: [analyze]")
    assert _found(_lint(tmp_path, fine)) == []
