"""Loading ``.tasker-ctl.toml``: the settings every command shares.

Discovery (the first file that exists wins; files are not merged):

1. the file given with ``--config`` or the ``TASKER_CTL_CONFIG`` variable;
2. walking up from the current directory to the project root, in each
   directory: ``.tasker-ctl.toml`` (the real tool's standalone file), then
   ``.config/tasker.toml`` if it has a ``[cli]`` table (the real tool's unified
   file; only ``[cli]`` is read). The walk stops after a directory holding
   ``.git`` (the project root), and before the home directory or at the
   filesystem root, so running from a subdirectory keeps the project's settings
   (as ruff and pre-commit do);
3. ``$XDG_CONFIG_HOME/tasker-ctl.toml``, default ``~/.config/tasker-ctl.toml``.

The project root (where the default ``template-paths`` live) is the directory
of the project file found in step 2, else the nearest ancestor holding ``.git``,
else the current directory. With no project file, the default template path
(``config/tasks``) is the one nearest to the current directory on the way up
to that root.

Keys are kebab-case. The real tool's keys keep their meaning
(``plugin-paths``, ``default-language``, ``default-output-dir``,
``cache-max-age-hours``, ``remotes``); ours are ``handlers-root``,
``handler-packages`` and the ``[lint]`` table. Relative paths are resolved
against the project directory the file belongs to. Unlike the real tool, a
file that does not parse is an error, not a silent fallback to defaults.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tasker_ctl.errors import ConfigError, Location
from tasker_ctl.remotes.model import (
    DEFAULT_CACHE_MAX_AGE_HOURS,
    DEFAULT_CONFIG_PATH,
    DEFAULT_GIT_REF,
    REMOTE_KEYS,
    RemoteConfig,
    name_problem,
    ref_problem,
    relative_path_problem,
    url_problem,
)
from tasker_ctl.suggest import did_you_mean
from tasker_ctl.toml_files import TomlTable, key_line, read_toml

CONFIG_ENV_VAR = "TASKER_CTL_CONFIG"
LOCAL_CONFIG_NAME = ".tasker-ctl.toml"
UNIFIED_CONFIG_PATH = Path(".config") / "tasker.toml"

KNOWN_KEYS = frozenset(
    {
        "plugin-paths",
        "default-language",
        "default-output-dir",
        "cache-max-age-hours",
        "remotes",
        "handlers-root",
        "handler-packages",
        "lint",
        "template-paths",
        "exclude",
        "extend-exclude",
        "respect-gitignore",
    }
)
DEFAULT_TEMPLATE_PATHS = ("config/tasks",)
DEFAULT_EXCLUDES = (
    ".git",
    "node_modules",
    ".venv",
    "venv",
    "__pycache__",
    "target",
    "dist",
    "build",
)
"""Directory walks skip these (gitignore-style globs); ``exclude`` replaces them."""


@dataclass(frozen=True)
class Settings:
    """Effective settings after reading the configuration file (if any)."""

    source: Path | None = None
    plugin_paths: tuple[Path, ...] = ()
    default_language: str | None = None
    default_output_dir: Path | None = None
    handlers_roots: tuple[Path, ...] = ()
    handler_packages: tuple[str, ...] = ()
    lint: Mapping[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    project_root: Path | None = None
    """Where the project's files live: see the module docstring."""
    template_paths: tuple[Path, ...] = ()
    """What ``validate`` with no PATH lints (``template-paths``, default ``config/tasks``)."""
    template_paths_configured: bool = False
    exclude: tuple[str, ...] = DEFAULT_EXCLUDES
    """Gitignore-style globs skipped when walking directories (``exclude`` + ``extend-exclude``)."""
    exclude_base: Path | None = None
    """The directory that anchored ``exclude`` patterns (``/build``, ``docs/*.yaml``) are
    relative to: the configuration file's project directory."""
    respect_gitignore: bool = True
    remotes: tuple[RemoteConfig, ...] = ()
    """``[[remotes]]`` (``[[cli.remotes]]`` in the unified file), in file order."""
    cache_max_age_hours: int = DEFAULT_CACHE_MAX_AGE_HOURS

    @property
    def unified(self) -> bool:
        """Whether the settings come from the unified ``.config/tasker.toml`` (``[cli]``)."""
        return self.source is not None and is_unified_path(self.source)


def is_unified_path(path: Path) -> bool:
    """Whether ``path`` is a unified ``.config/tasker.toml`` (settings under ``[cli]``)."""
    return path.name == "tasker.toml" and path.parent.name == ".config"


