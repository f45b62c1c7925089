"""``tasker-ctl validate`` text output: findings grouped per file, then a summary.

::

    config/tasks/order.yaml
      12:9     error    Step 'charge' depends on 'validate_card' which does not exist  MISSING_...
                        hint: did you mean 'validate_cart'?

    1 error, 0 warnings, 0 info in 1 of 3 files

The report is built as styled segments. On a terminal it is printed with Rich
(colours; ``NO_COLOR`` turns them off, ``FORCE_COLOR`` forces them); otherwise
the same lines are written as plain text without importing Rich, which keeps
``tasker-ctl validate`` in CI and pre-commit fast. Lines are never folded, so
the output is identical at any width. Names, messages and paths go through
:func:`~tasker_ctl.reporting.console.clean` with ``one_line``: control
characters become escapes, since a raw newline would break the layout and, in a
CI log, a line starting with ``::error::`` is read as a GitHub workflow
command. Also renders ``--list-rules`` and ``--explain``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import TextIO

from tasker_ctl.reporting.console import clean, literal
from tasker_ctl.validation.diagnostic import Diagnostic, LintReport, Severity
from tasker_ctl.validation.rule import Rule

STYLES = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
Line = list[tuple[str, str]]
"""One output line: (text, Rich style) segments."""


def _diagnostic_line(diagnostic: Diagnostic, path: str) -> Line:
    location = diagnostic.location
    where = f"{location.line or '-'}:{location.column or '-'}"
    if str(location.path) != path:
        where = f"{clean(str(location.path), one_line=True)}:{where}"
    return [
        ("  ", ""),
        (f"{where:<8}", "dim"),
        (" ", ""),
        (f"{diagnostic.severity.value:<8}", STYLES[diagnostic.severity]),
        (" ", ""),
        (clean(diagnostic.message, one_line=True), ""),
        ("  ", ""),
        (diagnostic.rule_id, "dim"),
    ]


def report_lines(report: LintReport) -> Iterator[Line]:
    """The report as styled lines."""
    groups: list[tuple[str, tuple[Diagnostic, ...]]] = [
        (str(result.path), result.diagnostics) for result in report.files if result.diagnostics
    ]
    if report.diagnostics:
        groups.append(("(across files)", report.diagnostics))
    for path, diagnostics in groups:
        yield [(clean(path, one_line=True), "bold underline")]
        for diagnostic in diagnostics:
            yield _diagnostic_line(diagnostic, path)
            if diagnostic.hint:
                yield [(" " * 20 + f"hint: {clean(diagnostic.hint, one_line=True)}", "dim")]
        yield []
    yield _summary(report)


def _summary(report: LintReport) -> Line:
    counts = report.counts()
    files = len(report.files)
    noun = "file" if files == 1 else "files"
    if not any(counts.values()):
        return [(f"no problems in {files} {noun}", "green")]
    flagged = sum(1 for f in report.files if f.diagnostics)
    parts = [
        (counts[Severity.ERROR], "error", Severity.ERROR),
        (counts[Severity.WARNING], "warning", Severity.WARNING),
        (counts[Severity.INFO], "info", Severity.INFO),
    ]
    line: Line = []
    for i, (count, word, severity) in enumerate(parts):
        plural = "s" if count != 1 and word != "info" else ""
        line.append((f"{count} {word}{plural}", STYLES[severity] if count else ""))
        line.append((", " if i < len(parts) - 1 else "", ""))
    line.append((f" in {flagged} of {files} {noun}", ""))
    return line


def rule_list_lines(rules: list[Rule]) -> Iterator[Line]:
    """``--list-rules``: ID, default severity, category and summary."""
    width = max(len(r.id) for r in rules)
    for rule in rules:
        yield [
            (f"{rule.id:<{width}}  ", ""),
            (f"{rule.severity.value:<8}", STYLES[rule.severity]),
            (f" {rule.category:<12} ", "dim"),
            (rule.summary, ""),
        ]


def rule_doc_lines(rule: Rule) -> Iterator[Line]:
    """``--explain RULE``: the rule's documentation."""
    yield [(rule.id, "bold"), (f"  ({rule.severity.value}, {rule.category})", "dim")]
    yield []
    import inspect

    for text in inspect.cleandoc(rule.doc).splitlines():
        yield [(text, "")]


def wants_colour(stream: TextIO) -> bool:
    """Colour on a terminal, unless ``NO_COLOR`` (off) or ``FORCE_COLOR`` (on) says otherwise."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty()


def write_lines(lines: Iterator[Line], stream: TextIO | None = None) -> None:
    """Print styled lines: through Rich on a colour terminal, as plain text otherwise."""
    out = stream or sys.stdout
    if not wants_colour(out):
        out.write("".join("".join(text for text, _ in line) + "\n" for line in lines))
        out.flush()
        return
    from rich.console import Console

    console = Console(file=out, highlight=False)
    for line in lines:
        console.print(literal(*line, one_line=True), soft_wrap=True)


def render_plain(lines: Iterator[Line]) -> str:
    """The lines as plain text (for ``--output``)."""
    return "".join("".join(text for text, _ in line) + "\n" for line in lines)
