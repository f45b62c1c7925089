"""``tasker-ctl validate --format github``: GitHub Actions workflow-command annotations.

One ``::error``/``::warning``/``::notice`` line per finding, with ``file``,
``line``, ``col`` and ``title`` (the rule ID) properties, then a plain summary
line. Escaping follows the runner's rules: in the message ``%``, CR and LF
become ``%25``, ``%0D``, ``%0A``; in property values ``:`` and ``,`` are also
escaped (``%3A``, ``%2C``). GitHub shows at most 10 annotations of each level
per step, so the summary line always gives the full counts (use
``--format sarif`` with code scanning for large reports).
"""

from __future__ import annotations

from tasker_ctl.validation.diagnostic import Diagnostic, LintReport, Severity

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """Escape a workflow-command message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow-command property value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(diagnostic: Diagnostic) -> str:
    """One annotation line (a pure function of the diagnostic)."""
    location = diagnostic.location
    props = [f"file={escape_property(str(location.path))}"]
    if location.line is not None:
        props.append(f"line={location.line}")
        if location.column is not None:
            props.append(f"col={location.column}")
    props.append(f"title={escape_property(diagnostic.rule_id)}")
    message = diagnostic.message
    if diagnostic.hint:
        message += f"\n(hint: {diagnostic.hint})"
    return f"::{COMMANDS[diagnostic.severity]} {','.join(props)}::{escape_data(message)}"


def render_github(report: LintReport) -> str:
    """All annotations and the summary line."""
    lines = [annotation(d) for d in report.all_diagnostics]
    counts = report.counts()
    lines.append(
        f"tasker-ctl validate: {len(report.files)} file(s), {counts[Severity.ERROR]} error(s), "
        f"{counts[Severity.WARNING]} warning(s), {counts[Severity.INFO]} note(s)"
    )
    return "\n".join(lines) + "\n"
