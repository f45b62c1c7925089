"""Help text a user can read, and one error style for every usage error.

Every command's ``--help`` is rendered (in-process, it is the same tree) and checked
for Python type names where a value name belongs (``<bool>`` after flags made users
type ``--strict true``); usage errors from the real CLI are ``error:`` + ``hint:``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import Invoke

TYPE_NAMES = re.compile(r"<(bool|str|int|float|path|file|directory|list\[[^\]]*\])>", re.I)


def _commands() -> Iterator[list[str]]:
    from typer.main import get_command

    from tasker_ctl.cli.app import app

    def walk(command: Any, path: list[str]) -> Iterator[list[str]]:
        yield path
        for name, sub in sorted((getattr(command, "commands", None) or {}).items()):
            yield from walk(sub, [*path, name])

    yield from walk(get_command(app), [])


ALL_COMMANDS = list(_commands())


def test_the_tree_is_walked() -> None:
    assert ["template", "generate"] in ALL_COMMANDS
    assert ["visualize"] in ALL_COMMANDS
    assert len(ALL_COMMANDS) > 20


@pytest.mark.parametrize("path", ALL_COMMANDS, ids=lambda p: " ".join(p) or "root")
def test_help_names_values_not_python_types(path: list[str], cli: Invoke) -> None:
    result = cli(*path, "--help")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Usage: tasker-ctl")
    assert not TYPE_NAMES.search(result.stdout), TYPE_NAMES.search(result.stdout)
    # A flag takes no value: its help column follows after two or more spaces.
    flags = r"(?:--strict|--dry-run|--force|--quiet|--graph-only|--real-time|--help)"
    assert not re.search(rf"{flags} \S", result.stdout), result.stdout


def test_value_names_say_what_to_type(cli: Invoke) -> None:
    out = cli("visualize", "--help").stdout
    assert re.search(r"-o, --output FILE\b", out)
    assert re.search(r"-r, --report FILE\b", out)
    assert re.search(r"-f, --format FORMAT\b", out)
    generate = cli("template", "generate", "--help").stdout
    assert re.search(r"-o, --output DIR\b", generate)
    assert re.search(r"^\s+--dry-run\s+Show", generate, re.M)


def _real(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tasker_ctl", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "RUST_LOG": "off", "NO_COLOR": "1"},
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("args", "message", "hint"),
    [
        (["validate", "--bogus"], "error: no such option: --bogus", "tasker-ctl validate --help"),
        (["run"], "error: missing argument 'TEMPLATE'", "tasker-ctl run --help"),
        (["bogus"], "error: no such command 'bogus'", "tasker-ctl --help"),
        (["run", "t.yaml", "-j", "many"], "error: invalid value for '--concurrency'", "run --help"),
        (["template", "generate"], "error: missing argument 'KIND'", "template generate --help"),
    ],
)
def test_usage_errors_have_one_style(args: list[str], message: str, hint: str) -> None:
    done = _real(*args)
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert lines[0].startswith(message), done.stderr
    assert lines[1].startswith("hint: see '") and hint in lines[1]
    assert "Usage:" not in done.stderr and "Error:" not in done.stderr
    assert done.stdout == ""


def test_a_bare_group_shows_its_help_and_exits_2() -> None:
    done = _real("template")
    assert done.returncode == 2
    assert done.stderr.startswith("Usage: tasker-ctl template [OPTIONS] COMMAND")
    assert "error:" not in done.stderr


def test_command_errors_use_the_same_style(tmp_path: Any) -> None:
    done = _real("visualize", str(tmp_path / "missing.yaml"))
    assert done.returncode == 2
    assert done.stderr.startswith("error: ")
    assert "\nhint: " in done.stderr


@pytest.mark.parametrize("columns", ["50", "60"])
def test_narrow_template_tables_keep_whole_names(
    columns: str, cli: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    info = cli("template", "info", "step_handler_batchable", "--language", "python")
    assert info.exit_code == 0, info.output
    assert re.search(r"^module_name\s+no\b", info.stdout, re.M)
    listing = cli("template", "list", "--language", "python")
    assert listing.exit_code == 0
    table = info.stdout.split("Parameters:\n", 1)[1].split("\n\n", 1)[0]
    for out in (table, listing.stdout):
        assert "\u2026" not in out
        assert all(len(line.rstrip()) <= int(columns) for line in out.splitlines())
