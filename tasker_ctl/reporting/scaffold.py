"""Text output of the ``template`` commands (list, info, generate)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tasker_ctl.scaffold import Action, GenerateResult, TemplateManifest, TemplateSource

_ACTION_WORDS = {
    Action.CREATE: ("created", "would create", "green"),
    Action.OVERWRITE: ("overwrote", "would overwrite", "yellow"),
    Action.SKIP: ("skipped (exists)", "would skip (exists)", "dim"),
    Action.UNCHANGED: ("unchanged", "unchanged", "dim"),
}


def print_template_list(
    console: Console, templates: Sequence[TemplateSource], *, as_json: bool
) -> None:
    """A table (or JSON array) of templates."""
    if as_json:
        rows = [
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
        console.file.write(json.dumps(rows, indent=2) + "\n")
        return
    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column("TEMPLATE", no_wrap=True)
    table.add_column("LANGUAGE", no_wrap=True)
    table.add_column("SOURCE", no_wrap=True)
    table.add_column("DESCRIPTION")
    for t in templates:
        language = f"{t.language}/{t.framework}" if t.framework else t.language
        table.add_row(t.name, language, t.origin, t.description)
    console.print(table)


def print_template_info(
    console: Console, source: TemplateSource, manifest: TemplateManifest
) -> None:
    """Parameters and outputs of one template."""
    console.print(Text.assemble(("Template: ", "bold"), manifest.name))
    console.print(
        f"  Language:    {source.language}" + (f"/{source.framework}" if source.framework else "")
    )
    version = f" (v{source.origin_version})" if source.origin_version else ""
    console.print(f"  Source:      {source.origin}{version}", soft_wrap=True)
    console.print(f"  Directory:   {source.directory}", soft_wrap=True)
    console.print(f"  Description: {manifest.description}", soft_wrap=True)
    console.print()
    console.print(Text("Parameters:", style="bold"))
    if not manifest.parameters:
        console.print("  (none)")
    table = Table(box=None, pad_edge=False, header_style="bold", show_edge=False)
    for column in ("NAME", "REQUIRED", "DEFAULT", "CHOICES", "DESCRIPTION"):
        table.add_column(column, no_wrap=column != "DESCRIPTION")
    for p in manifest.parameters:
        table.add_row(
            p.name,
            "yes" if p.is_missing_when_absent else "no",
            "" if p.default is None else p.default,
            ", ".join(p.choices),
            p.description,
        )
    if manifest.parameters:
        console.print(table)
    console.print()
    console.print(Text("Outputs:", style="bold"))
    for output in manifest.outputs:
        path = (
            f"{output.subdir.rstrip('/')}/{output.filename}" if output.subdir else output.filename
        )
        console.print(f"  {path}  [dim](from {output.template})[/]", soft_wrap=True)


def print_generate_result(console: Console, result: GenerateResult, *, show_diff: bool) -> None:
    """One line per file (and its diff on a dry run), then a summary line."""
    source = result.selection.source
    for write in result.plan.writes:
        done, would, style = _ACTION_WORDS[write.action]
        word = would if result.dry_run else done
        console.print(Text.assemble((f"{word:>19} ", style), str(write.target)), soft_wrap=True)
        if show_diff and write.changes_disk:
            console.file.write(write.diff())
    changed = sum(1 for w in result.plan.writes if w.changes_disk)
    label = f"{source.language}/{source.name}"
    if result.dry_run:
        console.print(
            f"Dry run: {changed} file(s) would be written from {label}; nothing was written.",
            soft_wrap=True,
        )
    else:
        console.print(
            f"Generated {changed} file(s) from {label} in {result.plan.output_dir}.",
            soft_wrap=True,
        )
