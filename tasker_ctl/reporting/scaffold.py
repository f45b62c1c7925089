"""Text output of the ``template`` commands (list, info, generate).

Names, descriptions, paths and diffs come from plugin manifests, parameters and
rendered files, so they are always printed through
:func:`~tasker_ctl.reporting.console.literal` (or ``clean``): a description
holding ``[/]`` is text, not a markup error, and an escape sequence in a
rendered file is shown, not obeyed.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence
from typing import IO, TYPE_CHECKING

from tasker_ctl.reporting.console import clean, literal
from tasker_ctl.scaffold import Action, GenerateResult, TemplateManifest, TemplateSource

if TYPE_CHECKING:  # Rich is imported where it prints: `template list` does without it
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

_ACTION_WORDS = {
    Action.CREATE: ("created", "would create", "green"),
    Action.OVERWRITE: ("overwrote", "would overwrite", "yellow"),
    Action.SKIP: ("skipped (exists)", "would skip (exists)", "dim"),
    Action.UNCHANGED: ("unchanged", "unchanged", "dim"),
}


def _line(console: Console, *parts: str | tuple[str, str]) -> None:
    """Print one line of plain text parts (``(text, style)`` tuples are styled)."""
    console.print(literal(*parts), soft_wrap=True)


def _cell(value: str) -> Text:
    return literal(value, one_line=True)


def _table(*columns: str) -> Table:
    """A borderless table whose cells wrap (long words fold) instead of being cut."""
    from rich.table import Table

    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


_LIST_COLUMNS = ("TEMPLATE", "LANGUAGE", "SOURCE", "DESCRIPTION")
_GAP = "  "
_MIN_DESCRIPTION = 16


def _template_rows(templates: Sequence[TemplateSource]) -> list[tuple[str, ...]]:
    rows = []
    for t in templates:
        language = f"{t.language}/{t.framework}" if t.framework else t.language
        rows.append(
            tuple(clean(v, one_line=True) for v in (t.name, language, t.origin, t.description))
        )
    return rows


def _fit(rows: list[tuple[str, ...]], width: int) -> list[int]:
    """Column widths that fit ``width``: the description wraps first, then the name.

    Names are never cut: in a narrow terminal they wrap onto more lines, so two
    templates that differ only at the end stay apart.
    """
    widths = [max(len(row[i]) for row in rows) for i in range(len(_LIST_COLUMNS))]
    over = sum(widths) + len(_GAP) * (len(widths) - 1) - width
    if over > 0:
        cut = min(over, max(widths[3] - _MIN_DESCRIPTION, 0))
        widths[3] -= cut
        over -= cut
    if over > 0:
        widths[0] = max(widths[0] - over, 8)
    return widths


def write_template_list(
    stream: IO[str],
    templates: Sequence[TemplateSource],
    *,
    as_json: bool,
    width: int,
    bold: bool = False,
) -> None:
    """A table (or JSON array) of templates, as plain text: no Rich needed.

    Columns are separated by two spaces and fit ``width``; a long description wraps
    in its column and, in a narrow terminal, so does a long name (never cut).
    ``bold`` makes the header bold (ANSI), for a terminal that takes colour.
    """
    if as_json:
        rows_json = [
            {
                "name": t.name,
                "language": t.language,
                "framework": t.framework,
                "source": t.origin,
                "version": t.origin_version,
                "description": t.description,
                "path": str(t.directory),
            }
            for t in templates
        ]
        stream.write(json.dumps(rows_json, indent=2) + "\n")
        return
    if not templates:
        return
    rows = _template_rows(templates)
    widths = _fit([_LIST_COLUMNS, *rows], width)
    header = _GAP.join(c.ljust(w) for c, w in zip(_LIST_COLUMNS, widths, strict=True)).rstrip()
    stream.write((f"\x1b[1m{header}\x1b[0m" if bold else header) + "\n")
    for row in rows:
        cells = [
            textwrap.wrap(value, w, break_on_hyphens=False) or [""] if len(value) > w else [value]
            for value, w in zip(row, widths, strict=True)
        ]
        for index in range(max(len(c) for c in cells)):
            parts = [
                (cell[index] if index < len(cell) else "").ljust(w)
                for cell, w in zip(cells, widths, strict=True)
            ]
            stream.write(_GAP.join(parts).rstrip() + "\n")


def print_template_list(
    console: Console, templates: Sequence[TemplateSource], *, as_json: bool
) -> None:
    """A table (or JSON array) of templates on a Rich console (see :func:`write_template_list`)."""
    write_template_list(
        console.file,
        templates,
        as_json=as_json,
        width=console.width,
        bold=console.is_terminal and not console.no_color,
    )


def print_template_info(
    console: Console, source: TemplateSource, manifest: TemplateManifest
) -> None:
    """Parameters and outputs of one template."""
    _line(console, ("Template: ", "bold"), manifest.name)
    framework = f"/{source.framework}" if source.framework else ""
    version = f" (v{source.origin_version})" if source.origin_version else ""
    _line(console, f"  Language:    {source.language}{framework}")
    _line(console, f"  Source:      {source.origin}{version}")
    _line(console, f"  Directory:   {source.directory}")
    _line(console, f"  Description: {manifest.description}")
    console.print()
    _line(console, ("Parameters:", "bold"))
    if manifest.parameters:
        table = _table("NAME", "REQUIRED", "DEFAULT", "CHOICES", "DESCRIPTION")
        for p in manifest.parameters:
            table.add_row(
                _cell(p.name),
                "yes" if p.is_missing_when_absent else "no",
                _cell("" if p.default is None else p.default),
                _cell(", ".join(p.choices)),
                _cell(p.description),
            )
        # Names keep their whole width (up to 30) before any other column gives way.
        table.columns[0].min_width = min(max(len(p.name) for p in manifest.parameters), 30)
        table.columns[1].min_width = len("REQUIRED")
        console.print(table)
    else:
        _line(console, "  (none)")
    console.print()
    _line(console, ("Outputs:", "bold"))
    for output in manifest.outputs:
        path = (
            f"{output.subdir.rstrip('/')}/{output.filename}" if output.subdir else output.filename
        )
        _line(console, f"  {path}  ", (f"(from {output.template})", "dim"))


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``1 file``, ``2 files``: the count and the noun in the right number."""
    return f"{count} {singular if count == 1 else plural_form or singular + 's'}"


