"""``tasker-ctl template list|info|generate``: scaffold handlers and task templates."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tasker_ctl.cli.boundary import command_boundary
from tasker_ctl.cli.common import note, settings_from, warn
from tasker_ctl.errors import ParameterError
from tasker_ctl.reporting.console import stdout_console

app = typer.Typer(
    help="Generate step handlers and task templates from built-in or plugin templates.",
    no_args_is_help=True,
)

LanguageOption = Annotated[
    str | None,
    typer.Option("--language", "-l", help="python, ruby, typescript or rust (py, rb, ts, rs)."),
]
PluginOption = Annotated[
    str | None,
    typer.Option("--plugin", help="Take the template from this plugin ('built-in' for ours)."),
]


@app.command("list")
@command_boundary
def list_templates(
    ctx: typer.Context,
    language: LanguageOption = None,
    output_format: Annotated[
        str, typer.Option("--format", help="text or json.", case_sensitive=False)
    ] = "text",
) -> int:
    """List the available templates (built-in and from plugin-paths)."""
    from tasker_ctl.reporting.scaffold import print_template_list
    from tasker_ctl.scaffold import build_catalog

    fmt = _check_format(output_format, ("text", "json"))
    catalog = build_catalog(settings_from(ctx).plugin_paths)
    for message in catalog.warnings:
        warn(message)
    templates = catalog.filtered(language)
    if not templates and fmt == "text":
        warn(f"no templates found for language '{language}'")
    print_template_list(stdout_console(), templates, as_json=fmt == "json")
    return 0


@app.command("info")
@command_boundary
def info(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help="Template name, e.g. step_handler.")],
    language: LanguageOption = None,
    plugin: PluginOption = None,
) -> int:
    """Show a template's parameters (required, defaults, choices) and the files it writes."""
    from tasker_ctl.reporting.scaffold import print_template_info
    from tasker_ctl.scaffold import build_catalog, load_template_manifest

    settings = settings_from(ctx)
    catalog = build_catalog(settings.plugin_paths)
    selection = catalog.find(
        kind, language=language, plugin=plugin, preferred_language=settings.default_language
    )
    manifest = load_template_manifest(selection.source.directory)
    print_template_info(stdout_console(), selection.source, manifest)
    return 0


@app.command("generate")
@command_boundary
def generate(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help="Template name, e.g. step_handler.")],
    language: LanguageOption = None,
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="Template parameter KEY=VALUE (repeatable)."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Output directory (default: config or '.').", file_okay=False
        ),
    ] = None,
    plugin: PluginOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the files and a diff; write nothing.")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
    skip_existing: Annotated[
        bool, typer.Option("--skip-existing", help="Keep existing files; write only new ones.")
    ] = False,
) -> int:
    """Render a template into files. Existing files are an error unless --force/--skip-existing."""
    from tasker_ctl.reporting.scaffold import print_generate_result
    from tasker_ctl.scaffold import ConflictPolicy, GenerateRequest, parse_param_args
    from tasker_ctl.scaffold import generate as run_generate

    if force and skip_existing:
        raise ParameterError("--force and --skip-existing cannot be used together")
    settings = settings_from(ctx)
    policy = (
        ConflictPolicy.FORCE
        if force
        else ConflictPolicy.SKIP
        if skip_existing
        else ConflictPolicy.ERROR
    )
    request = GenerateRequest(
        kind=kind,
        params=parse_param_args(param or []),
        output_dir=output or settings.default_output_dir or Path.cwd(),
        language=language,
        preferred_language=settings.default_language,
        plugin=plugin,
        policy=policy,
        dry_run=dry_run,
        plugin_paths=settings.plugin_paths,
    )
    result = run_generate(request)
    for message in result.warnings:
        warn(message)
    for other in result.selection.shadowed:
        note(f"using {result.selection.source.label}; {other.origin} offers it too (see --plugin)")
    print_generate_result(stdout_console(), result, show_diff=dry_run)
    return 0


def _check_format(value: str, allowed: tuple[str, ...]) -> str:
    lowered = value.lower()
    if lowered not in allowed:
        raise ParameterError(f"unknown --format '{value}'; choose one of: {', '.join(allowed)}")
    return lowered
