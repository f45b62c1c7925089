"""The Typer application: global options and the command tree.

Command modules import their core packages inside the command functions, so
``tasker-ctl --help`` stays fast and never imports Jinja, jsonschema or the
Tasker SDK.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer

from tasker_ctl import __version__
from tasker_ctl.cli import (
    completion_cmd,
    dlq_cmd,
    generate_cmd,
    init_cmd,
    plugin_cmd,
    profile_cmd,
    remote_cmd,
    run_cmd,
    schema_cmd,
    system_cmd,
    task_cmd,
    template_cmd,
    template_diff_cmd,
    validate_cmd,
    visualize_cmd,
    worker_cmd,
)
from tasker_ctl.cli.common import CliState, TaskerGroup
from tasker_ctl.cli.fast_help import (
    CONFIG_HELP,
    FORMAT_HELP,
    PROFILE_HELP,
    ROOT_HELP,
    VERSION_HELP,
)

app = typer.Typer(
    name="tasker-ctl",
    help=ROOT_HELP,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    cls=TaskerGroup,
    add_completion=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"tasker-ctl {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help=CONFIG_HELP,
            envvar="TASKER_CTL_CONFIG",
            dir_okay=False,
        ),
    ] = None,
    profile: Annotated[
        str | None, typer.Option("--profile", "-p", metavar="NAME", help=PROFILE_HELP)
    ] = None,
    output_format: Annotated[
        str | None, typer.Option("--format", metavar="FORMAT", help=FORMAT_HELP)
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            help=VERSION_HELP,
            callback=_version_callback,
            is_eager=True,
        ),
    ] = False,
) -> None:
    """Scaffold, lint and run Tasker workflows locally."""
    ctx.obj = CliState(config=config)
    if profile is not None:
        # what `--profile` after the command, or TASKER_CLIENT_PROFILE, would say
        os.environ["TASKER_CLIENT_PROFILE"] = profile
    if output_format is not None:
        ctx.default_map = _connected_defaults(ctx.command, output_format)


CONNECTED = ("task", "worker", "system", "dlq", "profile")
"""The command groups upstream's global ``--profile``/``--format`` apply to."""


def _connected_defaults(root: Any, output_format: str) -> dict[str, Any]:
    """A Click ``default_map`` giving ``output_format`` to every connected command."""
    defaults: dict[str, Any] = {}
    for name in CONNECTED:
        group = root.commands.get(name)
        for command_name, command in getattr(group, "commands", {}).items():
            if any(param.name == "output_format" for param in command.params):
                defaults.setdefault(name, {})[command_name] = {"output_format": output_format}
    return defaults


app.add_typer(template_cmd.app, name="template")
template_cmd.app.command("diff")(template_diff_cmd.diff)
template_cmd.app.command("visualize")(visualize_cmd.visualize)  # upstream's command path
app.add_typer(generate_cmd.app, name="generate")
app.command("validate")(validate_cmd.validate)
app.command("visualize")(visualize_cmd.visualize)
app.command("schema")(schema_cmd.schema)
app.command("run")(run_cmd.run)
app.add_typer(task_cmd.app, name="task")
app.add_typer(worker_cmd.app, name="worker")
app.add_typer(system_cmd.app, name="system")
app.add_typer(dlq_cmd.app, name="dlq")
app.add_typer(profile_cmd.app, name="profile")
app.add_typer(remote_cmd.app, name="remote")
app.add_typer(plugin_cmd.app, name="plugin")
app.command("init")(init_cmd.init)
app.command("completion")(completion_cmd.completion)
