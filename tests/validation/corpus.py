"""Paths and helpers for the fixture corpus under tests/fixtures/templates/."""

from __future__ import annotations

from pathlib import Path

from tasker_ctl.validation import LintOptions

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
TEMPLATES = FIXTURES / "templates"
VALID = TEMPLATES / "valid"
INVALID = TEMPLATES / "invalid"
HANDLERS = FIXTURES / "handlers"
PYTHON_HANDLERS = HANDLERS / "python"
HANDLER_RULES = ("HANDLER_NOT_FOUND", "HANDLER_NOT_CHECKED", "HANDLER_KIND_MISMATCH")


def options_for(rule_id: str) -> LintOptions:
    """Handler rules resolve against the Python fixture handlers; the rest skip resolution."""
    if rule_id in HANDLER_RULES:
        return LintOptions(handlers_roots=(PYTHON_HANDLERS,))
    return LintOptions(handler_check=False)


def marked_line(path: Path, rule_id: str) -> int:
    """The line that carries ``# <- RULE_ID``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if f"# <- {rule_id}" in line:
            return number
    raise AssertionError(f"{path} has no '# <- {rule_id}' marker")
