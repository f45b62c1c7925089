"""A configured remote: a git repository that provides plugins (and Tasker config).

The keys are the real tool's (``[[remotes]]`` in ``.tasker-ctl.toml``,
``[[cli.remotes]]`` in ``.config/tasker.toml``): ``name``, ``url``,
``git-ref`` (default ``main``), ``config-path`` (default ``config/tasker/``)
and ``plugin-path`` (default: the repository root).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_GIT_REF = "main"
DEFAULT_CONFIG_PATH = "config/tasker/"
DEFAULT_CACHE_MAX_AGE_HOURS = 24
REMOTE_KEYS = ("name", "url", "git-ref", "config-path", "plugin-path")

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
MAX_NAME_LENGTH = 100
"""File systems allow 255 bytes a name; the cache's staging directory adds ~20."""


@dataclass(frozen=True)
class RemoteConfig:
    """One ``[[remotes]]`` entry."""

    name: str
    url: str
    git_ref: str = DEFAULT_GIT_REF
    config_path: str = DEFAULT_CONFIG_PATH
    plugin_path: str | None = None


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a remote (it names its cache directory), or ``None``.

    A name starts with a letter or digit, so it never meets the ``_url_<hash>``
    caches of ``--url``.
    """
    if not _NAME.fullmatch(name) or name in {".", ".."}:
        return (
            f"remote name '{name}' must start with a letter or digit and hold only "
            "letters, digits, '.', '_' and '-' (it names the cache directory)"
        )
    if len(name) > MAX_NAME_LENGTH:
        return (
            f"remote name '{name[:20]}...' has {len(name)} characters; at most "
            f"{MAX_NAME_LENGTH} are allowed (it names the cache directory)"
        )
    return None


def ref_problem(ref: str) -> str | None:
    """Why ``ref`` cannot be a git ref to fetch, or ``None``."""
    if not ref or ref.startswith("-") or any(c.isspace() or c in "~^:?*[\\" for c in ref):
        return f"git ref '{ref}' is not a branch, tag or commit name"
    return None


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be handed to git, or ``None`` (git itself judges the rest)."""
    if not url.strip() or url.startswith("-"):
        return f"remote URL '{url}' is empty or starts with '-'"
    if url.lower().startswith("ext::"):
        return f"remote URL '{url}' uses git's ext:: transport, which runs a command"
    return None


def relative_path_problem(key: str, value: str) -> str | None:
    """Why ``value`` cannot be a path inside the repository, or ``None``."""
    parts = value.replace("\\", "/").split("/")
    if value.startswith(("/", "~")) or ".." in parts:
        return f"'{key}' must be a path inside the repository (got '{value}')"
    return None
