"""``tasker-ctl init [--no-contrib]``: write a starter ``.config/tasker.toml``.

The file has the keys the real tool's ``init`` writes: a ``[profile.default]``
connection profile (orchestration and worker endpoints), a ``[cli]`` table with
the optional settings commented out, and the tasker-contrib remote (or, with
``--no-contrib``, the same entry commented out). An existing file is never
overwritten.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from tasker_ctl.cli.boundary import command_boundary
from tasker_ctl.cli.common import note, warn
from tasker_ctl.config import LOCAL_CONFIG_NAME, UNIFIED_CONFIG_PATH
from tasker_ctl.errors import ConfigError, Location

CONTRIB_NAME = "tasker-contrib"
CONTRIB_URL = "https://github.com/tasker-systems/tasker-contrib.git"

_HEAD = """\
# Tasker configuration for this project, read by tasker-ctl (the [cli] table)
# and by Tasker clients (the [profile.*] tables).
# Settings in a profile can be overridden by environment variables; a named
# profile falls back to [profile.default] for the settings it leaves out.

# --- Connection profiles ------------------------------------------------------

[profile.default]
description = "Local development"
transport = "rest"

[profile.default.orchestration]
base_url = "http://localhost:8080"
timeout_ms = 30000
max_retries = 3

[profile.default.worker]
base_url = "http://localhost:8081"
timeout_ms = 30000
max_retries = 3

# --- tasker-ctl: plugins, template defaults, remotes --------------------------

[cli]
# Local plugin directories, searched before the remotes below
# plugin-paths = ["./plugins"]

# Language used by `template generate` when --language is not given
# default-language = "ruby"

# Where generated files go when --output is not given
# default-output-dir = "."

# Age in hours after which a cached remote is reported as stale (default 24)
# cache-max-age-hours = 24
"""

_CONTRIB = f"""
[[cli.remotes]]
name = "{CONTRIB_NAME}"
url = "{CONTRIB_URL}"
"""

_NO_CONTRIB = f"""
# Remotes are git repositories with plugins and configuration, for example:
# [[cli.remotes]]
# name = "{CONTRIB_NAME}"
# url = "{CONTRIB_URL}"
"""


def init_config_text(include_contrib: bool) -> str:
    """The text ``init`` writes."""
    return _HEAD + (_CONTRIB if include_contrib else _NO_CONTRIB)


@command_boundary
def init(
    no_contrib: Annotated[
        bool,
        typer.Option("--no-contrib", help="Leave the tasker-contrib remote out (commented)."),
    ] = False,
) -> int:
    """Create .config/tasker.toml in the current directory (CLI settings and profiles)."""
    from tasker_ctl.remotes.config_edit import create_exclusively

    try:
        here = Path.cwd()
    except OSError as exc:  # the directory was deleted (or moved away) under the shell
        raise ConfigError(
            f"cannot use the current directory: {exc.strerror or exc}",
            hint="cd into the project directory again, then run init",
        ) from exc
    target = here / UNIFIED_CONFIG_PATH
    shown = UNIFIED_CONFIG_PATH.as_posix()
    if target.exists():
        raise ConfigError(
            f"{shown} already exists; nothing was written",
            location=Location(target),
            hint="remove it first to start again, or edit it",
        )
    if (here / LOCAL_CONFIG_NAME).exists():
        warn(
            f"this directory also has {LOCAL_CONFIG_NAME}, which tasker-ctl reads before "
            f"{shown}; move its settings into the [cli] table of {shown} and delete it"
        )
    if os.path.lexists(target.parent) and not target.parent.is_dir():
        raise ConfigError(
            f"{target.parent.name} exists and is not a directory; nothing was written",
            location=Location(target.parent),
            hint=f"rename or remove it so that init can create {shown}",
        )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"cannot create {target.parent}: {exc.strerror or exc}",
            location=Location(target.parent),
            hint="run init in a directory you can write to",
        ) from exc
    create_exclusively(target, init_config_text(not no_contrib))
    typer.echo(f"Created {shown}")
    if no_contrib:
        note(f"add a remote with: tasker-ctl remote add {CONTRIB_NAME} {CONTRIB_URL}")
    else:
        note(
            "next: 'tasker-ctl remote update' fetches the remote's templates, "
            "'tasker-ctl template list' shows them"
        )
    return 0
