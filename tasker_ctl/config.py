"""Loading ``.tasker-ctl.toml``: the settings every command shares.

Discovery (the first file that exists wins; files are not merged):

1. the file given with ``--config`` or the ``TASKER_CTL_CONFIG`` variable;
2. ``./.tasker-ctl.toml`` (the real tool's standalone file);
3. ``./.config/tasker.toml``, if it has a ``[cli]`` table (the real tool's
   unified file; only ``[cli]`` is read);
4. ``$XDG_CONFIG_HOME/tasker-ctl.toml``, default ``~/.config/tasker-ctl.toml``.

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
    }
)


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
    base = cwd or Path.cwd()
    local = base / LOCAL_CONFIG_NAME
    if local.is_file():
        return local
    unified = base / UNIFIED_CONFIG_PATH
    if unified.is_file() and "cli" in _read_toml(unified):
        return unified
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
        return Settings()
    data = _read_toml(path)
    project_dir = path.parent
    prefix: tuple[str, ...] = ()
    if path.name == "tasker.toml" and path.parent.name == ".config":
        prefix = ("cli",)
        data = data.get("cli", {})
        project_dir = path.parent.parent
        if not isinstance(data, dict):
            raise ConfigError("[cli] must be a table", location=Location(path))
    return _settings_from_mapping(data, path, project_dir, prefix)


def _read_toml(path: Path) -> dict[str, Any]:
    return read_toml(path, ConfigError, hint="fix the syntax of the configuration file")


def _settings_from_mapping(
    data: Mapping[str, Any], path: Path, project_dir: Path, prefix: tuple[str, ...] = ()
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
    return Settings(
        source=path,
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
