"""``tasker-ctl plugin list|validate``: the plugins this project sees, and checking one.

``list`` shows the plugins found on ``plugin-paths`` and in the configured
remotes (fetched into the cache when not cached yet), in precedence order.
``validate PATH`` checks one plugin directory (see
:func:`tasker_ctl.scaffold.catalog.check_plugin`) and exits 0 when it has no
errors (warnings allowed), 1 when it has, 2 when PATH is not a directory.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from tasker_ctl.cli.boundary import command_boundary
from tasker_ctl.cli.common import note, settings_from, warn
from tasker_ctl.errors import ExitCode, InputFileError, ParameterError

app = typer.Typer(
    help="List the plugins in use, or check a plugin directory.", no_args_is_help=True
)

FormatOption = Annotated[str, typer.Option("--format", help="text or json.", case_sensitive=False)]


def _format(value: str) -> str:
    lowered = value.lower()
    if lowered not in ("text", "json"):
        raise ParameterError(f"unknown --format '{value}'; choose one of: text, json")
    return lowered


@app.command("list")
@command_boundary
def list_plugins(ctx: typer.Context, output_format: FormatOption = "text") -> int:
    """List the plugins found on plugin-paths and in the configured remotes."""
    from tasker_ctl.errors import TemplateDefinitionError
    from tasker_ctl.remotes.sources import plugin_search
    from tasker_ctl.scaffold.catalog import discover_plugin_dirs
    from tasker_ctl.scaffold.manifest import load_plugin_manifest

    fmt = _format(output_format)
    settings = settings_from(ctx)
    search = plugin_search(settings.plugin_paths, settings.remotes, settings.cache_max_age_hours)
    for message in search.notes:
        note(message)
    for message in search.warnings:
        warn(message)
    directories, problems = discover_plugin_dirs(search.paths)
    for message in problems:
        warn(message)
    rows: list[dict[str, Any]] = []
    for directory in directories:
        try:
            manifest = load_plugin_manifest(directory)
        except TemplateDefinitionError as exc:
            warn(f"skipped plugin {directory}: {exc}")
            continue
        for message in manifest.warnings:
            warn(message)
        remote = next(
            (name for base, name in search.remote_dirs.items() if directory.is_relative_to(base)),
            None,
        )
        rows.append(
            {
                "name": manifest.name,
                "version": manifest.version,
                "language": manifest.language,
                "framework": manifest.framework,
                "description": manifest.description,
                "path": str(directory),
                "remote": remote,
                "templates": [
                    {"name": t.name, "description": t.description} for t in manifest.templates
                ],
            }
        )
    if fmt == "json":
        typer.echo(json.dumps(rows, indent=2))
        return 0
    if not rows:
        warn("no plugins found")
        if not settings.plugin_paths and not settings.remotes:
            note(
                'set plugin-paths in .tasker-ctl.toml (plugin-paths = ["./plugins"]) '
                "or add a remote with 'tasker-ctl remote add'"
            )
        return 0
    for row in rows:
        framework = row["framework"] or "-"
        source = f", remote {row['remote']}" if row["remote"] else ""
        typer.echo(f"{row['name']} (v{row['version']}) [{row['language']}/{framework}]{source}")
        typer.echo(f"    {row['description']}")
        typer.echo(f"    Path: {row['path']}")
        for template in row["templates"]:
            typer.echo(f"      - {template['name']}: {template['description']}")
    return 0


@app.command("validate")
@command_boundary
def validate_plugin(
    path: Annotated[
        Path, typer.Argument(help="The plugin directory (holding tasker-plugin.toml).")
    ],
    output_format: FormatOption = "text",
) -> int:
    """Check a plugin: manifest, template references, template.toml, .tera syntax, rendering."""
    from tasker_ctl.scaffold.catalog import check_plugin
    from tasker_ctl.scaffold.render import render_template

    fmt = _format(output_format)
    if not path.is_dir():
        raise InputFileError(
            f"{path} is not a directory" if path.exists() else f"{path} does not exist",
            hint="give the plugin directory, the one holding tasker-plugin.toml",
        )
    check = check_plugin(path, sample_render=render_template)
    warnings = len(check.findings) - check.errors
    code = ExitCode.FINDINGS if check.errors else ExitCode.OK
    if fmt == "json":
        manifest = check.manifest
        document = {
            "version": 1,
            "plugin": None
            if manifest is None
            else {
                "name": manifest.name,
                "version": manifest.version,
                "language": manifest.language,
                "framework": manifest.framework,
                "templates": len(manifest.templates),
            },
            "path": str(path),
            "findings": [
                {
                    "code": f.code,
                    "severity": f.severity,
                    "message": f.message,
                    "path": str(f.path),
                    "line": f.line,
                    "column": f.column,
                    "hint": f.hint,
                }
                for f in check.findings
            ],
            "summary": {
                "templates_checked": check.templates_checked,
                "error": check.errors,
                "warning": warnings,
                "exit_code": int(code),
            },
        }
        typer.echo(json.dumps(document, indent=2))
        return int(code)
    if check.manifest is not None:
        m = check.manifest
        framework = f"/{m.framework}" if m.framework else ""
        typer.echo(f"Plugin {m.name} (v{m.version}) [{m.language}{framework}]: {path}")
    for f in check.findings:
        where = str(f.path)
        if f.line is not None:
            where += f":{f.line}" + (f":{f.column}" if f.column is not None else "")
        typer.echo(f"{where}: {f.severity}[{f.code}]: {f.message}")
        if f.hint:
            typer.echo(f"    hint: {f.hint}")
    typer.echo(
        f"{check.templates_checked} template(s) checked: "
        f"{check.errors} error(s), {warnings} warning(s)"
    )
    return int(code)
