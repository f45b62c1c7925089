"""``tasker-ctl remote list|add|remove|update``: git repositories that provide plugins.

Remotes are declared in the configuration file (``[[remotes]]`` in
``.tasker-ctl.toml``, ``[[cli.remotes]]`` in ``.config/tasker.toml``) and
cached locally (see :mod:`tasker_ctl.remotes.cache`). ``add`` and ``remove``
edit the file that configuration discovery finds (or create ``.tasker-ctl.toml``
in the current directory when there is none), keeping the rest of it as it was.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Annotated

import typer

from tasker_ctl.cli.boundary import command_boundary
from tasker_ctl.cli.common import CliState, note, settings_from, warn
from tasker_ctl.config import LOCAL_CONFIG_NAME, find_config_file, is_unified_path
from tasker_ctl.errors import ConfigError, ExitCode, ParameterError
from tasker_ctl.remotes.model import (
    DEFAULT_CONFIG_PATH,
    DEFAULT_GIT_REF,
    RemoteConfig,
    name_problem,
    ref_problem,
    relative_path_problem,
    url_problem,
)

app = typer.Typer(
    help="Manage remote git repositories that provide plugins and configuration.",
    no_args_is_help=True,
)

CONTRIB_EXAMPLE = (
    "tasker-ctl remote add tasker-contrib https://github.com/tasker-systems/tasker-contrib.git"
)


@app.command("list")
@command_boundary
def list_remotes(
    ctx: typer.Context,
    output_format: Annotated[
        str, typer.Option("--format", help="text or json.", case_sensitive=False)
    ] = "text",
) -> int:
    """List the configured remotes and the state of their caches."""
    from tasker_ctl.remotes import cache

    fmt = output_format.lower()
    if fmt not in ("text", "json"):
        raise ParameterError(f"unknown --format '{output_format}'; choose one of: text, json")
    settings = settings_from(ctx)
    rows = []
    for remote in settings.remotes:
        directory = cache.cache_dir(remote.name)
        cached = cache.is_checkout(directory)
        fetched = cache.last_fetch_time(directory) if cached else None
        rows.append(
            {
                "name": remote.name,
                "url": remote.url,
                "git-ref": remote.git_ref,
                "config-path": remote.config_path,
                "plugin-path": remote.plugin_path,
                "cache": str(directory),
                "cached": cached,
                "last-fetch": int(fetched) if fetched is not None else None,
                "stale": cached and cache.is_stale(directory, settings.cache_max_age_hours),
                "damaged": not cached and os.path.lexists(directory),
            }
        )
    if fmt == "json":
        typer.echo(json.dumps(rows, indent=2))
        return 0
    if not rows:
        warn("no remotes configured")
        note(f"add one with: {CONTRIB_EXAMPLE}")
        return 0
    for row in rows:
        if row["damaged"]:
            status = "cache damaged (not a git checkout); the next use fetches it again"
        elif not row["cached"]:
            status = "not cached"
        elif row["last-fetch"] is None:
            status = "cached, fetched at an unknown time"
        else:
            age = cache.describe_age(time.time() - float(row["last-fetch"]))
            status = f"cached, fetched {age}" + (", stale" if row["stale"] else "")
        typer.echo(f"{row['name']} [{status}]")
        typer.echo(f"    URL:         {row['url']}")
        typer.echo(f"    Ref:         {row['git-ref']}")
        typer.echo(f"    Config path: {row['config-path']}")
        if row["plugin-path"] is not None:
            typer.echo(f"    Plugin path: {row['plugin-path']}")
        typer.echo(f"    Cache:       {row['cache']}")
    return 0


def _config_target(ctx: typer.Context, *, create: bool) -> Path:
    """The configuration file ``add``/``remove`` edit (see the module docstring)."""
    root = ctx.find_root()
    state = root.obj if isinstance(root.obj, CliState) else CliState()
    found = find_config_file(explicit=state.config)
    if found is not None:
        return found
    if not create:
        raise ConfigError(
            "no configuration file found, so there are no remotes to remove",
            hint=f"create {LOCAL_CONFIG_NAME} with 'tasker-ctl remote add' or 'tasker-ctl init'",
        )
    return Path.cwd() / LOCAL_CONFIG_NAME


@app.command("add")
@command_boundary
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Name of the remote (names its cache).")],
    url: Annotated[str, typer.Argument(help="Git URL (https://, ssh or file://).")],
    git_ref: Annotated[
        str, typer.Option("--git-ref", "-g", help="Branch, tag or commit to fetch.")
    ] = DEFAULT_GIT_REF,
    config_path: Annotated[
        str, typer.Option("--config-path", help="Directory of Tasker config in the repository.")
    ] = DEFAULT_CONFIG_PATH,
    plugin_path: Annotated[
        str | None,
        typer.Option("--plugin-path", help="Directory to search for plugins (default: the root)."),
    ] = None,
) -> int:
    """Add a remote to the configuration file (fetch it with 'remote update')."""
    from tasker_ctl.remotes.config_edit import add_remote_text, read_text, write_atomically

    problem = (
        name_problem(name)
        or url_problem(url)
        or ref_problem(git_ref)
        or relative_path_problem("--config-path", config_path)
        or (relative_path_problem("--plugin-path", plugin_path) if plugin_path else None)
    )
    if problem:
        raise ParameterError(problem)
    target = _config_target(ctx, create=True)
    remote = RemoteConfig(name, url, git_ref, config_path, plugin_path)
    text = read_text(target)
    new_text = add_remote_text(text, remote, unified=is_unified_path(target), path=target)
    write_atomically(target, new_text)
    typer.echo(f"Added remote '{name}' to {target}")
    note(f"run 'tasker-ctl remote update {name}' to fetch it")
    return 0


@app.command("remove")
@command_boundary
def remove(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Name of the remote.")],
) -> int:
    """Remove a remote from the configuration file and delete its cache."""
    from tasker_ctl.remotes import cache
    from tasker_ctl.remotes.config_edit import read_text, remove_remote_text, write_atomically

    target = _config_target(ctx, create=False)
    text = read_text(target)
    new_text = remove_remote_text(text, name, unified=is_unified_path(target), path=target)
    write_atomically(target, new_text)
    problem = name_problem(name)
    removed_cache = cache.remove(name) if problem is None else False
    suffix = " and its cache" if removed_cache else ""
    typer.echo(f"Removed remote '{name}'{suffix} from {target}")
    return 0


@app.command("update")
@command_boundary
def update(
    ctx: typer.Context,
    name: Annotated[
        str | None, typer.Argument(help="Only this remote (default: all of them).")
    ] = None,
) -> int:
    """Fetch the configured remotes again. A failed fetch keeps the previous cache."""
    from tasker_ctl.remotes import cache
    from tasker_ctl.remotes.sources import plugin_path_problem

    settings = settings_from(ctx)
    remotes = list(settings.remotes)
    if name is not None:
        remotes = [r for r in remotes if r.name == name]
        if not remotes:
            known = ", ".join(r.name for r in settings.remotes) or "none"
            raise ConfigError(
                f"remote '{name}' is not in the configuration (configured: {known})",
                hint="run 'tasker-ctl remote list'",
            )
    if not remotes:
        warn("no remotes configured to update")
        note(f"add one with: {CONTRIB_EXAMPLE}")
        return 0
    failed = 0
    for remote in remotes:
        outcome = cache.update(remote)
        if outcome.error is None:
            assert outcome.directory is not None
            typer.echo(f"Updated '{remote.name}' ({remote.git_ref}) -> {outcome.directory}")
            for message in outcome.warnings:
                warn(message)
            plugin_dir = outcome.directory / remote.plugin_path if remote.plugin_path else None
            if plugin_dir is not None and not plugin_dir.is_dir():
                warn(
                    f"remote '{remote.name}': "
                    f"{plugin_path_problem(remote, outcome.directory)}; no plugins will be "
                    "found there"
                )
        elif outcome.kept_previous:
            assert outcome.directory is not None
            fetched = cache.last_fetch_time(outcome.directory)
            age = cache.describe_age(time.time() - fetched) if fetched is not None else "earlier"
            warn(
                f"remote '{remote.name}': {outcome.error.message}; "
                f"kept the previous cache (fetched {age})"
            )
        else:
            failed += 1
            assert outcome.error is not None
            from tasker_ctl.cli.boundary import report_error

            report_error(
                ConfigError(
                    f"remote '{remote.name}': {outcome.error.message}; there is no cache",
                    hint=outcome.error.hint
                    or "check the URL, the ref and the network, then run it again",
                )
            )
    return int(ExitCode.USAGE) if failed else 0
