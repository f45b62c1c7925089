"""``tasker-ctl validate`` text output: findings grouped per file, then a summary.

::

    config/tasks/order.yaml
      12:9     error    Step 'charge' depends on 'validate_card' which does not exist  MISSING_...
          12 |       - validate_card
             |         ^
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

A finding with a line and a column is followed by that line of the file and a
``^`` under the column, like ruff and rustc (:class:`SourceLines`). The line is
read again from the file when the report is rendered (only regular files up to
the linter's size limit; nothing is shown when it cannot be read). Lines are
split where YAML splits them (LF, CRLF, CR, NEL, LS, PS), columns count code
points as the loader does (bytes for ``INVALID_ENCODING``, whose file is not
UTF-8). For display, a tab becomes four spaces, a control character its
visible escape (:func:`clean`), wide characters count two cells and combining
marks none, so the caret stays under the character it points at; a line wider
than :data:`SOURCE_WIDTH` cells is cut around the column with ``...``.
"""

from __future__ import annotations

import os
import re
import stat
import sys
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

from tasker_ctl.reporting.console import clean, literal
from tasker_ctl.validation.diagnostic import (
    Diagnostic,
    FileResult,
    LintReport,
    LintTally,
    Severity,
)
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


SOURCE_WIDTH = 100
"""Widest source excerpt shown, in terminal cells (longer lines are cut around the column)."""
SOURCE_CONTEXT = 40
"""Cells kept left of the caret when a long line is cut."""
MAX_SOURCE_BYTES = 10 * 1024 * 1024
"""Files larger than this are not read again (the linter refuses them too)."""
TAB = "    "
ELLIPSIS = "..."
_YAML_BREAKS = ("\r\n", "\r", "\x85", "\u2028", "\u2029")


def _cells(char: str) -> int:
    """Terminal cells of one printable character: 2 wide (CJK, emoji), 0 combining, else 1."""
    if char.isascii():
        return 1
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _shown(char: str) -> str:
    """How one source character is displayed: tabs expanded, controls as escapes."""
    if char == "\t":
        return TAB
    if "\udc80" <= char <= "\udcff":  # a byte that is not UTF-8 (surrogateescape)
        return f"\\x{ord(char) - 0xDC00:02x}"
    return clean(char, one_line=True)


def excerpt(text: str, column: int, width: int = SOURCE_WIDTH) -> tuple[str, int]:
    """``text`` as displayed and the cell offset of (1-based) ``column`` in it.

    A column past the end of the line points just after its last character.
    A line wider than ``width`` cells is cut to a window around the column,
    with ``...`` where something was left out.
    """
    index = max(0, min(column - 1, len(text)))
    if text.isascii() and text.isprintable() and len(text) <= width:
        return text.rstrip(), index  # the common case: one cell per character, nothing cut
    pieces: list[tuple[str, int]] = []
    for char in text:
        shown = _shown(char)
        cells = _cells(shown) if len(shown) == 1 else len(shown)
        pieces.append((shown, cells))
    caret = sum(cells for _, cells in pieces[:index])
    total = sum(cells for _, cells in pieces)
    if total <= width:
        return "".join(shown for shown, _ in pieces).rstrip(), caret
    start = index
    used = 0
    while start > 0 and used + pieces[start - 1][1] <= SOURCE_CONTEXT:
        start -= 1
        used += pieces[start][1]
    left = ELLIPSIS if start > 0 else ""
    room = width - len(left) - len(ELLIPSIS)
    end = start
    used = 0
    while end < len(pieces) and used + pieces[end][1] <= room:
        used += pieces[end][1]
        end += 1
    right = ELLIPSIS if end < len(pieces) else ""
    shown = left + "".join(s for s, _ in pieces[start:end]) + right
    offset = len(left) + sum(cells for _, cells in pieces[start:index])
    return shown.rstrip(), offset


class SourceLines:
    """Reads the lines of the files findings point at (the last file read is kept)."""

    def __init__(self) -> None:
        self._path: str | None = None
        self._lines: list[str] | None = None
        self._bytes = False

    def _load(self, path: str) -> None:
        self._path, self._lines, self._bytes = path, None, False
        try:
            target = Path(path)
            info = target.stat()
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_SOURCE_BYTES:
                return
            with target.open("rb") as handle:
                raw = handle.read(MAX_SOURCE_BYTES + 1)
        except (OSError, ValueError):
            return
        if len(raw) > MAX_SOURCE_BYTES:
            return
        try:
            text = raw.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError:
            # the loader counts lines by LF and columns in bytes in a file that is not UTF-8
            self._bytes = True
            self._lines = [line.removesuffix(b"\r").decode("latin-1") for line in raw.split(b"\n")]
            return
        for br in _YAML_BREAKS:
            text = text.replace(br, "\n")
        self._lines = text.split("\n")

    def line(self, path: str, line: int, column: int) -> tuple[str, int] | None:
        """The text of ``line`` (1-based) and the code-point ``column`` in it, or ``None``."""
        if path != self._path:
            self._load(path)
        lines = self._lines
        if lines is None or not 1 <= line <= len(lines):
            return None
        text = lines[line - 1]
        if self._bytes:
            raw = text.encode("latin-1")
            column = len(raw[: max(column - 1, 0)].decode("utf-8", "surrogateescape")) + 1
            text = raw.decode("utf-8", "surrogateescape")
        return text, column


