r"""``tasker-ctl validate --format github``: GitHub Actions workflow-command annotations.

One ``::error``/``::warning``/``::notice`` line per finding, with ``file``,
``line``, ``col`` and ``title`` (the rule ID) properties, then a plain summary
line. Escaping follows the runner's rules: in the message ``%``, CR and LF
become ``%25``, ``%0D``, ``%0A``; in property values ``:`` and ``,`` are also
escaped (``%3A``, ``%2C``). Text from the data (YAML values in messages, file
names) is made visible first: ESC and the other control characters (C0 but CR,
LF and tab; DEL; C1; bidi overrides) become Python-style escapes (``\x1b``), so a
template cannot colour, rewrite or fake lines of the CI log, and bytes of a file
name that are not UTF-8 become ``\xff``, so the output is always valid UTF-8.
GitHub shows at most 10 annotations of each level per step, so the summary line
always gives the full counts (use ``--format sarif`` with code scanning for large
reports).
"""

from __future__ import annotations

import io
import os
import re
from typing import TextIO

from tasker_ctl.reporting.console import clean
from tasker_ctl.validation.diagnostic import (
    Diagnostic,
    FileResult,
    LintReport,
    LintTally,
    Severity,
)

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
_LINE_BREAKS = re.compile(r"(\r|\n)")
_ESCAPED_BYTES = re.compile("[\udc80-\udcff]+")


def visible(text: str) -> str:
    r"""``text`` with control characters and undecodable bytes as visible escapes.

    CR and LF are kept (the workflow-command escaping encodes them); a byte that
    ``os.fsdecode`` could not decode (a lone surrogate ``\udcff``) is shown as
    ``\xff``.
    """
    if text.isprintable():
        return text
    text = _ESCAPED_BYTES.sub(
        lambda m: os.fsencode(m.group()).decode("ascii", "backslashreplace"), text
    )
    return "".join(
        part if part in ("\r", "\n") else clean(part, one_line=False)
        for part in _LINE_BREAKS.split(text)
    )


def escape_data(text: str) -> str:
    """Escape a workflow-command message (controls first made visible)."""
    return visible(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


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


class GithubWriter:
    """Writes one annotation line per finding as files come, then the summary line."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def file(self, result: FileResult) -> None:
        """The file's annotations."""
        for diagnostic in result.diagnostics:
            self.stream.write(annotation(diagnostic) + "\n")

    def finish(self, tally: LintTally, cross_file: tuple[Diagnostic, ...] = ()) -> None:
        """Cross-file annotations and the summary line with the full counts."""
        for diagnostic in cross_file:
            self.stream.write(annotation(diagnostic) + "\n")
        counts = tally.counts
        self.stream.write(
            f"tasker-ctl validate: {tally.files} file(s), {counts[Severity.ERROR]} error(s), "
            f"{counts[Severity.WARNING]} warning(s), {counts[Severity.INFO]} note(s)\n"
        )


def render_github(report: LintReport) -> str:
    """All annotations and the summary line."""
    buffer = io.StringIO()
    writer = GithubWriter(buffer)
    for result in report.files:
        writer.file(result)
    writer.finish(report.tally(), report.diagnostics)
    return buffer.getvalue()
