"""The one template loader: what ``run``, ``visualize`` and the code generators read.

A template is loaded exactly as ``validate`` reads it (the same bytes limits,
YAML composer, serde-semantics reader and rules, handler check off), so a file
that ``validate`` accepts is the file that runs, and one that the real system
would reject is refused with the same findings. The typed
:class:`~tasker_ctl.model.template.TaskTemplate` is built only here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tasker_ctl.errors import InputFileError
from tasker_ctl.validation.diagnostic import Diagnostic, Severity
from tasker_ctl.validation.engine import Linter, LintOptions

if TYPE_CHECKING:
    from tasker_ctl.model.template import TaskTemplate
    from tasker_ctl.validation.yaml_nodes import Mapping as NodeMapping


@dataclass(frozen=True)
class LoadedTemplate:
    """A template file: its typed model (``None`` when it does not load) and its findings."""

    path: Path
    template: TaskTemplate | None
    diagnostics: tuple[Diagnostic, ...]
    root: NodeMapping | None = None
    """The YAML node tree with line/column positions, ``None`` when the file does not parse."""

    @property
    def errors(self) -> list[Diagnostic]:
        """Findings that make the template unusable (the real system rejects or mis-runs it)."""
        return [d for d in self.diagnostics if d.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        """Findings where production will behave differently from what the author meant."""
        return [d for d in self.diagnostics if d.severity is Severity.WARNING]


def load_template(path: Path, rule_settings: Mapping[str, Any] | None = None) -> LoadedTemplate:
    """Read and check ``path``; the typed template when the real system would load it.

    ``rule_settings`` is the ``[lint]`` table of the configuration (disabled rules
    and severities apply here as in ``validate``).

    Raises:
        InputFileError: ``path`` does not exist, is not a regular file or cannot be read.
        ConfigError: ``rule_settings`` is invalid.
    """
    if path.is_dir():
        raise InputFileError(
            f"{path} is a directory",
            hint="pass a task-template file (`tasker-ctl validate` lints whole directories)",
        )
    if not path.is_file():
        raise InputFileError(
            f"template {path} does not exist" if not path.exists() else f"{path} is not a file",
            hint="pass the path of a task template YAML file",
        )
    options = LintOptions(handler_check=False, rule_settings=dict(rule_settings or {}))
    result, document = Linter(options).read_and_lint(path)
    return LoadedTemplate(path, result.template, result.diagnostics, document.root)
