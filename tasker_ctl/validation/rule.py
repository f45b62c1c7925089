"""The rule contract: one module per rule, with an ID, a severity, docs and a check.

A rule module defines (yamllint-style, but typed):

* ``ID``: the stable UPPER_SNAKE rule ID (the SDK's codes are kept verbatim);
* ``SEVERITY``: the default :class:`~tasker_ctl.validation.diagnostic.Severity`;
* its module docstring: the user documentation printed by
  ``tasker-ctl validate --explain ID``, with PASS/FAIL YAML examples;
* ``check(ctx)``: a generator of
  :class:`~tasker_ctl.validation.serde.Finding` for one template, or
  ``CHECK = None`` for rules whose findings come from the loader or the serde
  reader (they are documented and configurable like the others).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import ModuleType

from tasker_ctl.validation.context import RuleContext
from tasker_ctl.validation.diagnostic import Severity
from tasker_ctl.validation.serde import Finding

Check = Callable[[RuleContext], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    """A registered rule."""

    id: str
    severity: Severity
    doc: str
    check: Check | None
    category: str

    @property
    def summary(self) -> str:
        """The first line of the documentation."""
        return self.doc.strip().splitlines()[0].strip() if self.doc.strip() else self.id


def rule_from_module(module: ModuleType, category: str) -> Rule:
    """Build a :class:`Rule` from a rule module's ``ID``, ``SEVERITY``, docstring and check."""
    check = getattr(module, "check", None)
    return Rule(
        id=module.ID,
        severity=module.SEVERITY,
        doc=module.__doc__ or "",
        check=check,
        category=category,
    )
