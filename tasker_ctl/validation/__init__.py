"""The task-template linter: public API.

``lint_file`` and ``lint_paths`` never raise for bad template *content*: every
problem is a :class:`Diagnostic` (rule ID, severity, message, location with
line and column, JSON pointer, step, hint). They raise
:class:`~tasker_ctl.errors.InputFileError` only when a path does not exist or
cannot be read, and :class:`~tasker_ctl.errors.ConfigError` for an invalid
``[lint]`` configuration. ``FileResult.template`` is the typed
:class:`~tasker_ctl.model.template.TaskTemplate` when the file loads (what the
executor runs), ``None`` when the real system would reject it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tasker_ctl.validation.diagnostic import Diagnostic, FileResult, LintReport, Severity
from tasker_ctl.validation.engine import Linter, LintOptions, expand_paths, run_lint
from tasker_ctl.validation.loader import LoadedTemplate, load_template

__all__ = [
    "Diagnostic",
    "FileResult",
    "LintOptions",
    "LintReport",
    "Linter",
    "LoadedTemplate",
    "Severity",
    "expand_paths",
    "lint_file",
    "lint_paths",
    "load_template",
]


def lint_file(path: Path, options: LintOptions | None = None) -> FileResult:
    """Lint one template file."""
    return Linter(options or LintOptions()).lint_file(path)


def lint_paths(paths: Sequence[Path], options: LintOptions | None = None) -> LintReport:
    """Lint files and directories (walked for ``*.yaml``/``*.yml``)."""
    return run_lint(paths, options or LintOptions())
