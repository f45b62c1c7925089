"""The Typer-free ``tasker-ctl --help`` prints exactly what Typer would, at any width.

``tasker_ctl/cli/fast_help.py`` keeps the root help's text and every command's one-line
help; if a command is added to (or renamed in) ``app.py`` without it, these tests fail.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

TYPER_HELP = "from tasker_ctl.cli.app import app; app(['--help'], prog_name='tasker-ctl')"


def _run(args: list[str], columns: int) -> str:
    done = subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": str(columns), "RUST_LOG": "off"},
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("columns", [40, 60, 80, 132])
def test_fast_help_is_typers_help(columns: int) -> None:
    typer_help = _run(["-c", TYPER_HELP], columns)
    fast = _run(["-m", "tasker_ctl", "--help"], columns)
    assert fast == typer_help, (
        "tasker-ctl --help differs from Typer's help: update ROOT_HELP/OPTIONS/COMMANDS in "
        "tasker_ctl/cli/fast_help.py to match app.py"
    )
    assert _run(["-m", "tasker_ctl", "-h"], columns) == fast


def test_fast_help_lists_every_command() -> None:
    from typer.main import get_command

    from tasker_ctl.cli.app import app
    from tasker_ctl.cli.fast_help import COMMANDS

    group = get_command(app)
    names = [name for name, sub in getattr(group, "commands", {}).items() if not sub.hidden]
    assert sorted(names) == sorted(name for name, _ in COMMANDS), (
        "add the new command to COMMANDS in tasker_ctl/cli/fast_help.py"
    )


def test_fast_help_does_not_import_typer() -> None:
    code = (
        "import sys; from tasker_ctl.cli import main; main(['--help']); "
        "sys.stderr.write(str(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('typer', 'rich', 'click', 'pydantic'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stderr == "[]"


_text = st.lists(
    st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=14),
    min_size=1,
    max_size=25,
).map(" ".join)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(text=_text, limit=st.integers(min_value=5, max_value=90))
def test_short_help_truncates_like_click(text: str, limit: int) -> None:
    """The one-line help matches Click's own function on any words and limit."""
    from typer._click.utils import make_default_short_help

    from tasker_ctl.cli.fast_help import short_help

    assert short_help(text, limit) == make_default_short_help(text, limit)


@settings(max_examples=100, deadline=None, derandomize=True)
@given(text=_text, width=st.integers(min_value=20, max_value=120))
def test_paragraphs_wrap_like_click(text: str, width: int) -> None:
    from typer._click.formatting import wrap_text

    from tasker_ctl.cli.fast_help import _wrap_paragraphs

    para = f"{text}\n\n{text[::-1]}"
    expected = wrap_text(para, width, "  ", "  ", preserve_paragraphs=True)
    assert _wrap_paragraphs(para, width, "  ") == expected


TYPER_CALL = (
    "import sys; from tasker_ctl.cli.app import app; app(sys.argv[1:], prog_name='tasker-ctl')"
)


Outcome = tuple[int, str, str]


def _both(args: list[str], cwd: str, columns: int = 100) -> tuple[Outcome, Outcome]:
    env = {**os.environ, "COLUMNS": str(columns), "RUST_LOG": "off", "NO_COLOR": "1"}
    env.pop("TASKER_CTL_CONFIG", None)

    def run(cmd: list[str]) -> Outcome:
        done = subprocess.run(
            cmd, capture_output=True, text=True, env=env, cwd=cwd, timeout=60, check=False
        )
        return done.returncode, done.stdout, done.stderr

    fast = run([sys.executable, "-m", "tasker_ctl", *args])
    slow = run([sys.executable, "-c", TYPER_CALL, *args])
    return fast, slow


@pytest.mark.parametrize(
    "args",
    [
        ["template", "list"],
        ["template", "list", "-l", "python"],
        ["template", "list", "--language", "pyton"],
        ["template", "list", "--format", "json", "--language", "rust"],
        ["template", "list", "--format", "yaml"],
    ],
    ids=lambda a: " ".join(a[2:]) or "plain",
)
def test_fast_template_list_is_the_typer_command(args: list[str], tmp_path: Path) -> None:
    fast, slow = _both(args, str(tmp_path))
    assert fast == slow


def test_fast_template_list_with_a_config_warning_and_a_narrow_terminal(tmp_path: Path) -> None:
    (tmp_path / ".tasker-ctl.toml").write_text('plugin-paths = ["missing"]\nbogus = 1\n')
    fast, slow = _both(["template", "list"], str(tmp_path), columns=60)
    assert fast == slow
    code, out, err = fast
    assert code == 0 and "warning:" in err
    lines = out.splitlines()
    assert all(len(line) <= 60 for line in lines)
    # Names are never cut: in a narrow column they wrap, so their pieces join up again.
    name_width = lines[1].index("python") - 2
    first_column = "".join(line[:name_width].strip() for line in lines[1:])
    for name in ("step_handler_batchable", "step_handler_decision", "task_template"):
        assert name in first_column
    assert "\u2026" not in out


_words = st.sampled_from(
    ["template", "list", "-l", "--language", "--format", "json", "text", "--remote", "x", "-h"]
)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(args=st.lists(_words | st.text(max_size=6), max_size=7))
def test_fast_list_parser_takes_only_what_it_understands(args: list[str]) -> None:
    from tasker_ctl.cli.fast_list import parse

    values = parse(args)
    if values is None:
        return
    assert args[:2] == ["template", "list"]
    rest = args[2:]
    assert len(rest) == 2 * len(values)
    assert set(values) <= {"language", "format"}
    assert not any(flag in rest[::2] for flag in ("--remote", "-h", "--help", "--framework"))
    assert values.get("format", "text").lower() in ("text", "json")
