"""Signal over noise: on realistic templates, a warning means production deviates.

``tests/fixtures/templates/realistic/`` holds our own templates in the shapes the
upstream fixtures and example apps use (linear, diamond, tree, fan-in, decision
with deferred convergence, batches with checkpoints, error scenarios, method
dispatch, domain events, ``test``/``production`` environments, documentation under
``metadata``, fast test backoffs) across the four handler languages. They all load
and run upstream, so a warning on them must name something production does
differently from what the template says; everything else is info or silent.

UNKNOWN_KEY comes from the serde reader (``validation/serde.py``), not from a rule
module. It is silent on documentation-only keys (``metadata.notes``,
``metadata.blog_post``) and on the old Ruby retry spellings (``initial_delay``,
``max_delay``; per-step backoff is not read at runtime under any spelling): the
pointers of those keys (``PENDING``) must never carry a warning.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from tasker_ctl.validation import Diagnostic, LintOptions, Severity, lint_file, lint_paths
from tests.validation.corpus import TEMPLATES

REALISTIC = TEMPLATES / "realistic"
FILES = sorted(REALISTIC.glob("*.yaml"))
PENDING = re.compile(r"^/metadata/[^/]+$|^/steps/\d+/retry/(initial_delay|max_delay)$")
"""UNKNOWN_KEY places that are documentation-only, still reported by the serde reader."""

EXPECTED_COUNTS = {
    ("info", "NO_RESULT_SCHEMA"): 62,
    ("info", "ENV_NOT_APPLIED"): 9,
    ("warning", "ORPHAN_STEP"): 3,
    ("warning", "METHOD_IGNORED_BY_WORKER"): 2,
    ("warning", "UNKNOWN_KEY"): 1,
    ("warning", "VALUE_OUT_OF_RANGE"): 1,
}
"""Findings per (severity, rule) on the realistic corpus, PENDING ones left out."""

EXPECTED_WARNINGS = {
    # Upstream's own validator reports the same (SDK parity): three steps with no
    # edges start together and nothing waits for them.
    ("error_scenarios_rb.yaml", "ORPHAN_STEP", "/steps/0/name"),
    ("error_scenarios_rb.yaml", "ORPHAN_STEP", "/steps/1/name"),
    ("error_scenarios_rb.yaml", "ORPHAN_STEP", "/steps/2/name"),
    # The Python worker resolves by callable only and always invokes `call`: the
    # `validate` and `process` entry points never run in production.
    ("method_dispatch_py.yaml", "METHOD_IGNORED_BY_WORKER", "/steps/0/handler/method"),
    ("method_dispatch_py.yaml", "METHOD_IGNORED_BY_WORKER", "/steps/1/handler/method"),
    # The loader drops a step-level lifecycle: the staleness sweep uses the template's
    # (or the system's) thresholds, not the 120 minutes the worker step asks for.
    ("batch_inventory_py.yaml", "UNKNOWN_KEY", "/steps/1/lifecycle"),
    # A retryable step with max_attempts 0: production makes one attempt, never retries.
    ("boundary_zero_attempts_rs.yaml", "VALUE_OUT_OF_RANGE", "/steps/0/retry/max_attempts"),
}


def _pending(d: Diagnostic) -> bool:
    return d.rule_id == "UNKNOWN_KEY" and bool(PENDING.match(d.pointer))


@pytest.fixture(scope="module")
def findings() -> list[Diagnostic]:
    report = lint_paths([REALISTIC], LintOptions(handler_check=False))
    return list(report.all_diagnostics)


def test_the_corpus_covers_the_upstream_shapes() -> None:
    assert len(FILES) >= 15
    suffixes = Counter(p.stem.rsplit("_", 1)[1] for p in FILES)
    assert set(suffixes) == {"py", "rb", "ts", "rs"}
    text = "\n".join(p.read_text(encoding="utf-8") for p in FILES)
    for shape in (
        "type: decision",
        "type: deferred_convergence",
        "type: batchable",
        "type: batch_worker",
        "publishes_events:",
        "  production:",
        "  test:",
        "  notes:",
        "backoff_base_ms: 50",
        "method: ",
    ):
        assert shape in text, shape


def test_every_realistic_template_loads_without_errors(findings: list[Diagnostic]) -> None:
    assert [d for d in findings if d.severity is Severity.ERROR] == []
    for path in FILES:
        assert lint_file(path, LintOptions(handler_check=False)).template is not None


def test_counts_per_rule_are_pinned(findings: list[Diagnostic]) -> None:
    counts = Counter((str(d.severity), d.rule_id) for d in findings if not _pending(d))
    assert dict(counts) == EXPECTED_COUNTS


def test_at_most_half_a_warning_per_template(findings: list[Diagnostic]) -> None:
    warnings = [d for d in findings if d.severity is Severity.WARNING and not _pending(d)]
    assert len(warnings) / len(FILES) <= 0.5


def test_every_remaining_warning_is_a_production_deviation(findings: list[Diagnostic]) -> None:
    warnings = {
        (Path(d.location.path).name, d.rule_id, d.pointer)
        for d in findings
        if d.severity is Severity.WARNING and not _pending(d)
    }
    assert warnings == EXPECTED_WARNINGS


def test_rule_messages_say_what_production_does(findings: list[Diagnostic]) -> None:
    messages = {d.rule_id: d.message for d in findings if d.severity is Severity.WARNING}
    assert "always calls `call`" in messages["METHOD_IGNORED_BY_WORKER"]
    assert (
        "production still makes the first attempt and never retries"
        in (messages["VALUE_OUT_OF_RANGE"])
    )


def test_quieted_rules_stay_quiet_on_the_corpus(findings: list[Diagnostic]) -> None:
    rules = {d.rule_id for d in findings}
    # test-environment retry overrides (never applied), fast backoffs (never read)
    assert "ENV_RETRY_PARTIAL" not in rules
    assert not any(d.rule_id == "VALUE_OUT_OF_RANGE" and "backoff" in d.pointer for d in findings)


def test_documentation_only_keys_never_warn(findings: list[Diagnostic]) -> None:
    assert [d.pointer for d in findings if _pending(d) and d.severity is Severity.WARNING] == []


# -- the narrowed rules, one case each ------------------------------------------------


def _lint(tmp_path: Path, body: str) -> list[Diagnostic]:
    path = tmp_path / "t.yaml"
    path.write_text("name: t\nnamespace_name: n\nversion: 1.0.0\n" + body, encoding="utf-8")
    return list(lint_file(path, LintOptions(handler_check=False)).diagnostics)


STEP = "  - name: charge\n    handler: {callable: x.C}\n    result_schema: {type: object}\n"


def test_a_production_override_that_drops_retryable_false_warns(tmp_path: Path) -> None:
    found = _lint(
        tmp_path,
        "steps:\n" + STEP + "    retry: {retryable: false, max_attempts: 1}\n"
        "environments:\n  production:\n    steps:\n"
        "      - name: charge\n        retry: {max_attempts: 2}\n",
    )
    [finding] = [d for d in found if d.rule_id == "ENV_RETRY_PARTIAL"]
    assert finding.severity is Severity.WARNING
    assert "orchestration retries by the step's own retry block" in finding.message
    assert finding.message.endswith("retryable becomes true")


@pytest.mark.parametrize(
    ("step_retry", "env"),
    [
        ("", "production"),  # nothing written on the step: nothing to drop
        ("    retry: {retryable: true, max_attempts: 3, backoff_base_ms: 50}\n", "production"),
        ("    retry: {retryable: false, max_attempts: 1}\n", "test"),  # never applied
    ],
)
def test_overrides_that_drop_nothing_production_reads_are_silent(
    tmp_path: Path, step_retry: str, env: str
) -> None:
    found = _lint(
        tmp_path,
        "steps:\n" + STEP + step_retry + f"environments:\n  {env}:\n    steps:\n"
        "      - name: ALL\n        retry: {max_attempts: 2}\n",
    )
    assert [d for d in found if d.rule_id == "ENV_RETRY_PARTIAL"] == []


@pytest.mark.parametrize(
    ("extra", "pointer"),
    [
        ("    retry: {max_attempts: 0}\n", "/steps/0/retry/max_attempts"),
        ("    timeout_seconds: 0\n", "/steps/0/timeout_seconds"),
        (
            "lifecycle: {max_waiting_for_retry_minutes: 0}\n",
            "/lifecycle/max_waiting_for_retry_minutes",
        ),
    ],
)
def test_out_of_range_values_production_acts_on_warn(
    tmp_path: Path, extra: str, pointer: str
) -> None:
    body = "steps:\n" + STEP + extra if extra.startswith(" ") else extra + "steps:\n" + STEP
    found = [d for d in _lint(tmp_path, body) if d.rule_id == "VALUE_OUT_OF_RANGE"]
    assert [(d.pointer, d.severity) for d in found] == [(pointer, Severity.WARNING)]
    assert "production" in found[0].message


@pytest.mark.parametrize(
    "extra",
    [
        "    retry: {retryable: true, max_attempts: 3, backoff_base_ms: 50, max_backoff_ms: 200}\n",
        "    retry: {retryable: false, max_attempts: 0}\n",
        "    retry: {max_attempts: 500}\n",
        "environments:\n  production:\n    steps:\n"
        "      - name: ALL\n"
        "        retry: {retryable: true, max_attempts: 2, backoff_base_ms: 10}\n",
    ],
)
def test_out_of_range_values_nothing_reads_are_silent(tmp_path: Path, extra: str) -> None:
    found = _lint(tmp_path, "steps:\n" + STEP + extra)
    assert [d for d in found if d.rule_id == "VALUE_OUT_OF_RANGE"] == []
