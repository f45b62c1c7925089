"""``tasker-ctl completion SHELL``: print Typer's completion script for bash, zsh or fish.

``tasker-ctl --install-completion`` (Typer's) installs the script for the shell it
runs in; this command prints it for a named shell, for dotfiles, images and CI.
Either way completion calls back into ``tasker-ctl`` with ``_TASKER_CTL_COMPLETE``
set, so commands, options, and choices come from the real command tree.
"""

from __future__ import annotations

from typing import Annotated

import typer

from tasker_ctl.cli.boundary import command_boundary
from tasker_ctl.errors import ParameterError

SHELLS = ("bash", "zsh", "fish")
PROG = "tasker-ctl"
COMPLETE_VAR = "_TASKER_CTL_COMPLETE"


@command_boundary
def completion(
    shell: Annotated[str, typer.Argument(help="bash, zsh or fish.")],
) -> int:
    """Print the shell completion script (install it with: tasker-ctl --install-completion)."""
    # Typer keeps the script templates here (the module behind --show-completion).
    from typer._completion_shared import get_completion_script

    name = shell.lower()
    if name not in SHELLS:
        raise ParameterError(
            f"no completion for shell '{shell}'; choose one of: {', '.join(SHELLS)}",
            hint="or run `tasker-ctl --install-completion` in the shell you use",
        )
    script = get_completion_script(prog_name=PROG, complete_var=COMPLETE_VAR, shell=name)
    typer.echo(script)
    return 0
