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
else the current directory.

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
from tasker_ctl.suggest import did_you_mean
from tasker_ctl.toml_files import TomlTable, read_toml

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
            template_paths=tuple(root / p for p in DEFAULT_TEMPLATE_PATHS),
            exclude_base=root,
        )
    data = _read_toml(path)
    project_dir = path.parent
    prefix: tuple[str, ...] = ()
    if path.name == "tasker.toml" and path.parent.name == ".config":
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
    if "remotes" in data:
        warnings.append(
            f"{path}: 'remotes' are not fetched by this tool; clone the repository and "
            "list its directory in 'plugin-paths'"
        )

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
    if cache_age is not None and (not isinstance(cache_age, int) or isinstance(cache_age, bool)):
        raise ConfigError("'cache-max-age-hours' must be an integer", location=Location(path))
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
    )


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