_DIFF_STYLES = (("+++ ", "bold"), ("--- ", "bold"), ("@@", "cyan"), ("+", "green"), ("-", "red"))


def diff_text(diff: str) -> Text:
    """A unified diff as Rich text: added lines green, removed red, hunks cyan.

    Rich drops the styles when the console is not a terminal (or ``NO_COLOR`` is set),
    so a piped diff stays plain and ``patch``-able.
    """
    from rich.text import Text

    text = Text()
    for line in clean(diff).splitlines(keepends=True):
        style = next((s for prefix, s in _DIFF_STYLES if line.startswith(prefix)), "")
        text.append(line, style=style or None)
    return text


def print_generate_result(console: Console, result: GenerateResult, *, show_diff: bool) -> None:
    """One line per file (and its diff on a dry run), then a summary line.

    A dry run shows the diff of every file whose content would differ from the disk,
    including files a real run would refuse (``would conflict``) or keep
    (``--skip-existing``).
    """
    source = result.selection.source
    for write in result.plan.writes:
        done, would, style = _ACTION_WORDS[write.action]
        word = would if result.dry_run else done
        if write.conflict:
            word, style = "would conflict", "bold red"
        _line(console, (f"{word:>19} ", style), str(write.target))
        if show_diff and write.action is not Action.UNCHANGED:
            console.print(diff_text(write.diff()), end="", soft_wrap=True)
    changed = sum(1 for w in result.plan.writes if w.changes_disk)
    label = f"{source.language}/{source.name}"
    if result.dry_run:
        conflicts = len(result.plan.conflicts)
        would = f"Dry run: {plural(changed, 'file')} would be written from {label}"
        if conflicts:
            exist = "exists" if conflicts == 1 else "exist"
            would += (
                f", but {plural(conflicts, 'file')} already {exist} with other content, so a "
                "real run would refuse (pass --force or --skip-existing)"
            )
        _line(console, f"{would}; nothing was written.")
    else:
        _line(
            console,
            f"Generated {plural(changed, 'file')} from {label} in {result.plan.output_dir}.",
        )
