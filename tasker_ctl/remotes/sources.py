"""Which directories are searched for plugins, and in what order.

As the real tool serves them: the configured ``plugin-paths`` first, then each
configured remote's cached checkout (its ``plugin-path`` inside the repository,
default the repository root), in the order the remotes are declared. With
``--remote NAME`` only that remote is added after ``plugin-paths``; with
``--url URL`` only that repository. Our built-in templates come after all of
these (see :mod:`tasker_ctl.scaffold.catalog`).

A remote that cannot be fetched and has no cache is left out with a warning
when all remotes are served, and is an error when it was asked for by name or
URL. A plugin path that does not exist in the fetched repository is the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tasker_ctl.errors import ConfigError
from tasker_ctl.remotes import cache
from tasker_ctl.remotes.git import RemoteError
from tasker_ctl.remotes.model import RemoteConfig, url_problem


@dataclass
class PluginSearch:
    """The directories to search for plugins, in precedence order, and the warnings."""

    paths: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """What was fetched during the search (first use of a remote)."""
    remote_dirs: dict[Path, str] = field(default_factory=dict)
    """Search directories that came from a remote: directory -> remote name."""


def _remote_plugin_dir(remote: RemoteConfig, checkout: Path, label: str) -> Path:
    directory = checkout / remote.plugin_path if remote.plugin_path else checkout
    if not directory.is_dir():
        raise RemoteError(
            f"{label}: {plugin_path_problem(remote, checkout)}",
            hint="fix plugin-path in the configuration (a directory inside the repository)",
        )
    return directory


def plugin_path_problem(remote: RemoteConfig, checkout: Path) -> str:
    """Why the remote's ``plugin-path`` is not a directory of the checkout at ``checkout``."""
    what = (
        "is not a directory"
        if (checkout / (remote.plugin_path or "")).exists()
        else ("does not exist")
    )
    return f"plugin-path '{remote.plugin_path}' {what} in the repository (ref '{remote.git_ref}')"


def plugin_search(
    plugin_paths: Sequence[Path],
    remotes: Sequence[RemoteConfig],
    max_age_hours: int,
    *,
    remote_name: str | None = None,
    url: str | None = None,
) -> PluginSearch:
    """``plugin-paths`` followed by the remotes' plugin directories (see the module doc)."""
    search = PluginSearch(paths=list(plugin_paths))
    if remote_name is not None and url is not None:
        raise ConfigError("--remote and --url cannot be used together")
    if remote_name is not None:
        chosen = next((r for r in remotes if r.name == remote_name), None)
        if chosen is None:
            known = ", ".join(r.name for r in remotes) or "none"
            raise ConfigError(
                f"remote '{remote_name}' is not in the configuration (configured: {known})",
                hint="run 'tasker-ctl remote list', or add it with 'tasker-ctl remote add'",
            )
        _add(search, chosen, f"remote '{chosen.name}'", max_age_hours, strict=True)
    elif url is not None:
        problem = url_problem(url)
        if problem:
            raise ConfigError(problem)
        _add(search, cache.url_remote(url), f"--url {url}", max_age_hours, strict=True)
    else:
        for remote in remotes:
            _add(search, remote, f"remote '{remote.name}'", max_age_hours, strict=False)
    return search


def _add(
    search: PluginSearch, remote: RemoteConfig, label: str, max_age_hours: int, *, strict: bool
) -> None:
    try:
        resolved = cache.resolve(remote, max_age_hours)
        assert resolved.directory is not None
        directory = _remote_plugin_dir(remote, resolved.directory, label)
    except RemoteError as exc:
        if strict:
            raise
        search.warnings.append(
            f"{exc.message}; its templates are left out of this run"
            + (f" (run 'tasker-ctl remote update {remote.name}')" if "fetch" in exc.message else "")
        )
        return
    search.warnings.extend(resolved.warnings)
    if resolved.fetched:
        search.notes.append(f"{label}: fetched '{remote.git_ref}' into {resolved.directory}")
    search.paths.append(directory)
    search.remote_dirs[directory] = remote.name