def _source_lines(diagnostic: Diagnostic, sources: SourceLines, style: str) -> Iterator[Line]:
    location = diagnostic.location
    if not location.line or not location.column:
        return
    found = sources.line(str(location.path), location.line, location.column)
    if found is None:
        return
    shown, caret = excerpt(*found)
    number = str(location.line)
    gutter = " " * (4 + len(number))
    yield [(f"    {number} | ", "dim"), (shown, "")]
    yield [(f"{gutter} | ", "dim"), (" " * caret + "^", style)]


def file_lines(
    path: str, diagnostics: tuple[Diagnostic, ...], sources: SourceLines
) -> Iterator[Line]:
    """One file's group: its path, then each finding with its source line and hint."""
    yield [(clean(path, one_line=True), "bold underline")]
    for diagnostic in diagnostics:
        yield _diagnostic_line(diagnostic, path)
        if diagnostic.severity is not Severity.INFO:  # advice stays one line (and its hint)
            yield from _source_lines(diagnostic, sources, STYLES[diagnostic.severity])
        if diagnostic.hint:
            yield [(" " * 20 + f"hint: {clean(diagnostic.hint, one_line=True)}", "dim")]
    yield []


def report_lines(report: LintReport) -> Iterator[Line]:
    """The report as styled lines."""
    lines: list[Line] = []
    writer = TextWriter(lines.append)
    for result in report.files:
        writer.file(result)
    writer.finish(report.tally(), report.diagnostics)
    yield from lines


class TextWriter:
    """Writes each file's group as it is linted, then the summary line.

    ``put`` receives each styled line (see :func:`line_printer`); ``note`` is
    added to the summary line (e.g. how many YAML files were skipped). With
    ``quiet`` only what fails the lint is shown (errors; warnings too when
    ``strict``), and the summary line only when something failed.
    """

    def __init__(
        self,
        put: Callable[[Line], object],
        note: str = "",
        *,
        quiet: bool = False,
        strict: bool = False,
    ) -> None:
        self.put = put
        self.note = note
        self.quiet = quiet
        self.strict = strict
        self.sources = SourceLines()

    def _shown(self, diagnostics: tuple[Diagnostic, ...]) -> tuple[Diagnostic, ...]:
        if not self.quiet:
            return diagnostics
        failing = {Severity.ERROR, Severity.WARNING} if self.strict else {Severity.ERROR}
        return tuple(d for d in diagnostics if d.severity in failing)

    def file(self, result: FileResult) -> None:
        """The file's group, if it has findings."""
        shown = self._shown(result.diagnostics)
        if shown:
            for line in file_lines(str(result.path), shown, self.sources):
                self.put(line)

    def finish(self, tally: LintTally, cross_file: tuple[Diagnostic, ...] = ()) -> None:
        """Findings across files, then the summary line."""
        shown = self._shown(cross_file)
        if shown:
            for line in file_lines("(across files)", shown, self.sources):
                self.put(line)
        if self.quiet and not tally.exit_code(strict=self.strict):
            return
        summary = _summary(tally)
        if self.note:
            summary.append((f" ({self.note})", "dim"))
        self.put(summary)


def _summary(tally: LintTally) -> Line:
    counts = tally.counts
    files = tally.files
    noun = "file" if files == 1 else "files"
    if not any(counts.values()):
        return [(f"no problems in {files} {noun}", "green")]
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
    line.append((f" in {tally.files_with_findings} of {files} {noun}", ""))
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

    in_example = False
    for text in inspect.cleandoc(rule.doc).splitlines():
        if in_example and text and not text.startswith(" "):
            in_example = False
        if in_example:
            yield [(text, "cyan")]  # an example block: YAML as written
            continue
        if text.endswith("::"):  # reStructuredText's "a literal block follows"
            text = text[:-1]
            in_example = True
        yield _inline_code(text)


_INLINE_CODE = re.compile(r"``(.+?)``")


def _inline_code(text: str) -> Line:
    """A documentation line with ``literal`` spans shown as `literal` (styled on a terminal)."""
    line: Line = []
    last = 0
    for match in _INLINE_CODE.finditer(text):
        line.append((text[last : match.start()], ""))
        line.append((f"`{match.group(1)}`", "bold"))
        last = match.end()
    line.append((text[last:], ""))
    return [segment for segment in line if segment[0]] or [("", "")]


def wants_colour(stream: TextIO) -> bool:
    """Colour on a terminal, unless ``NO_COLOR`` (off) or ``FORCE_COLOR`` (on) says otherwise."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty()


def line_printer(stream: TextIO, *, colour: bool | None = None) -> Callable[[Line], None]:
    """A function that prints one styled line: through Rich on a colour terminal, else plain.

    ``colour`` ``None`` asks :func:`wants_colour`.
    """
    if not (wants_colour(stream) if colour is None else colour):

        def plain(line: Line) -> None:
            stream.write("".join(text for text, _ in line) + "\n")

        return plain
    from rich.console import Console

    console = Console(file=stream, highlight=False, force_terminal=True)

    def styled(line: Line) -> None:
        console.print(literal(*line, one_line=True), soft_wrap=True)

    return styled


def write_lines(lines: Iterator[Line], stream: TextIO | None = None) -> None:
    """Print styled lines: through Rich on a colour terminal, as plain text otherwise."""
    out = stream or sys.stdout
    put = line_printer(out)
    for line in lines:
        put(line)
    out.flush()


def render_plain(lines: Iterator[Line]) -> str:
    """The lines as plain text (for ``--output``)."""
    return "".join("".join(text for text, _ in line) + "\n" for line in lines)