def find_config_file(cwd: Path | None = None, explicit: Path | None = None) -> Path | None:
    """Return the configuration file that applies, or ``None`` if there is none."""
    if explicit is None and os.environ.get(CONFIG_ENV_VAR):
        explicit = Path(os.environ[CONFIG_ENV_VAR])
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(
                f"configuration file {explicit} does not exist",
                hint=f"check the path given with --config or {CONFIG_ENV_VAR}",
            )
        return explicit
    for directory in _project_directories(cwd or Path.cwd()):
        local = directory / LOCAL_CONFIG_NAME
        if local.is_file():
            return local
        unified = directory / UNIFIED_CONFIG_PATH
        if unified.is_file() and "cli" in _read_toml(unified):
            return unified
    return _user_config_file()


def _project_directories(cwd: Path) -> list[Path]:
    """``cwd`` and its parents up to the project root (see the module docstring)."""
    start = cwd.absolute()
    try:
        home: Path | None = Path.home()
    except (RuntimeError, KeyError):  # no home directory for this user
        home = None
    found = []
    for directory in (start, *start.parents):
        if directory != start and directory == home:
            break
        found.append(directory)
        if (directory / ".git").exists():
            break
    return found


def _nearest_template_paths(cwd: Path, root: Path) -> tuple[Path, ...]:
    """Without a configuration file: the default template paths nearest to ``cwd``.

    From ``cwd`` up to the project root, the first directory that holds one of
    them (so ``validate`` in an example project of a larger repository lints that
    example); else the project root's.
    """
    directory = cwd.resolve()
    top = root.resolve()
    while True:
        found = tuple(directory / p for p in DEFAULT_TEMPLATE_PATHS)
        if any(p.is_dir() for p in found):
            return found
        if directory == top or directory.parent == directory or not directory.is_relative_to(top):
            return tuple(root / p for p in DEFAULT_TEMPLATE_PATHS)
        directory = directory.parent


def find_project_root(cwd: Path | None = None) -> Path:
    """The nearest directory holding ``.git`` (below home), else ``cwd``."""
    start = (cwd or Path.cwd()).absolute()
    for directory in _project_directories(start):
        if (directory / ".git").exists():
            return directory
    return start


def _user_config_file() -> Path | None:
    xdg = os.environ.get("XDG_CONFIG_HOME")
    home_dir = Path(xdg) if xdg else Path.home() / ".config"
    home_file = home_dir / "tasker-ctl.toml"
    if home_file.is_file():
        return home_file
    return None


def load_settings(cwd: Path | None = None, explicit: Path | None = None) -> Settings:
    """Find and read the configuration file; defaults when there is none."""
    path = find_config_file(cwd, explicit)
    if path is None:
        root = find_project_root(cwd)
        return Settings(
            project_root=root,
            template_paths=_nearest_template_paths(cwd or Path.cwd(), root),
            exclude_base=root,
        )
    data = _read_toml(path)
    project_dir = path.parent
    prefix: tuple[str, ...] = ()
    if is_unified_path(path):
        prefix = ("cli",)
        data = data.get("cli", {})
        project_dir = path.parent.parent
        if not isinstance(data, dict):
            raise ConfigError("[cli] must be a table", location=Location(path))
    user_file = path == _user_config_file()
    root = find_project_root(cwd) if user_file or explicit is not None else project_dir
    return _settings_from_mapping(data, path, project_dir, prefix, root)


def _read_toml(path: Path) -> dict[str, Any]:
    return read_toml(path, ConfigError, hint="fix the syntax of the configuration file")


def _settings_from_mapping(
    data: Mapping[str, Any],
    path: Path,
    project_dir: Path,
    prefix: tuple[str, ...] = (),
    project_root: Path | None = None,
) -> Settings:
    warnings: list[str] = []
    for key in data:
        if key not in KNOWN_KEYS:
            close = did_you_mean(key, sorted(KNOWN_KEYS))
            suggestion = f" ({close})" if close else ""
            warnings.append(f"{path}: unknown key '{key}' is ignored{suggestion}")
    remotes = _remotes(data.get("remotes"), path, prefix, warnings)

    def resolve(value: str) -> Path:
        expanded = Path(value).expanduser()
        return expanded if expanded.is_absolute() else project_dir / expanded

    plugin_paths = tuple(resolve(v) for v in _str_list(data, "plugin-paths", path))
    handlers_roots = tuple(resolve(v) for v in _str_list(data, "handlers-root", path))
    handler_packages = tuple(_str_list(data, "handler-packages", path))
    default_language = _optional_str(data, "default-language", path)
    output_dir = _optional_str(data, "default-output-dir", path)
    lint = data.get("lint", {})
    if not isinstance(lint, dict):
        raise ConfigError("'lint' must be a table", location=Location(path))
    lint = TomlTable(lint, path, (*prefix, "lint"))
    cache_age = data.get("cache-max-age-hours")
    if cache_age is not None and (
        not isinstance(cache_age, int) or isinstance(cache_age, bool) or cache_age < 0
    ):
        raise ConfigError(
            "'cache-max-age-hours' must be a whole number of hours (0 or more)",
            location=Location(path, key_line(path, (*prefix, "cache-max-age-hours"))),
        )
    root = project_root or project_dir
    template_paths = tuple(resolve(v) for v in _str_list(data, "template-paths", path))
    exclude = tuple(_str_list(data, "exclude", path)) if "exclude" in data else DEFAULT_EXCLUDES
    exclude += tuple(_str_list(data, "extend-exclude", path))
    respect_gitignore = data.get("respect-gitignore", True)
    if not isinstance(respect_gitignore, bool):
        raise ConfigError("'respect-gitignore' must be true or false", location=Location(path))
    return Settings(
        source=path,
        project_root=root,
        template_paths=template_paths or tuple(root / p for p in DEFAULT_TEMPLATE_PATHS),
        template_paths_configured="template-paths" in data,
        exclude=exclude,
        exclude_base=project_dir,
        respect_gitignore=respect_gitignore,
        plugin_paths=plugin_paths,
        default_language=default_language,
        default_output_dir=resolve(output_dir) if output_dir else None,
        handlers_roots=handlers_roots,
        handler_packages=handler_packages,
        lint=lint,
        warnings=tuple(warnings),
        remotes=remotes,
        cache_max_age_hours=DEFAULT_CACHE_MAX_AGE_HOURS if cache_age is None else cache_age,
    )


