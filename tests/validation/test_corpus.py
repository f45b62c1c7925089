"""The fixture corpus: valid shapes lint clean, every invalid file triggers exactly its rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from tasker_ctl.validation import LintOptions, lint_file, lint_paths
from tasker_ctl.validation.rules import RULES
from tests.validation.corpus import INVALID, VALID, marked_line, options_for

VALID_FILES = [
    *sorted(VALID.glob("*.yaml")),
    # the composition rules' good example lives with their other fixtures
    VALID.parent / "composition" / "valid_order_pricing.yaml",
]
INVALID_DIRS = sorted(p for p in INVALID.iterdir() if p.is_dir())
# Rules whose trigger cannot live in a committed YAML file (tested in test_bad_input / --import,
# tests/cli/test_validate_gate.py: unreadable files, generated projects run cannot find).
NOT_IN_CORPUS = {
    "INVALID_ENCODING",
    "FILE_TOO_LARGE",
    "HANDLER_IMPORT_ERROR",
    "METHOD_NOT_FOUND",
    "FILE_UNREADABLE",
    "RUN_NEEDS_HANDLER_PACKAGE",
}


def test_valid_shapes_are_all_present() -> None:
    names = {p.stem for p in VALID_FILES}
    assert {"linear", "diamond", "decision_convergence", "batch_no_batches"} <= names


@pytest.mark.parametrize("path", VALID_FILES, ids=[p.stem for p in VALID_FILES])
def test_valid_template_lints_clean(path: Path) -> None:
    result = lint_file(path, LintOptions(handler_check=False))
    assert result.diagnostics == ()
    assert result.template is not None
    assert result.template.steps


def test_every_rule_has_an_invalid_fixture() -> None:
    covered = {d.name for d in INVALID_DIRS}
    assert set(RULES) - NOT_IN_CORPUS <= covered
    assert covered <= set(RULES), "fixture directory named after an unknown rule"


@pytest.mark.parametrize("directory", INVALID_DIRS, ids=[d.name for d in INVALID_DIRS])
def test_invalid_fixture_triggers_exactly_its_rule(directory: Path) -> None:
    rule_id = directory.name
    report = lint_paths([directory], options_for(rule_id))
    found = report.all_diagnostics
    assert {d.rule_id for d in found} == {rule_id}, [(d.rule_id, d.message) for d in found]
    expected = {
        (str(path), marked_line(path, rule_id))
        for path in directory.glob("*.yaml")
        if f"# <- {rule_id}" in path.read_text(encoding="utf-8")
    }
    actual = {(str(d.location.path), d.location.line) for d in found}
    assert actual == expected
    assert all(d.severity is RULES[rule_id].severity for d in found)
    assert all(d.location.column for d in found)
