"""``tasker-ctl --help`` without importing Typer (the most typed command after ``--version``).

Importing Typer and building the command tree costs 10-20 times a bare interpreter
start; the root help needs none of it. This module holds the root help's text (the
Typer app in :mod:`tasker_ctl.cli.app` uses the same constants) and the name and
one-line help of every command, and lays them out as Click does (usage line,
paragraphs, two definition lists, the same wrapping and short-help truncation at any
terminal width). ``tests/cli/test_help_fast.py`` compares this output with Typer's
at several widths: adding a command to ``app.py`` means adding it to
:data:`COMMANDS` here too, or that test fails and says so.
"""

from __future__ import annotations

import shutil
import sys
import textwrap
from collections.abc import Sequence

PROG = "tasker-ctl"
ROOT_HELP = (
    "Scaffold, lint and run Tasker workflows locally.\n\n"
    "Exit codes: 0 ok, 1 findings or task not complete, 2 usage or input error, "
    "3 internal error, 130 interrupted."
)
CONFIG_HELP = "Configuration file to use instead of discovering .tasker-ctl.toml."
VERSION_HELP = "Print the version and exit."
PROFILE_HELP = (
    "Connection profile for the connected commands (task, worker, system, dlq, "
    "profile), given before the command as upstream's tasker-ctl takes it."
)
FORMAT_HELP = "Output format of the connected commands: table, json or yaml."
OPTIONS: tuple[tuple[str, str], ...] = (
    ("--config FILE", f"{CONFIG_HELP}  [env var: TASKER_CTL_CONFIG]"),
    ("-p, --profile NAME", PROFILE_HELP),
    ("--format FORMAT", FORMAT_HELP),
    ("-V, --version", VERSION_HELP),
    ("--install-completion", "Install completion for the current shell."),
    (
        "--show-completion",
        "Show completion for the current shell, to copy it or customize the installation.",
    ),
    ("-h, --help", "Show this message and exit."),
)
COMMANDS: tuple[tuple[str, str], ...] = (
    # Commands first, then groups, in the order app.py registers them (as Typer lists them).
    (
        "validate",
        "Lint task-template YAML: structure, DAG semantics, runtime traps, handler callables.",
    ),
    (
        "visualize",
        "Draw a template's steps and dependencies (Mermaid, Markdown with Step Details, or DOT).",
    ),
    ("schema", "Print the JSON Schema of task-template YAML (accurate to the real loader)."),
    ("run", "Run a workflow locally with the real Python SDK, as production would."),
    ("init", "Create .config/tasker.toml in the current directory (CLI settings and profiles)."),
    (
        "completion",
        "Print the shell completion script (install it with: tasker-ctl --install-completion).",
    ),
    ("template", "Generate step handlers and task templates from built-in or plugin templates."),
    ("generate", "Generate typed code from a task template's schemas."),
    ("task", "Create, inspect and repair tasks on the orchestration API."),
    ("worker", "Inspect the worker service of a profile (one worker per worker_url)."),
    ("system", "Health and versions of the orchestration and worker services."),
    ("dlq", "Investigate dead-letter-queue entries (tasks stuck for an operator)."),
    (
        "profile",
        "Connection profiles for the Tasker orchestration and worker APIs (profile.NAME "
        "tables in .config/tasker.toml or .config/tasker-client.toml).",
    ),
    ("remote", "Manage remote git repositories that provide plugins and configuration."),
    ("plugin", "List the plugins in use, or check a plugin directory."),
)


def help_width(columns: int | None = None) -> int:
    """Click's help width: the terminal's, at most 80 columns, less 2, at least 50."""
    if columns is None:
        columns = shutil.get_terminal_size().columns
    return max(min(columns, 80) - 2, 50)


def _wrapper(width: int, initial: str = "", subsequent: str = "") -> textwrap.TextWrapper:
    return textwrap.TextWrapper(
        width, initial_indent=initial, subsequent_indent=subsequent, replace_whitespace=False
    )


def _wrap_paragraphs(text: str, width: int, indent: str = "") -> str:
    """Each blank-line separated paragraph re-flowed to ``width`` (Click's wrap_text)."""
    paragraphs = [" ".join(p.split("\n")) for p in text.expandtabs().split("\n\n") if p]
    return "\n\n".join(_wrapper(width, indent, indent).fill(p) for p in paragraphs)


def short_help(text: str, limit: int) -> str:
    """Click's one-line command help: the first sentence, or words up to ``limit`` + '...'."""
    words = text.split("\n\n", 1)[0].split()
    total = 0
    index = 0
    for index, word in enumerate(words):
        total += len(word) + (index > 0)
        if total > limit:
            break
        if word.endswith("."):
            return " ".join(words[: index + 1])
        if total == limit and index != len(words) - 1:
            break
    else:
        return " ".join(words)
    total += len("...")
    while index > 0:
        total -= len(words[index]) + (index > 0)
        if total <= limit:
            break
        index -= 1
    return " ".join(words[:index]) + "..."


def _definition_list(rows: Sequence[tuple[str, str]], width: int, indent: int = 2) -> list[str]:
    first_col = min(max(len(first) for first, _ in rows), 30) + 2
    text_width = max(width - first_col - 2, 10)
    lines = []
    for first, second in rows:
        wrapped = _wrap_paragraphs(second, text_width).splitlines()
        head = " " * indent + first
        if len(first) <= first_col - 2:
            lines.append(head + " " * (first_col - len(first)) + wrapped[0])
        else:
            lines.append(head)
            lines.append(" " * (first_col + indent) + wrapped[0])
        lines += [" " * (first_col + indent) + line for line in wrapped[1:]]
    return lines


def root_help(columns: int | None = None) -> str:
    """The text ``tasker-ctl --help`` prints, laid out for a terminal of ``columns``."""
    width = help_width(columns)
    usage_prefix = f"Usage: {PROG} "
    usage = _wrapper(width, usage_prefix, " " * len(usage_prefix)).fill(
        "[OPTIONS] COMMAND [ARGS]..."
    )
    limit = width - 6 - max(len(name) for name, _ in COMMANDS)
    commands = [(name, short_help(text, limit)) for name, text in COMMANDS]
    lines = [usage, "", _wrap_paragraphs(ROOT_HELP, width, "  "), "", "Options:"]
    lines += _definition_list(OPTIONS, width)
    lines += ["", "Commands:", *_definition_list(commands, width)]
    return "\n".join(lines) + "\n"


def print_root_help() -> None:
    """Write the root help to stdout."""
    sys.stdout.write(root_help())