def _remotes(
    raw: Any, path: Path, prefix: tuple[str, ...], warnings: list[str]
) -> tuple[RemoteConfig, ...]:
    """Read ``[[remotes]]``: each entry needs ``name`` and ``url``; names are unique."""
    key = ".".join((*prefix, "remotes"))
    if raw is None:
        return ()
    where = Location(path, key_line(path, (*prefix, "remotes")))
    if not isinstance(raw, list) or not all(isinstance(entry, dict) for entry in raw):
        raise ConfigError(
            f"'{key}' must be an array of tables ([[{key}]])",
            location=where,
            hint=f"write each remote as [[{key}]] with name and url",
        )
    found: list[RemoteConfig] = []
    headers = _array_table_lines(path, key)
    for index, entry in enumerate(raw):
        label = f"{key}[{index}]"
        if index < len(headers):
            where = Location(path, headers[index])

        name, url = (
            _entry_str(entry, "name", None, label, where),
            _entry_str(entry, "url", None, label, where),
        )
        if name is None or url is None:
            missing = "name" if name is None else "url"
            raise ConfigError(
                f"{label}: '{missing}' is missing",
                location=where,
                hint=f"every [[{key}]] needs name and url",
            )
        remote = RemoteConfig(
            name=name,
            url=url,
            git_ref=_entry_str(entry, "git-ref", DEFAULT_GIT_REF, label, where) or DEFAULT_GIT_REF,
            config_path=_entry_str(entry, "config-path", DEFAULT_CONFIG_PATH, label, where)
            or DEFAULT_CONFIG_PATH,
            plugin_path=_entry_str(entry, "plugin-path", None, label, where),
        )
        problem = (
            name_problem(remote.name)
            or url_problem(remote.url)
            or ref_problem(remote.git_ref)
            or relative_path_problem("plugin-path", remote.plugin_path or "")
            or relative_path_problem("config-path", remote.config_path)
        )
        if problem:
            raise ConfigError(f"{label}: {problem}", location=where)
        if any(other.name == remote.name for other in found):
            raise ConfigError(f"{label}: remote '{remote.name}' is declared twice", location=where)
        for unknown in sorted(set(entry) - set(REMOTE_KEYS)):
            close = did_you_mean(unknown, list(REMOTE_KEYS))
            warnings.append(
                f"{path}: {label}: unknown key '{unknown}' is ignored"
                + (f" ({close})" if close else "")
            )
        found.append(remote)
    return tuple(found)


def _entry_str(
    entry: Mapping[str, Any], name: str, default: str | None, label: str, where: Location
) -> str | None:
    """``entry[name]`` (or ``default``), which must be a non-empty string."""
    value = entry.get(name, default)
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise ConfigError(f"{label}: '{name}' must be a non-empty string", location=where)
    return value


def _array_table_lines(path: Path, key: str) -> list[int]:
    """The lines of the ``[[key]]`` headers in ``path``, in order (best effort)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    wanted = f"[[{key}]]"
    return [
        number
        for number, text in enumerate(lines, 1)
        if text.split("#", 1)[0].replace(" ", "").replace("\t", "") == wanted
    ]


def _str_list(data: Mapping[str, Any], key: str, path: Path) -> list[str]:
    value = data.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"'{key}' must be a list of strings", location=Location(path))
    return list(value)


def _optional_str(data: Mapping[str, Any], key: str, path: Path) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"'{key}' must be a non-empty string", location=Location(path))
    return value
