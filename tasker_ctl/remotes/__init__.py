"""Remote git repositories that provide plugins: configuration, fetching, the cache.

A remote becomes a local directory (``cache``), fetched with the ``git``
command (``git``); its plugins are then found as on ``plugin-paths``.
``config_edit`` adds and removes entries in the configuration file. This
package imports no CLI or reporting code.
"""

from __future__ import annotations

from typing import Any

from tasker_ctl.remotes.model import (
    DEFAULT_CACHE_MAX_AGE_HOURS,
    DEFAULT_CONFIG_PATH,
    DEFAULT_GIT_REF,
    RemoteConfig,
)

__all__ = [
    "DEFAULT_CACHE_MAX_AGE_HOURS",
    "DEFAULT_CONFIG_PATH",
    "DEFAULT_GIT_REF",
    "RemoteConfig",
    "RemoteError",
]


def __getattr__(name: str) -> Any:
    """``RemoteError`` on first use: reading the configuration must not import subprocess."""
    if name == "RemoteError":
        from tasker_ctl.remotes.git import RemoteError

        return RemoteError
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
