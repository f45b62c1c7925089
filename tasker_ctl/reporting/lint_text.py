"""``tasker-ctl validate`` text output: findings grouped per file, then a summary.

::

    config/tasks/order.yaml
      12:9   error    Step 'charge' depends on 'validate_card' which does not exist  MISSING_DEP_REF
                      hint: did you mean 'validate_cart'?

    1 error, 0 warnings, 0 info in 1 of 3 files

Lines are never folded (``soft_wrap``), so the output is identical at any
width; colours follow Rich, which honours ``NO_COLOR``. Also renders
``--list-rules`` and ``--explain``.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from tasker_ctl.validation.diagnostic import Diagnostic, LintReport, Severity
from tasker_ctl.validation.rule import Rule

STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def _line(diagnostic: Diagnostic, path: str) -> Text:
    location = diagnostic.location
    where = f"{location.line or '-'}:{location.column or '-'}"
    text = Text("  ")
    if str(location.path) != path:
        where = f"{location.path}:{where}"
    text.append(f"{where:<8}", style="dim")
    text.append(" ")
    text.append(f"{diagnostic.severity.value:<8}", style=STYLES[diagnostic.severity])
    text.append(" ")
    text.append(diagnostic.message)
    text.append("  ")
    text.append(diagnostic.rule_id, style="dim")
    return text


def print_report(console: Console, report: LintReport) -> None:
    """Print the findings per file and a summary line."""
    groups: list[tuple[str, tuple[Diagnostic, ...]]] = [
        (str(result.path), result.diagnostics) for result in report.files if result.diagnostics
    ]
    if report.diagnostics:
        groups.append(("(across files)", report.diagnostics))
    for path, diagnostics in groups:
        console.print(Text(path, style="bold underline"), soft_wrap=True)
        for diagnostic in diagnostics:
            console.print(_line(diagnostic, path), soft_wrap=True)
            if diagnostic.hint:
                console.print(
                    Text(" " * 20 + f"hint: {diagnostic.hint}", style="dim"), soft_wrap=True
                )
        console.print()
    console.print(_summary(report), soft_wrap=True)


def _summary(report: LintReport) -> Text:
    counts = report.counts()
    files = len(report.files)
    if not any(counts.values()):
        return Text(f"no problems in {files} file{'s' if files != 1 else ''}", style="green")
    flagged = sum(1 for f in report.files if f.diagnostics)
    text = Text()
    parts = [
        (counts[Severity.ERROR], "error", Severity.ERROR),
        (counts[Severity.WARNING], "warning", Severity.WARNING),
        (counts[Severity.INFO], "info", Severity.INFO),
    ]
    for i, (count, word, severity) in enumerate(parts):
        plural = "s" if count != 1 and word != "info" else ""
        text.append(f"{count} {word}{plural}", style=STYLES[severity] if count else "")
        text.append(", " if i < len(parts) - 1 else "")
    text.append(f" in {flagged} of {files} file{'s' if files != 1 else ''}")
    return text


def print_rule_list(console: Console, rules: list[Rule]) -> None:
    """``--list-rules``: ID, default severity, category and summary."""
    width = max(len(r.id) for r in rules)
    for rule in rules:
        text = Text(f"{rule.id:<{width}}  ")
        text.append(f"{rule.severity.value:<8}", style=STYLES[rule.severity])
        text.append(f" {rule.category:<12} ", style="dim")
        text.append(rule.summary)
        console.print(text, soft_wrap=True)


def print_rule_doc(console: Console, rule: Rule) -> None:
    """``--explain RULE``: the rule's documentation."""
    header = Text(rule.id, style="bold")
    header.append(f"  ({rule.severity.value}, {rule.category})", style="dim")
    console.print(header, soft_wrap=True)
    console.print()
    console.print(Text(_dedent(rule.doc)), soft_wrap=True)


def _dedent(doc: str) -> str:
    import inspect

    return inspect.cleandoc(doc)
