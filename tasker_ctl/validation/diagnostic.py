"""Lint results as data: ``Severity``, ``Diagnostic``, ``FileResult`` and ``LintReport``.

A finding is never an exception. Every rule yields :class:`Diagnostic` values;
the engine collects them per file into a :class:`FileResult`, and
``lint_paths`` gathers the files into a :class:`LintReport`, whose
:meth:`LintReport.exit_code` follows the product contract (0 clean, 1 findings;
warnings fail only with ``strict``; ``info`` never fails).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tasker_ctl.errors import ExitCode, Location

if TYPE_CHECKING:
    from tasker_ctl.model.template import TaskTemplate


class Severity(enum.StrEnum):
    """How bad a finding is. ``error`` always fails, ``warning`` fails with ``--strict``."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for errors, 1 for warnings, 2 for info (sort key: worst first)."""
        return _RANK[self]


_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding: a rule, a severity, a message and where it is."""

    rule_id: str
    severity: Severity
    message: str
    location: Location
    pointer: str = ""
    """JSON pointer of the offending value, e.g. ``/steps/2/handler/callable``."""
    step: str | None = None
    hint: str | None = None

    @property
    def sort_key(self) -> tuple[int, int, str, str]:
        """Order within a file: by line, column, then rule and message."""
        return (
            self.location.line or 0,
            self.location.column or 0,
            self.rule_id,
            self.message,
        )


@dataclass(frozen=True)
class FileResult:
    """The lint result of one file.

    ``template`` is the typed model of the file, or ``None`` when the file does
    not load (syntax, encoding or serde-level errors: what makes the real system
    reject the file). It is built on first access, so linting alone never pays
    for pydantic.
    """

    path: Path
    diagnostics: tuple[Diagnostic, ...]
    data: dict[str, Any] | None = None
    """The file as the real system reads it (serde semantics), or ``None``.

    Kept only for a single file (:func:`~tasker_ctl.validation.lint_file`); a
    many-file lint drops it once the file is linted, so memory stays flat.
    """
    loads: bool = False
    """Whether the real system loads the file (no syntax, encoding or serde-level error)."""
    _template_factory: Callable[[], TaskTemplate | None] | None = field(
        default=None, repr=False, compare=False
    )
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def template(self) -> TaskTemplate | None:
        """The typed template, or ``None`` when the file does not load."""
        if "template" not in self._cache:
            factory = self._template_factory
            self._cache["template"] = factory() if factory is not None else None
        result: TaskTemplate | None = self._cache["template"]
        return result

    @property
    def has_errors(self) -> bool:
        """Whether any finding is an error."""
        return any(d.severity is Severity.ERROR for d in self.diagnostics)

    @property
    def has_warnings(self) -> bool:
        """Whether any finding is a warning."""
        return any(d.severity is Severity.WARNING for d in self.diagnostics)

    def by_rule(self, rule_id: str) -> list[Diagnostic]:
        """The findings of one rule."""
        return [d for d in self.diagnostics if d.rule_id == rule_id]


@dataclass
class LintTally:
    """Running totals of a lint, for reports written while files are still being linted."""

    files: int = 0
    files_with_findings: int = 0
    counts: dict[Severity, int] = field(default_factory=lambda: dict.fromkeys(Severity, 0))

    def add(self, diagnostics: Iterable[Diagnostic], *, file: bool = True) -> None:
        """Count one file's findings (``file=False``: findings that span files)."""
        found = False
        for diagnostic in diagnostics:
            self.counts[diagnostic.severity] += 1
            found = True
        if file:
            self.files += 1
            self.files_with_findings += found

    def exit_code(self, *, strict: bool = False) -> ExitCode:
        """0 when clean, 1 on errors (or warnings with ``strict``)."""
        if self.counts[Severity.ERROR] or (strict and self.counts[Severity.WARNING]):
            return ExitCode.FINDINGS
        return ExitCode.OK


@dataclass(frozen=True)
class LintReport:
    """All files linted in one call, in the order they were found."""

    files: tuple[FileResult, ...]
    diagnostics: tuple[Diagnostic, ...] = ()
    """Findings that span files (e.g. duplicate template identities)."""

    @property
    def all_diagnostics(self) -> list[Diagnostic]:
        """Every finding, per file in order, then the cross-file ones."""
        found: list[Diagnostic] = []
        for result in self.files:
            found.extend(result.diagnostics)
        found.extend(self.diagnostics)
        return found

    def tally(self) -> LintTally:
        """The report's totals."""
        tally = LintTally()
        for result in self.files:
            tally.add(result.diagnostics)
        tally.add(self.diagnostics, file=False)
        return tally

    def counts(self) -> dict[Severity, int]:
        """Number of findings per severity."""
        return self.tally().counts

    def exit_code(self, *, strict: bool = False) -> ExitCode:
        """0 when clean, 1 on errors (or warnings with ``strict``)."""
        return self.tally().exit_code(strict=strict)


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> tuple[Diagnostic, ...]:
    """Sort by position and drop exact duplicates, keeping the first."""
    seen: set[Diagnostic] = set()
    unique = []
    for diagnostic in diagnostics:
        if diagnostic not in seen:
            seen.add(diagnostic)
            unique.append(diagnostic)
    return tuple(sorted(unique, key=lambda d: d.sort_key))
