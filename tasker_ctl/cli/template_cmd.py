"""``tasker-ctl template list|info|generate``: scaffold handlers and task templates."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from tasker_ctl.cli.boundary import command_boundary
from tasker_ctl.cli.common import QuietOption, note, settings_from, warn
from tasker_ctl.config import Settings
from tasker_ctl.errors import ParameterError
from tasker_ctl.reporting.console import stdout_console
from tasker_ctl.suggest import did_you_mean

if TYPE_CHECKING:
    from tasker_ctl.scaffold import Catalog

app = typer.Typer(
    help="Generate step handlers and task templates from built-in or plugin templates.",
    no_args_is_help=True,
)

LanguageOption = Annotated[
    str | None,
    typer.Option("--language", "-l", help="python, ruby, typescript or rust (py, rb, ts, rs)."),
]
RemoteOption = Annotated[
    str | None,
    typer.Option(
        "--remote", help="Serve the plugins of this configured remote (see 'remote list')."
    ),
]
UrlOption = Annotated[
    str | None,
    typer.Option("--url", help="Serve the plugins of this git repository (fetched and cached)."),
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
    framework: Annotated[
        str | None,
        typer.Option(
            "--framework", "-f", help="Only plugin templates for this framework (rails...)."
        ),
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", help="text or json.", case_sensitive=False)
    ] = "text",
    remote: RemoteOption = None,
    url: UrlOption = None,
) -> int:
    """List the available templates (plugin-paths, remotes, then built-ins)."""
    from tasker_ctl.reporting.scaffold import print_template_list

    fmt = _check_format(output_format, ("text", "json"))
    _, catalog = _catalog(ctx, remote, url)
    templates = catalog.filtered(language, framework)
    if not templates and fmt == "text":
        if language is not None and not catalog.filtered(language):
            close = did_you_mean(str(language).lower(), catalog.languages())
            warn(f"no templates found for language '{language}'" + (f"; {close}" if close else ""))
        else:
            close = did_you_mean(str(framework).lower(), catalog.frameworks())
            known = ", ".join(catalog.frameworks()) or "none"
            warn(
                f"no templates found for framework '{framework}' (frameworks: {known})"
                + (f"; {close}" if close else "")
            )
    print_template_list(stdout_console(), templates, as_json=fmt == "json")
    return 0


@app.command("info")
@command_boundary
def info(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help="Template name, e.g. step_handler.")],
    language: LanguageOption = None,
    plugin: PluginOption = None,
    remote: RemoteOption = None,
    url: UrlOption = None,
) -> int:
    """Show a template's parameters (required, defaults, choices) and the files it writes."""
    from tasker_ctl.reporting.scaffold import print_template_info
    from tasker_ctl.scaffold import load_template_manifest

    settings, catalog = _catalog(ctx, remote, url)
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
        bool,
        typer.Option(
            "--dry-run",
            help="Show every file's diff and write nothing; exit 1 if a real run would "
            "refuse (files exist with other content).",
        ),
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing files.")] = False,
    skip_existing: Annotated[
        bool, typer.Option("--skip-existing", help="Keep existing files; write only new ones.")
    ] = False,
    quiet: QuietOption = False,
    remote: RemoteOption = None,
    url: UrlOption = None,
) -> int:
    """Render a template into files. Existing files are an error unless --force/--skip-existing."""
    from tasker_ctl.reporting.scaffold import print_generate_result
    from tasker_ctl.scaffold import ConflictPolicy, GenerateRequest, parse_param_args
    from tasker_ctl.scaffold import generate as run_generate

    if force and skip_existing:
        raise ParameterError("--force and --skip-existing cannot be used together")
    settings, catalog = _catalog(ctx, remote, url)
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
    )
    result = run_generate(request, catalog)
    if not quiet:
        for other in result.selection.shadowed:
            note(
                f"using {result.selection.source.label}; {other.origin} offers it too "
                "(see --plugin)"
            )
        for message in result.notes:
            note(message)
        print_generate_result(stdout_console(), result, show_diff=dry_run)
    return 1 if dry_run and result.plan.conflicts else 0


def _catalog(
    ctx: typer.Context, remote: str | None = None, url: str | None = None
) -> tuple[Settings, Catalog]:
    """The settings and the template catalog; prints their warnings on stderr.

    Plugins come from ``plugin-paths``, then the configured remotes (or only
    ``--remote``/``--url``), fetched into the cache when not cached yet.
    """
    from tasker_ctl.remotes.sources import plugin_search
    from tasker_ctl.scaffold import build_catalog

    settings = settings_from(ctx)
    search = plugin_search(
        settings.plugin_paths,
        settings.remotes,
        settings.cache_max_age_hours,
        remote_name=remote,
        url=url,
    )
    for message in search.notes:
        note(message)
    for message in search.warnings:
        warn(message)
    catalog = build_catalog(search.paths)
    for message in catalog.warnings:
        warn(message)
    return settings, catalog


def _check_format(value: str, allowed: tuple[str, ...]) -> str:
    lowered = value.lower()
    if lowered not in allowed:
        raise ParameterError(f"unknown --format '{value}'; choose one of: {', '.join(allowed)}")
    return lowered
