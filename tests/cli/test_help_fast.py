"""The Typer-free ``tasker-ctl --help`` prints exactly what Typer would, at any width.

``tasker_ctl/cli/fast_help.py`` keeps the root help's text and every command's one-line
help; if a command is added to (or renamed in) ``app.py`` without it, these tests fail.
"""

from __future__ import annotations

import os
import subprocess
import sys

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
